"""The public catalogue pages in a real Chromium: axe in both display modes, phone width, no JS."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from gongkai.catalog.tests.public_factories import (
    Catalogue,
    catalogue,
    wire_public_context,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

Axe = Callable[[Page], None]


@pytest.fixture
def cat(world, monkeypatch) -> Catalogue:
    wire_public_context(monkeypatch)
    return catalogue(world, bulk=21)


def public_urls(cat: Catalogue) -> dict[str, str]:
    return {
        "home": "/",
        "column": cat.employment.url,
        "record": cat.visible[0].url,
        "catalogue": "/gongkai/catalogue/",
        "guide": "/gongkai/guide/",
    }


def large_font(page: Page, base: str, path: str) -> None:
    page.goto(f"{base}/accessibility/large-font/?next={quote(path)}")
    expect(page.locator("html")).to_have_class("mode-large")


@pytest.mark.parametrize("mode", ["standard", "large"])
def test_axe_finds_nothing_serious(live_server, cat, page: Page, axe_check: Axe, mode) -> None:
    for name, path in public_urls(cat).items():
        if mode == "large":
            large_font(page, live_server.url, path)
        else:
            response = page.goto(live_server.url + path)
            assert response is not None and response.ok, name
        axe_check(page)
        metrics = page.evaluate(
            """() => { const s = getComputedStyle(document.querySelector('main'));
                       return {size: parseFloat(s.fontSize), line: parseFloat(s.lineHeight)}; }"""
        )
        assert metrics["line"] / metrics["size"] >= 1.3, name


@pytest.mark.parametrize("mode", ["standard", "large"])
def test_no_horizontal_scroll_at_375(live_server, cat, mobile_page: Page, mode) -> None:
    paths = [*public_urls(cat).values(), "/gongkai/statutory/", cat.results.url]
    for path in paths:
        if mode == "large":
            large_font(mobile_page, live_server.url, path)
        else:
            mobile_page.goto(live_server.url + path)
        width = mobile_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} is {width}px wide at 375px ({mode})"


def test_catalogue_table_stacks_on_a_phone(live_server, cat, mobile_page: Page) -> None:
    mobile_page.goto(live_server.url + "/gongkai/catalogue/")
    cell = mobile_page.locator(".catalogue-table tbody td").first
    assert cell.evaluate("el => getComputedStyle(el).display") == "block"
    label = cell.evaluate("el => getComputedStyle(el, '::before').content")
    assert "索引号" in label


def test_filters_and_pages_work_without_javascript(live_server, cat, new_context) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto(live_server.url + cat.employment.url)
    expect(page.locator(".record-list__item")).to_have_count(20)
    page.locator("#f-year").select_option("2025")
    page.locator(".filters button[type=submit]").click()
    assert "year=2025" in page.url
    expect(page.locator("#f-year")).to_have_value("2025")
    expect(page.locator(".record-list__item")).to_have_count(1)
    page.goto(live_server.url + cat.employment.url)
    page.locator(".pagination a[rel=next]").click()
    expect(page).to_have_url(f"{live_server.url}{cat.employment.url}?page=2")
    expect(page.locator(".pagination [aria-current=page]")).to_contain_text("2")


def test_print_link_opens_the_print_layout(live_server, cat, new_context) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto(live_server.url + cat.visible[0].url)
    page.locator(".record__print").click()
    expect(page.locator("body")).to_have_class("print-layout page-record")
    expect(page.locator(".mainnav")).to_have_count(0)
    page.emulate_media(media="print")
    expect(page.locator(".print-header__actions")).to_be_hidden()
