"""Wagtail's admin is in Simplified Chinese: the project catalogue fills Wagtail's zh_Hans gaps.

When a Wagtail upgrade brings new strings, test_no_wagtail_string_lacks_chinese lists them:
run `python scripts/wagtail_translation_gaps.py --write`, translate the new entries in
locale/zh_Hans/LC_MESSAGES/, then `python scripts/wagtail_translation_gaps.py --compile`.
"""

import importlib.util
import json
import re
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

from gongkai.conftest import login_verified

ROOT = Path(settings.BASE_DIR)
MESSAGES = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"
DOMAINS = ("django", "djangojs")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+\}")


def _load_script():
    path = ROOT / "scripts" / "wagtail_translation_gaps.py"
    spec = importlib.util.spec_from_file_location("wagtail_translation_gaps", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


find_gaps = _load_script().find_gaps


def _translation(entry) -> str:
    return entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr


def test_project_catalogue_is_on_locale_paths():
    assert Path(settings.LOCALE_PATHS[0]) == ROOT / "locale"


def test_no_wagtail_string_lacks_chinese():
    gaps = find_gaps()
    assert not gaps, (
        f"{len(gaps)} Wagtail string(s) have no zh_Hans translation; run "
        "`python scripts/wagtail_translation_gaps.py --write`, translate, then --compile:\n"
        + "\n".join(str(gap) for gap in gaps)
    )


@pytest.mark.parametrize("domain", DOMAINS)
def test_project_catalogue_is_complete_and_keeps_placeholders(domain):
    catalogue = polib.pofile(str(MESSAGES / f"{domain}.po"))
    assert catalogue.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert not catalogue.fuzzy_entries(), "fuzzy entries are not used at run time"
    assert not catalogue.untranslated_entries(), [e.msgid for e in catalogue.untranslated_entries()]
    for entry in catalogue:
        if entry.msgid_plural:
            assert list(entry.msgstr_plural) == [0], entry.msgid  # Chinese has one plural form
        allowed = set(PLACEHOLDER.findall(entry.msgid + entry.msgid_plural))
        used = set(PLACEHOLDER.findall(_translation(entry)))
        assert used <= allowed, f"{entry.msgid!r}: unknown placeholder(s) {used - allowed}"
        source = entry.msgid_plural or entry.msgid
        assert set(PLACEHOLDER.findall(source)) <= used, f"{entry.msgid!r} loses a placeholder"


@pytest.mark.parametrize("domain", DOMAINS)
def test_project_mo_is_compiled_from_the_po(domain):
    po = polib.pofile(str(MESSAGES / f"{domain}.po"))
    mo = {(e.msgctxt, e.msgid): e for e in polib.mofile(str(MESSAGES / f"{domain}.mo"))}
    stale = []
    for entry in po.translated_entries():
        compiled = mo.get((entry.msgctxt, entry.msgid))
        if compiled is None or _translation(compiled) != _translation(entry):
            stale.append(entry.msgid)
    assert not stale, (
        f"{domain}.mo is older than {domain}.po; run "
        f"`python scripts/wagtail_translation_gaps.py --compile`: {stale}"
    )


@pytest.fixture
def superuser(db, world):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("t-root", "root@example.gov.cn", "x")


@pytest.mark.parametrize("who", ["site_admin", "superuser"])
def test_dashboard_is_in_chinese(client, world, superuser, who):
    user = superuser if who == "superuser" else getattr(world, who)
    login_verified(client, user)
    response = client.get("/admin/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Search all pages" not in html
    assert "搜索所有页面" in html
    # The sidebar's help menu comes as JSON props (non-ASCII escaped).
    assert "editor guide" not in html
    assert json.dumps("编辑指南")[1:-1] in html


def test_admin_javascript_catalogue_includes_the_project_catalogue(client, world):
    login_verified(client, world.site_admin)
    response = client.get("/admin/jsi18n/")
    assert response.status_code == 200
    script = response.content.decode()
    assert json.dumps("正在自动保存…")[1:-1] in script  # only in locale/ (djangojs)
    assert json.dumps("搜索")[1:-1] in script  # still Wagtail's own djangojs catalogue
