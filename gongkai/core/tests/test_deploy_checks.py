"""`manage.py check --deploy` with the production settings: clean, but for the silenced
warnings the README explains."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
EXPLAINED = {"security.W019", "security.W021"}


def _production_env(**extra: str) -> dict[str, str]:
    # As a server starts: not with the test run's DEBUG or its async escape hatch
    # (DJANGO_ALLOW_ASYNC_UNSAFE, which the browser tests set and async.E001 reports).
    dropped = ("DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        DJANGO_SETTINGS_MODULE="gongkai.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        **extra,
    )
    return env


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_check_deploy_is_clean_with_the_production_settings():
    result = _run("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (2 silenced)." in output


def test_only_the_explained_warnings_are_silenced_and_the_readme_explains_them():
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(','.join(settings.SILENCED_SYSTEM_CHECKS))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.strip().split(",")) == EXPLAINED
    readme = (ROOT / "README.md").read_text()
    for check in EXPLAINED:
        assert re.search(rf"`{re.escape(check)}` \(.+\): .+", readme), check


def test_without_the_silencing_exactly_those_two_would_remain():
    # The same checks with the silenced list emptied: the two explained ones and no other.
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "settings.SILENCED_SYSTEM_CHECKS = []; "
        "from django.core.checks import run_checks; "
        "print(','.join(sorted(m.id for m in run_checks(include_deployment_checks=True))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.strip().split(",")) == EXPLAINED
