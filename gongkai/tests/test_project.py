"""Checks on the project as a whole: README, catalogues, migrations, demo, commands."""

import re
import shutil
import socket
import subprocess
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from gongkai.settings.env import markdown_table

ROOT = Path(settings.BASE_DIR)


def test_readme_configuration_table_is_current():
    readme = (ROOT / "README.md").read_text()
    match = re.search(r"<!-- config:start -->\n(.*?)\n<!-- config:end -->", readme, re.S)
    assert match, "README.md lacks the <!-- config:start --> … <!-- config:end --> block"
    assert match.group(1).strip() == markdown_table().strip(), (
        "README configuration table is stale: paste `manage.py config_docs` into it"
    )


def test_readme_names_the_two_commands_and_every_app():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    for path in sorted((ROOT / "gongkai").iterdir()):
        if (path / "apps.py").exists():
            assert f"`{path.name}`" in readme, f"README's map of the apps lacks `{path.name}`"


@pytest.mark.parametrize(
    "po_path",
    sorted((ROOT / "gongkai").glob("*/locale/zh_Hans/LC_MESSAGES/django.po")),
    ids=lambda p: p.parts[-5],
)
def test_catalogue_is_complete_and_compiled(po_path):
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated in {po_path}: {untranslated}"
    assert not fuzzy, f"fuzzy in {po_path}: {fuzzy}"
    mo = polib.mofile(str(po_path.with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in mo}
    stale = [
        e.msgid
        for e in po.translated_entries()
        if not e.msgid_plural and compiled.get((e.msgctxt, e.msgid)) != e.msgstr
    ]
    assert not stale, f"{po_path.with_suffix('.mo')} is stale (run make messages): {stale}"
    if shutil.which("msgfmt"):  # GNU gettext is stricter than polib
        check = subprocess.run(
            ["msgfmt", "--check", "-o", "/dev/null", str(po_path)], capture_output=True, text=True
        )
        assert check.returncode == 0, check.stderr


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit as exc:  # makemigrations --check exits 1 on changes
        pytest.fail(f"missing migrations:\n{out.getvalue()} ({exc})")


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    from django.contrib.auth import get_user_model
    from django.db import connection
    from wagtail.models import ModelLogEntry, Page

    from gongkai.org.models import Department, Responsibility

    def counts():
        tables = connection.introspection.table_names()
        return {
            "users": get_user_model().objects.count(),
            "departments": Department.objects.count(),
            "responsibilities": Responsibility.objects.count(),
            "pages": Page.objects.count(),
            "log": ModelLogEntry.objects.count(),
            "tables": len(tables),
        }

    call_command("seed_demo", stdout=StringIO())
    first = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first
    assert first["departments"] >= 7
    assert first["users"] >= 6
    names = set(Department.objects.values_list("name", flat=True))
    assert {"局办公室", "政策法规科", "财务科", "信息中心", "市就业局"} <= names


@pytest.mark.django_db
def test_every_demo_account_can_log_in(client):
    from gongkai.org.seeds import DEMO_ACCOUNTS, DEMO_PASSWORD

    call_command("seed_demo", "--only", "org", stdout=StringIO())
    for username, *_ in DEMO_ACCOUNTS:
        response = client.post("/admin/login/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, f"{username} could not log in"
        client.logout()


def test_check_port_refuses_a_taken_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(CommandError, match="已被占用"):
            call_command("check_port", port=port)


def test_check_port_accepts_a_free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    call_command("check_port", port=port)


def test_serve_starts_web_and_worker_and_stops_on_ctrl_c(tmp_path):
    """`make run`'s last step: gunicorn + the task worker, both stopped by Ctrl-C."""
    import os
    import signal
    import subprocess
    import sys
    import time
    import urllib.request

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gongkai.settings.local",
        "GONGKAI_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "WEB_CONCURRENCY": "1",
    }
    manage = str(ROOT / "manage.py")
    subprocess.run([sys.executable, manage, "migrate", "-v0"], env=env, check=True)
    subprocess.run(
        [sys.executable, manage, "collectstatic", "--noinput", "-v0"], env=env, check=True
    )
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log_path = tmp_path / "serve.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [sys.executable, manage, "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        status = None
        for _ in range(100):
            try:
                url = f"http://127.0.0.1:{port}/admin/login/"
                with urllib.request.urlopen(url, timeout=10) as r:
                    status = r.status
                    break
            except OSError:
                time.sleep(0.2)
        assert status == 200, log_path.read_text()[-3000:]
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        log.close()
    output = log_path.read_text()
    assert proc.returncode == 0, output
    assert "Starting worker" in output or "db_worker" in output or "worker" in output
    assert "已停止" in output
