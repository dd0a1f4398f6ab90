"""In a real browser: the WeChat article pastes with its styling; the share image's QR code
leads to the record."""

from __future__ import annotations

import re

import pytest
import zxingcpp
from PIL import Image

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct-horse-battery"
EDITOR = "<!doctype html><title>编辑器</title><div id=editor contenteditable=true></div>"


@pytest.fixture
def site_url(settings, live_server, shared):
    # The exports name SITE_URL: make it the live server so their links can be followed.
    settings.SITE_URL = live_server.url
    return live_server.url


def _login(context, live_server, username):
    page = context.new_page()
    page.goto(live_server.url + "/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/admin/$"))
    return page


def test_the_wechat_article_pastes_into_an_editor_with_its_styling(
    site_url, shared, live_server, new_context
):
    context = new_context(permissions=["clipboard-read", "clipboard-write"])
    office = _login(context, live_server, "t-office")
    record = shared.record
    # The action on the record in the admin leads to the export page.
    office.goto(f"{site_url}/admin/pages/{record.pk}/edit/")
    office.goto(f"{site_url}/admin/syndication/{record.pk}/")
    office.get_by_role("button", name="复制").first.click()
    office.get_by_text("已复制，请粘贴到编辑器中。").wait_for()

    # Paste it, as an editor would, into a contenteditable box on another page.
    editor_page = context.new_page()
    editor_page.set_content(EDITOR)
    editor = editor_page.locator("#editor")
    editor.click()
    editor_page.keyboard.press("Control+V")
    editor.locator("table").wait_for()

    def computed(selector: str, prop: str) -> str:
        return editor.locator(selector).first.evaluate(
            f"e => getComputedStyle(e).getPropertyValue('{prop}')"
        )

    assert computed("h2", "color") == "rgb(179, 18, 27)"
    assert computed("h2", "font-weight") == "700"
    assert computed("td", "border-top-style") == "solid"
    assert computed("td", "border-top-width") == "1px"
    assert computed("table", "border-collapse") == "collapse"
    # Still inline styles (Chromium rewrites them on paste), not classes.
    assert "border: 1px solid" in editor.locator("td").first.get_attribute("style")
    assert editor.locator("[class]").count() == 0
    assert editor.locator("style, script").count() == 0
    src = editor.locator("img").first.get_attribute("src")
    assert src.startswith(site_url + "/media/images/")
    # The pasted image is the public rendition and loads.
    assert editor.locator("img").first.evaluate("e => e.complete && e.naturalWidth > 0") or (
        editor_page.wait_for_function(
            "() => document.querySelector('#editor img').naturalWidth > 0"
        )
    )
    hrefs = editor.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert hrefs[-1] == site_url + record.url
    assert "原文链接" in editor.inner_text()


def test_the_share_image_qr_code_leads_to_the_record(site_url, shared, new_context, tmp_path):
    page = new_context().new_page()
    record = shared.record
    page.goto(site_url + record.url)
    image_url = page.locator('meta[property="og:image"]').get_attribute("content")
    assert image_url == f"{site_url}/share/{record.pk}.png"
    # Show the image as the browser renders it and read the code off the screen.
    page.set_content(f'<img id=card src="{image_url}" width=1200 height=630>')
    page.wait_for_function("() => document.getElementById('card').naturalWidth === 1200")
    shot = tmp_path / "card.png"
    page.locator("#card").screenshot(path=str(shot))
    (code,) = zxingcpp.read_barcodes(Image.open(shot))
    assert code.text == site_url + record.url
    page.goto(code.text)
    assert page.locator("h1").first.inner_text() == record.title
