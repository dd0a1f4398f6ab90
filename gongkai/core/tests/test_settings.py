"""Production settings refuse unsafe configurations; base settings hash with Argon2."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password

from gongkai.settings import base

ROOT = Path(__file__).resolve().parents[3]
GOOD_KEY = "k7#Qz!v9Lp2@Xr5^Wm8&Nt4*Bc6(Jd1)Hf3_Gs0+Ya7-Ue2=Io9Ko1Mn3Vb5"

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.checks import run_checks
issues = run_checks(include_deployment_checks=True)
print(json.dumps({
    "debug": settings.DEBUG,
    "demo": settings.DEMO_MODE,
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "hsts_sub": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "hasher": settings.PASSWORD_HASHERS[0],
    "check": sorted(issue.id for issue in issues),
}))
"""


def start_production(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "DEBUG",
            "DJANGO_SETTINGS_MODULE",
            "DATABASE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the test settings, never in production
        }
        and not k.startswith("PYTEST")
    }
    clean.update(
        DJANGO_SETTINGS_MODULE="gongkai.settings.production",
        GONGKAI_VAR_DIR=str(tmp_path),
        **env,
    )
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "env",
    [
        pytest.param({}, id="no-key"),
        pytest.param({"SECRET_KEY": ""}, id="empty-key"),
        pytest.param({"SECRET_KEY": base.DEVELOPMENT_SECRET_KEY}, id="development-key"),
        pytest.param({"SECRET_KEY": "s3cr3t-but-far-too-short-0123456789"}, id="short-key"),
    ],
)
def test_production_refuses_a_missing_or_weak_key(tmp_path, env):
    result = start_production(tmp_path, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "生产环境必须通过环境变量 SECRET_KEY" in result.stderr


def test_production_refuses_debug(tmp_path):
    result = start_production(tmp_path, SECRET_KEY=GOOD_KEY, DEBUG="true")
    assert result.returncode != 0
    assert "生产环境不能开启 DEBUG" in result.stderr


def test_production_starts_with_a_good_key_and_is_locked_down(tmp_path):
    result = start_production(tmp_path, SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="gk.example.gov.cn")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout.strip().splitlines()[-1])
    assert info["debug"] is False
    assert info["demo"] is False
    assert info["session_secure"] and info["csrf_secure"]
    assert info["hsts"] >= 31536000 and info["hsts_sub"]
    assert info["ssl_redirect"] is True
    assert info["hasher"] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    # Django's deployment checklist: only the two known, deliberate deviations.
    # W019: X-Frame-Options is SAMEORIGIN because Wagtail's preview uses an iframe.
    # W021: HSTS preload is an operator's decision (it is hard to undo).
    assert set(info["check"]) <= {"security.W019", "security.W021"}, info["check"]


def test_argon2_is_the_first_hasher_in_base():
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_argon2_hashes_and_checks(settings):
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    encoded = make_password("correct-horse-battery")
    assert encoded.startswith("argon2$")
    assert identify_hasher(encoded).algorithm == "argon2"
    assert check_password("correct-horse-battery", encoded)


def test_password_validators_demand_ten_characters():
    lengths = [
        v.get("OPTIONS", {}).get("min_length")
        for v in base.AUTH_PASSWORD_VALIDATORS
        if v["NAME"].endswith("MinimumLengthValidator")
    ]
    assert lengths == [10]
