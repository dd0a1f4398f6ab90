"""The public home page in a real Chromium: language, axe, phone width, keyboard, large text."""

import re
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import Page, expect

from .conftest import World

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

Axe = Callable[[Page], None]


def _font_metrics(page: Page) -> dict[str, float]:
    return page.evaluate(
        """() => {
            const style = getComputedStyle(document.body);
            return {size: parseFloat(style.fontSize), line: parseFloat(style.lineHeight)};
        }"""
    )


def test_home_page_is_chinese_and_accessible(
    live_server, world: World, page: Page, axe_check: Axe
) -> None:
    response = page.goto(live_server.url + "/")
    assert response is not None and response.ok
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", level=1)).to_have_text(world.bureau.name)
    expect(page).to_have_title(re.compile(world.bureau.name))
    nav = page.get_by_role("navigation", name="栏目导航")
    expect(nav.get_by_role("link", name="首页")).to_be_visible()
    expect(page.get_by_role("search")).to_be_visible()
    expect(page.locator("footer")).to_contain_text(world.bureau.phone)
    metrics = _font_metrics(page)
    assert metrics["line"] / metrics["size"] >= 1.3
    axe_check(page)


def test_phone_width_has_no_horizontal_scroll(
    live_server, world: World, mobile_page: Page, axe_check: Axe
) -> None:
    mobile_page.goto(live_server.url + "/")
    width = mobile_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page is {width}px wide at a 375px viewport"
    nav = mobile_page.get_by_role("navigation", name="栏目导航")
    home_link = nav.get_by_role("link", name="首页")
    expect(home_link).to_be_in_viewport()
    expect(nav).to_contain_text("政府信息公开")
    axe_check(mobile_page)


def test_keyboard_reaches_skip_link_first_then_the_nav(
    live_server, world: World, page: Page
) -> None:
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("跳到主要内容")
    expect(focused).to_be_in_viewport()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused skip link has no visible outline"

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.goto(live_server.url + "/")
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('nav')"):
            break
    else:
        pytest.fail("the column navigation is not reachable with the Tab key")
    expect(page.locator(":focus")).to_have_text("首页")


def test_large_font_mode_works_without_javascript(
    live_server, world: World, new_context, axe_check: Axe
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto(live_server.url + "/")
    before = _font_metrics(page)

    page.get_by_role("link", name="大字高对比模式").click()

    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator("html")).to_have_class("mode-large")
    after = _font_metrics(page)
    assert after["size"] >= before["size"] * 1.2
    assert after["line"] / after["size"] >= 1.6
    axe_check(page)

    page.get_by_role("link", name="退出大字模式").click()
    expect(page.locator("html")).not_to_have_class("mode-large")
    assert _font_metrics(page)["size"] == before["size"]


def test_large_font_mode_fits_a_phone(
    live_server, world: World, mobile_page: Page, axe_check: Axe
) -> None:
    mobile_page.goto(live_server.url + "/accessibility/large-font/?next=/")
    expect(mobile_page.locator("html")).to_have_class("mode-large")
    assert mobile_page.evaluate("document.documentElement.scrollWidth") <= 375
    axe_check(mobile_page)


def test_missing_page_is_a_chinese_404(
    live_server, world: World, page: Page, axe_check: Axe
) -> None:
    response = page.goto(live_server.url + "/no-such-page/")
    assert response is not None and response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", level=1)).to_have_text("页面不存在")
    axe_check(page)


def test_toggle_does_not_redirect_to_another_site(live_server, world: World, page: Page) -> None:
    page.goto(live_server.url + "/accessibility/large-font/?next=https://example.org/")
    assert page.url == live_server.url + "/"
    page.goto(live_server.url + "/accessibility/standard/?next=//example.org/")
    assert page.url == live_server.url + "/"


def test_cache_headers_for_anonymous_and_logged_in_visitors(
    live_server, world: World, page: Page
) -> None:
    response = page.goto(live_server.url + "/")
    assert response is not None
    assert response.headers["cache-control"] == (
        "public, max-age=0, s-maxage=1, stale-while-revalidate=1"
    )
    assert "Cookie" in response.headers["vary"]

    user = get_user_model().objects.create_user("reader", password="x" * 12)
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    response = page.goto(live_server.url + "/")
    assert response is not None
    assert "private" in response.headers["cache-control"]
    assert "public" not in response.headers["cache-control"]
