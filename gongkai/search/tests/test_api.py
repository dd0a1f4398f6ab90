"""/api/v1/search/: the search page's search as JSON, over the real index."""

from __future__ import annotations

import pytest
import time_machine
from django.conf import settings
from django.test import Client, override_settings

from gongkai.catalog.tests.public_factories import Catalogue, catalogue, wire_public_context
from gongkai.search import services
from gongkai.search.selectors import MAX_PAGE

pytestmark = pytest.mark.django_db

URL = "/api/v1/search/"
SUBSIDY = "关于做好2026年就业补贴申领工作的通知"
PENSION = "城乡居民基本养老保险待遇调整方案"


@pytest.fixture
def cat(world, monkeypatch) -> Catalogue:
    wire_public_context(monkeypatch)
    made = catalogue(world, bulk=21)
    services.reindex()
    return made


def ok(client: Client, **params) -> dict:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content.decode()
    return response.json()


def bad(client: Client, query: str) -> str:
    response = client.get(URL + query)
    assert response.status_code == 400, (query, response.status_code, response.content[:200])
    detail = response.json()["detail"]
    assert any("\u4e00" <= char <= "\u9fff" for char in detail), detail
    return detail


def test_hits_carry_title_url_snippets_and_metadata(client, cat):
    data = ok(client, q="就业补贴")
    assert data["query"] == "就业补贴"
    assert data["total"] == 1 and data["page"] == 1 and data["pages"] == 1
    hit = data["hits"][0]
    assert hit["title"] == SUBSIDY
    assert hit["title_html"] == "关于做好2026年<mark>就业补贴</mark>申领工作的通知"
    assert hit["url"] == settings.SITE_URL + cat.visible[0].url
    assert "<mark>就业补贴</mark>" in hit["snippet_html"]
    assert "就业补贴" in hit["snippet"] and "<" not in hit["snippet"]
    assert hit["kind"] == "catalog.record" and hit["kind_label"] == "政府信息"
    assert hit["date"] == "2026-03-02"
    assert hit["doc_number"] == "毕人社发〔2026〕12号"
    assert hit["department"] == "市就业局"
    assert hit["section"] == "结果公开"
    assert hit["validity"] == "有效"
    assert data["suggestion"] == ""


def test_snippet_text_is_unescaped_and_html_is_escaped(client, cat, world):
    from gongkai.catalog.tests.factories import record

    with_markup = record(
        cat.employment,
        title="关于<b>标签</b>与&符号的说明",
        department=world.employment,
        summary="说明中提到 <script>alert(1)</script> 与 A&B。",
    )
    services.reindex()
    hit = ok(client, q="标签")["hits"][0]
    assert hit["title"] == with_markup.title
    assert hit["title_html"] == "关于&lt;b&gt;<mark>标签</mark>&lt;/b&gt;与&amp;符号的说明"
    hit = ok(client, q="A&B")["hits"][0]
    assert "<script>" in hit["snippet"] and "<script>" not in hit["snippet_html"]


def test_facets_filters_sort_and_pages(client, cat):
    data = ok(client, q="就业")
    assert data["total"] == 23 and data["pages"] == 2 and len(data["hits"]) == 20
    facets = data["facets"]
    assert {f["label"]: f["count"] for f in facets["department"]} == {
        "市就业局": 22,
        "政策法规科": 1,
    }
    assert facets["kind"] == [
        {"value": "catalog.record", "label": "政府信息", "count": 23, "count_exact": True}
    ]
    assert {f["value"] for f in facets["year"]} == {"2024", "2025", "2026"}
    assert len(ok(client, q="就业", page="2")["hits"]) == 3
    assert ok(client, q="就业", department="政策法规科")["total"] == 1
    assert ok(client, q="就业", year_from="2025", year_to="2026")["total"] == 2
    assert ok(client, q="就业", year_from="2026")["hits"][0]["title"] == SUBSIDY
    assert ok(client, q="就业", sort="date")["hits"][0]["title"] == SUBSIDY
    section = facets["section"][0]["value"]
    assert ok(client, q="就业", section=section)["total"] == 23
    assert ok(client, q="就业", kind="catalog.record")["total"] == 23
    assert ok(client, q="养老", validity="失效")["hits"][0]["title"] == PENSION
    assert ok(client, q="养老", column=str(cat.employment.pk))["total"] == 0
    assert ok(client, q="就业", column=str(cat.employment.pk))["total"] == 23


def test_empty_query_and_no_matches(client, cat):
    data = ok(client)
    assert data["total"] == 0 and data["hits"] == [] and data["pages"] == 0
    data = ok(client, q="养老保险待遇调正方案")
    assert data["total"] == 0 and data["suggestion"] == PENSION
    data = ok(client, q="就业", page=str(MAX_PAGE))
    assert data["hits"] == [] and data["total"] == 23


@override_settings(SEARCH_RATE_LIMIT=0)
def test_hostile_queries_are_answered(client, cat):
    for query in (
        "' OR 1=1 --",
        '"',
        "*",
        "NEAR(就业 补贴)",
        "-就业",
        "就业 OR 补贴",
        "(",
        "^",
        "title:就业",
        "😀",
        "，。！",
        "险",
        "就业" * 250,
    ):
        assert ok(client, q=query)["total"] >= 0, query


def test_bad_values_get_a_chinese_400(client, cat):
    assert "整数" in bad(client, "?q=就业&page=abc")
    assert "之间" in bad(client, f"?q=就业&page={MAX_PAGE + 1}")
    assert "之间" in bad(client, "?q=就业&page=0")
    assert "之间" in bad(client, "?q=就业&year_from=1800")
    bad(client, "?q=就业&year_to=x")
    assert "晚于" in bad(client, "?q=就业&year_from=2026&year_to=2019")
    assert "relevance" in bad(client, "?q=就业&sort=newest")
    assert "catalog.record" in bad(client, "?q=就业&kind=letters")
    bad(client, "?q=就业&section=-1")
    assert "公开页面" in bad(client, "?q=就业&column=99999999")
    assert "不允许" in bad(client, "?q=就业%00")
    assert "不允许" in bad(client, "?q=就业&topic=a%00b")
    assert "最多" in bad(client, "?q=" + "就" * 501)
    assert "最多" in bad(client, "?q=就业&department=" + "x" * 101)
    assert "重复" in bad(client, "?q=就业&page=1&page=2")


@override_settings(SEARCH_RATE_LIMIT=2)
def test_rate_limit_answers_429_with_a_chinese_detail(client, cat):
    with time_machine.travel("2026-06-01 10:00:50 +0800", tick=False):
        ok(client, q="就业")
        ok(client, q="养老")
        response = client.get(URL, {"q": "就业"})
        assert response.status_code == 429
        assert response["Retry-After"] == "10"
        assert "no-store" in response["Cache-Control"]
        assert "搜索过于频繁" in response.json()["detail"]
        # The page and the API share the budget.
        assert client.get("/search/", {"q": "就业"}).status_code == 429
        # A request without a query searches nothing and is not counted.
        ok(client)


def test_openapi_documents_the_endpoint(client):
    spec = client.get("/api/v1/openapi.json").json()
    operation = spec["paths"]["/api/v1/search/"]["get"]
    assert {"200", "400", "429"} <= set(operation["responses"])
    names = {p["name"] for p in operation["parameters"]}
    assert names >= {
        "q",
        "kind",
        "section",
        "topic",
        "department",
        "year_from",
        "year_to",
        "validity",
        "sort",
        "page",
        "column",
    }
    sort = next(p for p in operation["parameters"] if p["name"] == "sort")
    assert sort["schema"]["enum"] == ["relevance", "date"]
