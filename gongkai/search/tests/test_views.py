"""The public search page /search/ with Django's test client, over the real index.

Records are real catalogue pages published through the review guard; the index is
filled as publishing fills it (on commit) or by `reindex`, on the configured
database (SQLite FTS5 in `make test`, PostgreSQL in CI's second run).
"""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.test import Client, override_settings

from gongkai.catalog.tests.factories import record
from gongkai.catalog.tests.public_factories import Catalogue, catalogue, wire_public_context
from gongkai.portal.accessibility import LARGE_FONT_COOKIE
from gongkai.search import services
from gongkai.search.forms import parse_params
from gongkai.search.selectors import MAX_PAGE

pytestmark = pytest.mark.django_db

SUBSIDY = "关于做好2026年就业补贴申领工作的通知"
PENSION = "城乡居民基本养老保险待遇调整方案"
HIDDEN_KEYS = ("draft", "withheld", "on_request", "withdrawn")


@pytest.fixture
def cat(world, monkeypatch) -> Catalogue:
    """Three public records in two columns, four hidden ones, indexed."""
    wire_public_context(monkeypatch)
    made = catalogue(world)
    services.reindex()
    return made


@pytest.fixture
def big(world, monkeypatch) -> Catalogue:
    """The same with 23 more public records under 就业创业: two pages of results."""
    wire_public_context(monkeypatch)
    made = catalogue(world, bulk=23)
    services.reindex()
    return made


def get(client: Client, params: dict | str = "", **headers) -> str:
    url = "/search/" + (params if isinstance(params, str) else "")
    response = client.get(url, params if isinstance(params, dict) else None, **headers)
    assert response.status_code == 200, (params, response.status_code)
    return response.content.decode()


def main(html: str) -> str:
    return html[html.index('<main id="main"') : html.index("</main>")]


def hit_titles(html: str) -> list[str]:
    titles = re.findall(r'<h3 class="hit__title"><a href="[^"]*">(.*?)</a></h3>', html)
    return [unescape(re.sub(r"</?mark>", "", title)) for title in titles]


def facet_links(html: str, group: str) -> dict[str, str]:
    """label -> href of the facet group's links."""
    start = html.index(f'id="facet-{group}"')
    end = html.find('<section class="facet"', start)
    part = html[start : end if end != -1 else len(html)]
    links = re.findall(r'<a class="facet__link" href="([^"]+)">(.*?)<span', part)
    return {unescape(label): unescape(href) for href, label in links}


def query_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


# --- the page -----------------------------------------------------------------------------


def test_results_show_highlighted_titles_snippets_and_metadata(client, cat):
    html = get(client, {"q": "就业补贴"})
    assert hit_titles(html)[0] == SUBSIDY
    assert "关于做好2026年<mark>就业补贴</mark>申领工作的通知" in html
    # The snippet is cut from the summary where the words are, and marked.
    assert "明确2026年<mark>就业补贴</mark>的申领条件" in html
    first = main(html)[main(html).index('<li class="hit">') :]
    first = first[: first.index("</li>")]
    for text in ("政府信息", "毕人社发〔2026〕12号", "2026-03-02", "结果公开", "有效"):
        assert text in first, text
    assert f'href="{cat.visible[0].url}"' in first
    assert re.search(r'role="status">\s*找到', html)


def test_search_page_is_chinese_and_echoes_the_query_safely(client, cat):
    html = get(client, {"q": "就业补贴<script>alert(1)</script>"})
    assert '<html lang="zh-CN"' in html
    assert "站内搜索" in html
    assert "<script>alert(1)</script>" not in html
    assert "就业补贴&lt;script&gt;" in html


def test_empty_query_is_a_helpful_page(client, cat):
    for params in ("", "?q=", "?q=+++", "?q=%00"):
        html = get(client, params)
        assert "如何搜索" in html, params
        assert 'class="hit"' not in html
        assert 'id="search-page-q"' in html
        assert "autofocus" in html


def test_empty_query_is_not_counted_against_the_rate_limit(client, cat):
    with override_settings(SEARCH_RATE_LIMIT=1):
        for _ in range(3):
            get(client, "")


def test_total_and_pagination(client, big):
    html = get(client, {"q": "就业"})
    total = int(re.search(r"找到 (\d+) 条", html).group(1))
    assert total == 25  # 23 bulk records, the subsidy notice and the opinions; not the hidden ones
    assert len(hit_titles(html)) == 20
    assert "第 1 页，共 2 页" in html
    next_link = re.search(r'rel="next" href="([^"]+)"', html).group(1)
    assert query_of(unescape(next_link)) == {"q": ["就业"], "page": ["2"]}
    second = get(client, {"q": "就业", "page": "2"})
    assert len(hit_titles(second)) == 5
    assert not set(hit_titles(html)) & set(hit_titles(second))
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert '<ol class="hits" start="21">' in second


def test_a_page_past_the_end_shows_the_last_page(client, big):
    html = get(client, {"q": "就业", "page": "7"})
    assert "第 2 页，共 2 页" in html
    html = get(client, {"q": "就业", "page": "99999999999"})
    assert "第 2 页，共 2 页" in html


def test_sort_by_date(client, big):
    relevance = get(client, {"q": "就业"})
    assert 'href="?q=%E5%B0%B1%E4%B8%9A&amp;sort=date"' in relevance
    by_date = get(client, {"q": "就业", "sort": "date"})
    assert hit_titles(by_date)[0] == SUBSIDY  # 2026-03-02, the newest
    dates = re.findall(r'<time datetime="([0-9-]+)"', main(by_date))
    assert dates == sorted(dates, reverse=True)
    # Paging keeps the order.
    assert "sort=date&amp;page=2" in by_date


def test_facets_show_counts_and_filter_by_link(client, big, world):
    html = get(client, {"q": "就业"})
    departments = facet_links(html, "department")
    assert set(departments) == {"市就业局", "政策法规科"}
    assert '市就业局<span class="facet__count">（24）' in html
    for group in ("kind", "section", "topic", "year", "validity"):
        assert f'id="facet-{group}"' in html, group

    narrowed = get(client, departments["政策法规科"])
    assert hit_titles(narrowed) == ["关于进一步稳定和扩大就业的实施意见"]
    # The active filter is shown and can be removed.
    chip = re.search(r'<a class="chip chip--removable" href="([^"]+)">部门：政策法规科', narrowed)
    assert chip
    assert query_of(unescape(chip.group(1))) == {"q": ["就业"]}
    assert 'class="facet__link is-current" aria-current="true">政策法规科' in narrowed


def test_section_topic_year_validity_and_kind_filters(client, cat):
    def titles(**params):
        return set(hit_titles(get(client, {"q": "就业 OR 养老", **params})))

    # "OR" is a plain word here, and no record contains it.
    assert titles() == set()

    def found(**params):
        html = get(client, {"q": "通知", **params})
        return hit_titles(html)

    assert SUBSIDY in found()
    assert found(year_from="2026", year_to="2026") == [SUBSIDY]
    assert SUBSIDY not in found(year_to="2025")
    # The genre (通知) is indexed with the text, so the expired 方案 is found too.
    assert found(validity="失效") == [PENSION]
    assert PENSION not in found(validity="有效")
    topics = facet_links(get(client, {"q": "养老保险"}), "topic")
    assert len(topics) == 1 and "社会保障" in next(iter(topics))
    assert hit_titles(get(client, next(iter(topics.values())))) == [PENSION]
    assert hit_titles(get(client, {"q": "养老保险", "topic": "劳动就业"})) == []
    assert hit_titles(get(client, {"q": "养老保险", "kind": "catalog.record"})) == [PENSION]
    assert hit_titles(get(client, {"q": "养老保险", "section": str(cat.disclosure.pk)})) == []
    assert hit_titles(get(client, {"q": "养老保险", "section": str(cat.results.pk)})) == [PENSION]


def test_year_facet_links_and_range_form(client, big):
    html = get(client, {"q": "就业", "sort": "date"})
    years = facet_links(html, "year")
    assert query_of(years["2026"]) == {
        "q": ["就业"],
        "year_from": ["2026"],
        "year_to": ["2026"],
        "sort": ["date"],
    }
    form = html[html.index('<form class="year-range"') :]
    form = form[: form.index("</form>")]
    assert 'method="get"' in form
    assert '<input type="hidden" name="sort" value="date">' in form
    assert 'name="year_from"' in form and 'name="year_to"' in form
    # A reversed range is read the way it was meant.
    html = get(client, {"q": "就业", "year_from": "2026", "year_to": "2025"})
    assert "年份：2025—2026" in html


def test_clear_all_filters(client, cat):
    html = get(client, {"q": "就业", "department": "市就业局", "year_from": "2024"})
    clear = re.search(r'class="active-filters__clear" href="([^"]+)"', html).group(1)
    assert query_of(unescape(clear)) == {"q": ["就业"]}


def test_did_you_mean_when_nothing_is_found(client, cat):
    html = get(client, {"q": "养老保险待遇调正方案"})
    assert "没有找到" in html
    link = re.search(r'您是不是要找：\s*<a href="([^"]+)">([^<]+)</a>', html)
    assert link, main(html)
    assert link.group(2) == PENSION
    assert query_of(unescape(link.group(1))) == {"q": [PENSION]}
    assert hit_titles(get(client, link.group(1).replace("&amp;", "&"))) == [PENSION]


def test_no_suggestion_for_nonsense(client, cat):
    html = get(client, {"q": "氪氙氡"})
    assert "没有找到" in html
    assert "您是不是要找" not in html


def test_unpublished_records_are_never_shown(client, cat):
    for key in HIDDEN_KEYS:
        html = get(client, {"q": cat.hidden[key].title})
        assert cat.hidden[key].title not in hit_titles(html), key


def test_search_within_a_column(client, big):
    employment = big.employment
    html = get(client, {"q": "就业", "column": str(employment.pk)})
    assert "在“就业创业”中搜索" in html
    assert f'<input type="hidden" name="column" value="{employment.pk}">' in html
    titles = hit_titles(html) + hit_titles(
        get(client, {"q": "就业", "column": str(employment.pk), "page": "2"})
    )
    assert len(titles) == 25  # the two notices and 23 bulk records under 就业创业
    whole = re.search(r'<a href="([^"]+)">搜索全站</a>', html).group(1)
    assert "column" not in query_of(unescape(whole))
    # Nothing outside the column.
    assert hit_titles(get(client, {"q": "养老保险", "column": str(employment.pk)})) == []
    # Links keep the scope.
    assert f"column={employment.pk}" in re.search(r'rel="next" href="([^"]+)"', html).group(1)


def test_column_pages_offer_a_search_within_them(client, cat):
    html = client.get(cat.employment.url).content.decode()
    form = re.search(r'<form class="search search--column"[^>]*>(.*?)</form>', html, re.S)
    assert form, "no column search form"
    assert 'action="/search/"' in form.group(0) and 'method="get"' in form.group(0)
    assert f'<input type="hidden" name="column" value="{cat.employment.pk}">' in form.group(1)
    assert "本栏目搜索" in form.group(1)
    found = get(client, {"q": "补贴", "column": str(cat.employment.pk)})
    assert hit_titles(found) == [SUBSIDY]


def test_filters_never_show_the_title_of_an_unpublished_page(client, cat):
    draft = cat.hidden["draft"]
    html = get(client, {"q": "养老保险", "section": str(draft.pk)})
    assert draft.title not in html
    assert f"栏目：{draft.pk}" in html


def test_search_within_accepts_only_live_public_pages(client, cat, world):
    draft = record(cat.employment, title="草稿页", publish=False, department=world.employment)
    for junk in ("abc", "-1", "0", "99999999", str(draft.pk), "1", "1e3", "%00"):
        html = get(client, {"q": "养老保险", "column": junk})
        assert hit_titles(html) == [PENSION], junk
        assert "中搜索" not in html


def test_published_records_are_indexed_on_commit(
    client, cat, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record(
            cat.employment,
            department=world.employment,
            title="关于公布2026年公益性岗位名单的公告",
            publication_date=date(2026, 5, 1),
        )
    assert hit_titles(get(client, {"q": "公益性岗位"})) == ["关于公布2026年公益性岗位名单的公告"]


def test_anonymous_results_are_publicly_cacheable(client, cat):
    response = client.get("/search/", {"q": "就业"})
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert "public" in cache_control
    assert "Cookie" in response["Vary"]


def test_head_is_answered(client, cat):
    assert client.head("/search/?q=就业").status_code == 200
    assert client.post("/search/", {"q": "就业"}).status_code == 405


def test_large_font_mode(client, cat):
    client.cookies[LARGE_FONT_COOKIE] = "1"
    html = get(client, {"q": "就业"})
    assert 'class="mode-large"' in html


# --- bad input ------------------------------------------------------------------------------

BAD_QUERIES = {
    "empty": "",
    "one character": "险",
    "one latin letter": "a",
    "500 characters": "就业补贴" * 125,
    "punctuation only": "，。！？、；：“”‘’（）《》…—·~!@#$%^&*()_+-=[]{}|;':\",./<>?",
    "sql": "' OR 1=1 --",
    "sql drop": "就业'; DROP TABLE search_searchentry; --",
    "double quote": '"就业',
    "unbalanced quotes": '"就业" "补贴',
    "star": "就业*",
    "lone star": "*",
    "near": "就业 NEAR 补贴",
    "near function": "NEAR(就业 补贴, 3)",
    "minus": "-就业",
    "or": "就业 OR 补贴",
    "and": "就业 AND 补贴",
    "not": "就业 NOT 补贴",
    "parentheses": "(就业",
    "caret": "^就业",
    "column syntax": "title:就业",
    "braces": "{title body}: 就业",
    "emoji": "就业😀补贴👍🏽",
    "only emoji": "😀",
    "nul": "就业\x00补贴",
    "control characters": "\x01\x02\x1b[31m就业",
    "surrogate-like": "\ufffd\ufffe",
    "right-to-left": "\u202e就业",
    "tsquery syntax": "就业 & 补贴 | !养老 <-> :*",
    "like wildcards": "%_%",
    "backslash": "\\",
}


def answers(client: Client, params: dict | str) -> tuple[int, str]:
    """Status and page of a request; an exception in the view counts as a 500."""
    try:
        if isinstance(params, dict):
            response = client.get("/search/", params)
        else:
            response = client.get("/search/" + params)
    except Exception as error:  # the test client re-raises what the view raised
        return 500, repr(error)
    return response.status_code, response.content.decode()


@override_settings(SEARCH_RATE_LIMIT=0)
def test_bad_queries_get_a_normal_page(client, cat):
    failures = []
    for name, query in BAD_QUERIES.items():
        status, html = answers(client, {"q": query})
        if status != 200 or "站内搜索" not in html or "\x00" in html:
            failures.append((name, status, html[:300] if status != 200 else ""))
    assert not failures


def test_one_character_query_finds(client, cat):
    assert PENSION in hit_titles(get(client, {"q": "险"}))


def test_punctuation_only_query_says_why_nothing_is_found(client, cat):
    html = get(client, {"q": "？？？"})
    assert "标点" in html


def test_sql_looking_query_leaves_the_index_alone(client, cat):
    before = hit_titles(get(client, {"q": "就业"}))
    get(client, {"q": "就业'; DROP TABLE search_searchentry; --"})
    assert hit_titles(get(client, {"q": "就业"})) == before


BAD_PARAMS = [
    "page=abc",
    "page=-1",
    "page=0",
    "page=1.5",
    "page=%00",
    "page=" + "9" * 40,
    "page=1&page=x",
    "year_from=abc",
    "year_from=1800",
    "year_to=99999",
    "year_from=%00",
    "year_from=2019&year_to=2019x",
    "kind=nope",
    "kind=%00",
    "section=abc",
    "section=-5",
    "section=" + "9" * 30,
    "column=",
    "topic=%00",
    "topic=" + "x" * 500,
    "department=%27%20OR%201%3D1%20--",
    "validity=" + "有效" * 200,
    "sort=sideways",
    "sort=%00",
    "q=%E5%B0%B1&q=%E4%B8%9A",
    "q=%ff%fe",
    "unknown=1",
]


@override_settings(SEARCH_RATE_LIMIT=0)
def test_bad_parameters_are_ignored(client, cat):
    failures = []
    for params in BAD_PARAMS:
        status, html = answers(client, "?q=%E5%85%BB%E8%80%81&" + params)
        if status != 200 or "站内搜索" not in html:
            failures.append((params, status, html[:300] if status != 200 else ""))
    assert not failures


def test_lenient_parsing_drops_only_what_is_bad():
    params = parse_params({"q": "就业", "page": "x", "year_from": "2019", "sort": "bad"})
    assert (params.q, params.page, params.year_from, params.sort) == ("就业", 1, 2019, "relevance")
    assert set(params.dropped) == {"page", "sort"}
    assert parse_params({"page": str(MAX_PAGE + 5)}).page == MAX_PAGE


# --- rate limit -----------------------------------------------------------------------------


@override_settings(SEARCH_RATE_LIMIT=3)
def test_too_many_searches_get_a_429_with_retry_after(client, cat):
    with time_machine.travel("2026-06-01 10:00:15 +0800", tick=False):
        for _ in range(3):
            get(client, {"q": "就业"})
        response = client.get("/search/", {"q": "就业"})
        assert response.status_code == 429
        assert response["Retry-After"] == "45"
        assert "no-store" in response["Cache-Control"]
        html = response.content.decode()
        assert "搜索过于频繁" in html
        assert "45 秒后再试" in html
        assert '<html lang="zh-CN"' in html
        # Another address is not affected.
        get(client, {"q": "就业"}, REMOTE_ADDR="192.0.2.7")
    # The next minute starts afresh.
    with time_machine.travel("2026-06-01 10:01:01 +0800", tick=False):
        get(client, {"q": "就业"})


@override_settings(SEARCH_RATE_LIMIT=2, PROXY_COUNT=1)
def test_rate_limit_counts_the_client_behind_the_proxy(client, cat):
    with time_machine.travel("2026-06-01 10:00:00 +0800", tick=False):
        for _ in range(2):
            get(client, {"q": "就业"}, HTTP_X_FORWARDED_FOR="198.51.100.1")
        # A forged left-most entry does not make a new client.
        response = client.get(
            "/search/", {"q": "就业"}, HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.1"
        )
        assert response.status_code == 429
        get(client, {"q": "就业"}, HTTP_X_FORWARDED_FOR="198.51.100.2")


@override_settings(SEARCH_RATE_LIMIT=1)
def test_ipv6_clients_are_counted_by_their_64(client, cat):
    with time_machine.travel("2026-06-01 10:00:00 +0800", tick=False):
        get(client, {"q": "就业"}, REMOTE_ADDR="2001:db8:1:2::1")
        response = client.get("/search/", {"q": "就业"}, REMOTE_ADDR="2001:db8:1:2::ffff")
        assert response.status_code == 429
        get(client, {"q": "就业"}, REMOTE_ADDR="2001:db8:1:3::1")


@override_settings(SEARCH_RATE_LIMIT=0)
def test_a_limit_of_zero_turns_it_off(client, cat):
    for _ in range(5):
        get(client, {"q": "就业"})
