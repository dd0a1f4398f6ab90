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


# --- Overrides of misleading Wagtail translations, and our catalogues not shadowing Wagtail's.

_script = _load_script()


def test_every_override_is_in_the_project_catalogue_and_still_a_wagtail_msgid():
    catalogue = polib.pofile(str(MESSAGES / "django.po"))
    for (msgctxt, msgid), override in _script.OVERRIDES.items():
        entry = catalogue.find(msgid, msgctxt=msgctxt)
        assert entry is not None and entry.msgstr == override.msgstr, msgid
        assert entry.comment == f"override: {override.reason}", msgid
    assert not _script.stale_overrides(), "Wagtail renamed these msgids; update OVERRIDES"


def test_overrides_are_in_effect():
    from django.utils import translation

    with translation.override("zh-hans"):
        for (msgctxt, msgid), override in _script.OVERRIDES.items():
            got = translation.pgettext(msgctxt, msgid) if msgctxt else translation.gettext(msgid)
            assert got == override.msgstr, (msgid, got)


@pytest.mark.parametrize(
    ("msgid", "expected"),
    [
        ("Pages", "页面"),  # the sidebar menu; catalog's pagination label once made it 分页
        ("Published", "已发布"),  # a status; catalog's date column once made it 发布日期
        ("file", "文件"),  # the document form's field; an import progress unit made it 个文件
        ("live", "已发布"),
        ("Password", "密码"),
    ],
)
def test_no_app_catalogue_shadows_a_wagtail_label(msgid, expected):
    from django.utils import translation

    with translation.override("zh-hans"):
        assert translation.gettext(msgid) == expected
        # Our own uses keep their wording through a context.
        assert translation.pgettext("pagination", "Pages") == "分页"
        assert translation.pgettext("boolean", "Unknown") == "未知"


def test_page_explorer_and_sidebar_say_页面_and_已发布(client, world):
    from gongkai.catalog.tests.factories import column, record

    results = column()
    record(results, title="关于做好就业补贴申领工作的通知", department=world.employment)
    login_verified(client, world.site_admin)
    html = client.get(f"/admin/pages/{results.pk}/").content.decode()
    assert "已发布" in html and "在用" not in html
    sidebar = client.get("/admin/").content.decode()
    assert json.dumps("页面")[1:-1] in sidebar
    assert json.dumps("分页")[1:-1] not in sidebar and "分页" not in sidebar


def test_login_form_labels_are_chinese(client, db):
    html = client.get("/admin/login/").content.decode()
    assert re.search(r"<label[^>]*>\s*密码", html), "the password field's label"
    assert not re.search(r"\bPassword\b", html)


def test_sites_listing_headings_are_chinese(client, world):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("t-root", "root@example.gov.cn", "x")
    login_verified(client, root)
    html = client.get("/admin/sites/").content.decode()
    for heading in ("端口号", "站点名称", "根页面"):
        assert heading in html
    assert not re.search(r"\b(Port|Site name|Root page)\b", html)


def test_boolean_columns_say_是_or_否_not_true_or_false(client, world):
    login_verified(client, world.site_admin)
    html = client.get("/admin/snippets/org/department/").content.decode()
    # The icon's text for screen readers (and copy-paste): the departments are all active.
    assert re.search(r'<span class="w-sr-only">\s*是\s*</span>', html)
    assert not re.search(r">\s*(True|False|None)\s*<", html)  # as a cell's or icon's text
