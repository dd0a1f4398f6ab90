"""In a real browser: a Word table through an edit and save in the admin's Draftail editor,
and the home page's lists at phone and desktop width, without JavaScript and axe-clean."""

import re
from datetime import date

import pytest

from gongkai.catalog.imports import record_import_docx
from gongkai.catalog.models import CatalogRecord
from gongkai.catalog.tests.factories import column, record
from gongkai.catalog.tests.public_factories import home_page
from gongkai.catalog.tests.test_word_import import make_docx

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = "correct-horse-battery"


def test_a_word_table_survives_an_edit_and_save_in_draftail(world, live_server, new_context):
    page = record_import_docx(
        column=column(parent=home_page()),
        data=make_docx(),
        filename="通知.docx",
        by=world.drafter,
        department=world.employment,
    )
    browser_page = new_context(viewport={"width": 1280, "height": 1000}).new_page()
    errors: list[str] = []
    browser_page.on("pageerror", lambda error: errors.append(str(error)))
    browser_page.goto(live_server.url + "/admin/login/")
    browser_page.fill("input[name=username]", "t-drafter")
    browser_page.fill("input[name=password]", PASSWORD)
    browser_page.locator("form button[type=submit]").first.click()
    browser_page.wait_for_url(re.compile(r"/admin/$"))

    browser_page.goto(f"{live_server.url}/admin/pages/{page.pk}/edit/")
    block = browser_page.locator(".gongkai-table-block")
    block.wait_for()
    assert "项目 | 金额" in block.inner_text()
    assert block.get_by_role("button", name="删除此表格").count() == 1
    # A real edit of the text around it, then 保存草稿.
    browser_page.locator(".Draftail-Editor .public-DraftEditor-content").first.click()
    browser_page.keyboard.press("Control+End")
    browser_page.keyboard.type("（编辑测试）")
    # Draftail writes its state into the form field after a short pause (stateSaveInterval).
    browser_page.wait_for_timeout(1000)
    with browser_page.expect_navigation():
        browser_page.locator("footer button[type=submit]").first.click()
    assert browser_page.locator(".messages .success").count() == 1
    assert errors == []

    saved = CatalogRecord.objects.get(pk=page.pk).get_latest_revision_as_object().body
    assert "编辑测试" in saved
    assert saved.count("<table>") == 1
    assert '<th scope="col" colspan="2">项目</th>' in saved
    assert '<td rowspan="2">500</td>' in saved


@pytest.mark.parametrize("width", [375, 1280])
def test_home_lists_on_a_phone_and_a_desktop(world, live_server, new_context, width):
    from axe_playwright_python.sync_playwright import Axe

    home = home_page()
    results = column(parent=home)
    for day in range(1, 4):
        record(
            results,
            title=f"关于做好2026年第{day}批就业见习岗位申报工作的通知（测试标题较长以检验换行）",
            department=world.employment,
            publication_date=date(2026, 3, day),
        )
    for javascript in (True, False):
        page = new_context(
            viewport={"width": width, "height": 900}, java_script_enabled=javascript
        ).new_page()
        page.goto(live_server.url + "/")
        assert page.locator("#home-latest .home-list__item").count() == 3
        assert page.locator("#home-notices .home-list__more").count() == 1
        assert page.locator("#home-policies").count() == 0  # no keyed policy column: absent
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if javascript:
            violations = Axe().run(page).response["violations"]
            serious = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
            assert serious == []
