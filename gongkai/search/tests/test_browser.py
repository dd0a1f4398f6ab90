"""The search page in a real Chromium: from the home page box to results, filters, pages,
"did you mean", without JavaScript, axe in both display modes, and a 375 px phone.

Screenshots for a person to look at go to ``test-artifacts/screens/search-*.png``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from gongkai.catalog.tests.public_factories import Catalogue, catalogue, wire_public_context
from gongkai.search import services

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

Axe = Callable[[Page], None]
SCREENS = Path(__file__).resolve().parents[3] / "test-artifacts" / "screens"
SUBSIDY = "关于做好2026年就业补贴申领工作的通知"
PENSION = "城乡居民基本养老保险待遇调整方案"


@pytest.fixture
def cat(world, monkeypatch, settings) -> Catalogue:
    # One browser makes many searches from 127.0.0.1; the limit has its own test below.
    settings.SEARCH_RATE_LIMIT = 0
    wire_public_context(monkeypatch)
    # Django's flush between transactional tests leaves the engine's own tables (FTS5,
    # tsvector) alone: start from an empty index, then build it from this catalogue.
    services.clear()
    made = catalogue(world, bulk=21)
    services.reindex()
    return made


def screenshot(page: Page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"search-{name}.png"), full_page=True)


def large_font(page: Page, base: str, path: str) -> None:
    page.goto(f"{base}/accessibility/large-font/?next={quote(path)}")
    expect(page.locator("html")).to_have_class("mode-large")


def hits(page: Page):
    return page.locator(".hit__title")


def test_search_from_the_home_page_filter_paginate_and_follow_a_suggestion(
    live_server, cat, page: Page
) -> None:
    page.goto(live_server.url + "/")
    page.get_by_role("searchbox", name="站内搜索").fill("就业补贴")
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/search/?q=%E5%B0%B1%E4%B8%9A%E8%A1%A5%E8%B4%B4")
    expect(page.get_by_role("heading", level=1)).to_have_text("站内搜索")
    expect(page.get_by_role("status")).to_contain_text("找到 1 条")
    expect(hits(page).first).to_have_text(SUBSIDY)
    expect(hits(page).first.locator("mark")).to_have_text("就业补贴")
    expect(page.locator(".hit__snippet mark").first).to_have_text("就业补贴")

    # A broader query: two pages, facets with counts.
    page.get_by_role("searchbox", name="搜索内容").fill("就业")
    page.get_by_role("button", name="搜索", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("找到 23 条")
    expect(hits(page)).to_have_count(20)
    page.get_by_role("link", name="下一页").click()
    expect(hits(page)).to_have_count(3)
    expect(page.locator(".pagination__status")).to_have_text("第 2 页，共 2 页")
    screenshot(page, "results-page2-desktop")

    facets = page.get_by_role("complementary", name="筛选结果")
    facets.get_by_role("link", name="政策法规科（1）").click()
    expect(page.get_by_role("status")).to_contain_text("找到 1 条")
    expect(hits(page)).to_have_count(1)
    chip = page.locator(".chip--removable")
    expect(chip).to_contain_text("部门：政策法规科")
    chip.click()
    expect(page.get_by_role("status")).to_contain_text("找到 23 条")

    page.get_by_role("link", name="按日期（最新在前）").click()
    expect(hits(page).first).to_have_text(SUBSIDY)

    # A year range through the little form.
    page.get_by_label("从").fill("2025")
    page.get_by_label("至", exact=True).fill("2026")
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_role("status")).to_contain_text("找到 2 条")
    expect(page.locator(".chip--removable")).to_contain_text("年份：2025—2026")

    # A misspelt title finds nothing, but the page suggests the near title.
    page.get_by_role("searchbox", name="搜索内容").fill("养老保险待遇调正方案")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("没有找到")
    suggestion = page.get_by_role("link", name=PENSION)
    expect(suggestion).to_be_visible()
    screenshot(page, "did-you-mean-desktop")
    suggestion.click()
    expect(hits(page)).to_have_count(1)
    expect(hits(page).first).to_have_text(PENSION)
    hits(page).first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PENSION)


def test_everything_works_without_javascript(live_server, cat, new_context) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("searchbox", name="站内搜索").fill("就业")
    page.get_by_role("button", name="搜索", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("找到 23 条")
    page.get_by_role("link", name="市就业局（22）").click()
    expect(page.get_by_role("status")).to_contain_text("找到 22 条")
    page.get_by_role("link", name="下一页").click()
    expect(hits(page)).to_have_count(2)
    # Search within a column from its own page.
    page.goto(live_server.url + cat.employment.url)
    page.get_by_role("searchbox", name="本栏目搜索").fill("补贴")
    page.get_by_role("search", name="本栏目搜索").get_by_role("button").click()
    expect(page.get_by_text("只搜索“就业创业”栏目下的信息。")).to_be_visible()
    expect(hits(page)).to_have_count(1)
    page.get_by_role("link", name="搜索全站").first.click()
    expect(page.get_by_role("status")).to_contain_text("找到")


def _pages(cat: Catalogue) -> dict[str, str]:
    return {
        "empty": "/search/",
        "results": "/search/?q=%E5%B0%B1%E4%B8%9A",
        "filtered": "/search/?q=%E5%B0%B1%E4%B8%9A&year_from=2024&year_to=2026&sort=date",
        "no-results": "/search/?q=%E5%85%BB%E8%80%81%E4%BF%9D%E9%99%A9%E5%BE%85%E9%81%87%E8%B0%83%E6%AD%A3",
        "punctuation": "/search/?q=%EF%BC%9F%EF%BC%9F",
        "column": f"/search/?q=%E8%A1%A5%E8%B4%B4&column={cat.employment.pk}",
    }


@pytest.mark.parametrize("mode", ["standard", "large"])
def test_axe_finds_nothing_serious(live_server, cat, page: Page, axe_check: Axe, mode) -> None:
    for name, path in _pages(cat).items():
        if mode == "large":
            large_font(page, live_server.url, path)
        else:
            response = page.goto(live_server.url + path)
            assert response is not None and response.ok, name
        axe_check(page)
        if name == "results":
            screenshot(page, f"results-{mode}-desktop")
    # The catalogue column page with its search box.
    page.goto(live_server.url + cat.employment.url)
    axe_check(page)


@pytest.mark.parametrize("mode", ["standard", "large"])
def test_a_phone_shows_results_first_without_sideways_scrolling(
    live_server, cat, mobile_page: Page, axe_check: Axe, mode
) -> None:
    for name, path in _pages(cat).items():
        if mode == "large":
            large_font(mobile_page, live_server.url, path)
        else:
            mobile_page.goto(live_server.url + path)
        width = mobile_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{name} is {width}px wide at 375px ({mode})"
        if name in ("results", "no-results", "empty"):
            screenshot(mobile_page, f"{name}-{mode}-phone")
    mobile_page.goto(live_server.url + _pages(cat)["results"])
    # Results come before the filters; a link leads down to them.
    first_hit = hits(mobile_page).first.bounding_box()
    facets = mobile_page.locator("#facets").bounding_box()
    assert first_hit and facets and first_hit["y"] < facets["y"]
    to_filters = mobile_page.get_by_role("link", name="筛选结果")
    expect(to_filters).to_be_visible()
    to_filters.click()
    expect(mobile_page.locator("#facets")).to_be_in_viewport()
    axe_check(mobile_page)


def test_too_many_searches_get_a_clear_page(
    live_server, cat, page: Page, axe_check: Axe, settings
) -> None:
    settings.SEARCH_RATE_LIMIT = 1
    page.goto(live_server.url + "/search/?q=%E5%B0%B1%E4%B8%9A")
    response = page.goto(live_server.url + "/search/?q=%E5%85%BB%E8%80%81")
    assert response is not None and response.status == 429
    assert int(response.headers["retry-after"]) >= 1
    expect(page.get_by_role("heading", level=1)).to_have_text("搜索过于频繁")
    expect(page.locator("main")).to_contain_text("秒后再试")
    screenshot(page, "rate-limited-desktop")
    axe_check(page)


def test_a_colloquial_word_finds_records_in_their_official_words(
    live_server, world, cat, page: Page, axe_check: Axe
) -> None:
    """社保卡 finds the 社会保障卡 records once the office has the group (issue 10, 8)."""
    from gongkai.catalog.tests.factories import record
    from gongkai.search.services import synonym_group_create

    official = record(
        cat.employment,
        title="关于第三代社会保障卡申领服务的通知",
        summary="第三代社会保障卡可在各县（区）经办窗口申领。",
        department=world.employment,
    )
    record(
        cat.employment,
        title="社保卡激活指南",
        summary="新领的社保卡须本人激活。",
        department=world.employment,
    )
    base = live_server.url
    page.goto(f"{base}/search/?q=社保卡")
    expect(hits(page)).to_have_count(1)
    synonym_group_create(words=["社保卡", "社会保障卡"], note="窗口常见说法")
    # The next search knows the group: no reindexing, and no stale cached page.
    page.goto(f"{base}/")
    page.get_by_role("searchbox", name="站内搜索").fill("社保卡")
    page.keyboard.press("Enter")
    expect(hits(page)).to_have_count(2)
    expect(page.locator(".result-synonyms")).to_have_text("同时搜索了：社会保障卡")
    expect(page.locator(".hit__title mark").first).to_be_visible()
    titles = hits(page).all_inner_texts()
    assert official.title in titles
    expect(page.locator(".hit__title", has_text=official.title).locator("mark")).to_have_text(
        "社会保障卡"
    )
    screenshot(page, "synonyms")
    axe_check(page)
