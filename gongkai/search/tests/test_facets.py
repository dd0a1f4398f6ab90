"""Facet counts of the results page: equal to a brute-force count, or marked as estimates.

Runs on the configured database (SQLite FTS5 in `make test`, PostgreSQL in CI's
second run). The fixture's documents carry varied facets and a few words in
known shares, indexed through the services by a test `Searchable`.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from gongkai.search import services
from gongkai.search.backends import get_backend
from gongkai.search.backends import postgres as pg
from gongkai.search.backends import sqlite as lite
from gongkai.search.backends.base import Filters, significant
from gongkai.search.registry import (
    Searchable,
    SearchDocument,
    register_searchable,
    unregister_searchable,
)
from gongkai.search.selectors import search
from gongkai.search.text import normalise, parse_query

pytestmark = pytest.mark.django_db
KIND = "test.facetdoc"
N = 240
SECTIONS = [(901, "就业创业"), (902, "社会保障"), (903, "人事人才")]
TOPICS = ["劳动就业", "社会保障", "人事", ""]
DEPARTMENTS = ["就业促进科", "养老保险科", "办公室", "政策法规科", "人才开发科"]
VALIDITIES = ["有效", "失效", ""]


class Doc:
    def __init__(self, pk: int, rng: random.Random):
        self.pk = pk
        words = ["鸬鹚栖息"]  # in every document
        if pk % 3 == 0:
            words.append("湿地保护")
        if pk % 10 == 0:
            words.append("候鸟迁徙")
        self.body = "。".join(words) + "。"
        self.title = f"第{pk}号观察记录"
        self.section_id, self.section = rng.choice(SECTIONS)
        self.topic = rng.choice(TOPICS)
        self.department = rng.choice(DEPARTMENTS)
        self.validity = rng.choice(VALIDITIES)
        self.published = None if pk % 17 == 0 else date(2015 + rng.randrange(10), 3, 1)


def _docs() -> list[Doc]:
    rng = random.Random(7)
    return [Doc(pk, rng) for pk in range(1, N + 1)]


@pytest.fixture
def docs(db):
    made = _docs()
    register_searchable(
        Searchable(
            kind=KIND,
            label="fixture",
            model=Doc,  # type: ignore[arg-type]
            public=lambda: made,
            document=lambda doc: SearchDocument(
                object_id=doc.pk,
                title=doc.title,
                url=f"/fixture/{doc.pk}/",
                body=doc.body,
                date=doc.published,
                section_id=doc.section_id,
                section=doc.section,
                topic=doc.topic,
                department=doc.department,
                validity=doc.validity,
            ),
        )
    )
    services.clear()
    services.reindex()
    yield made
    unregister_searchable(KIND)


def brute_force(docs: list[Doc], word: str, **filters) -> dict[str, Counter]:
    """Facet counts by reading every document."""
    matched = [d for d in docs if normalise(word) in normalise(d.title + "\n" + d.body)]
    if filters.get("department"):
        matched = [d for d in matched if d.department == filters["department"]]
    counts = {name: Counter() for name in ("kind", "section", "topic", "department", "year")}
    counts["validity"] = Counter()
    for d in matched:
        counts["kind"][KIND] += 1
        counts["section"][str(d.section_id)] += 1
        for name in ("topic", "department", "validity"):
            if getattr(d, name):
                counts[name][getattr(d, name)] += 1
        if d.published:
            counts["year"][str(d.published.year)] += 1
    return counts


def shown(results) -> dict[str, Counter]:
    return {
        name: Counter({v.value: v.count for v in values}) for name, values in results.facets.items()
    }


@pytest.mark.parametrize(
    ("word", "filters"),
    [("湿地保护", {}), ("候鸟迁徙", {}), ("鸬鹚", {}), ("湿地保护", {"department": "办公室"})],
)
def test_exact_facet_counts_equal_a_brute_force_count(docs, word, filters):
    results = search(word, filters=Filters(**filters))
    expected = brute_force(docs, word, **filters)
    assert results.total == sum(expected["kind"].values())
    assert shown(results) == expected
    # Counted exactly, and so not marked.
    assert all(v.exact for values in results.facets.values() for v in values)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's capped facet counting")
def test_sqlite_estimates_a_common_words_facets_from_a_sample_and_marks_them(docs, monkeypatch):
    monkeypatch.setattr(lite, "FACET_EXACT_MATCHES", 50)
    monkeypatch.setattr(lite, "FACET_SAMPLE", 60)
    results = search("鸬鹚")
    assert results.total == N and results.total_exact  # the total stays exact
    values = [v for values in results.facets.values() for v in values]
    assert values and not any(v.exact for v in values)
    # Every 4th entry id was counted, scaled to the total: each dimension adds up to about N.
    kinds = results.facets["kind"]
    assert [(v.value, v.count) for v in kinds] == [(KIND, N)]
    expected = brute_force(docs, "鸬鹚")
    for name in ("department", "section"):
        got = {v.value: v.count for v in results.facets[name]}
        assert set(got) <= set(expected[name])
        assert abs(sum(got.values()) - N) <= len(got)  # rounding only
    rows = get_backend().facet_counts(
        parse_query("鸬鹚"), Filters(generation=results.filters.generation)
    )
    assert rows.exact is False and rows.total == N


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's sampled plans")
def test_postgres_estimates_a_common_phrases_facets_and_marks_them(docs, monkeypatch):
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {pg.CHUNK_TABLE}")
    backend = get_backend()
    backend._stats.__dict__.clear()
    monkeypatch.setattr(pg, "HEAVY_ROWS", N // 4)
    # 鸬鹚栖息 is a phrase of common terms: its matches are sampled, its facets estimated.
    results = search("鸬鹚栖息")
    assert not results.total_exact
    values = [v for values in results.facets.values() for v in values]
    assert values and not any(v.exact for v in values)
    # One term a word: GIN tells the matches, and the facets are exact.
    results = search("鸬鹚")
    assert results.total == N and results.total_exact
    assert shown(results) == brute_force(docs, "鸬鹚")


def test_the_page_and_the_api_mark_estimated_facets(docs, client, monkeypatch, settings):
    settings.SEARCH_RATE_LIMIT = 0
    if connection.vendor == "sqlite":
        monkeypatch.setattr(lite, "FACET_EXACT_MATCHES", 50)
        monkeypatch.setattr(lite, "FACET_SAMPLE", 60)
        query = "鸬鹚"
    else:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {pg.CHUNK_TABLE}")
        get_backend()._stats.__dict__.clear()
        monkeypatch.setattr(pg, "HEAVY_ROWS", N // 4)
        query = "鸬鹚栖息"
    html = client.get(reverse("search:search"), {"q": query}).content.decode()
    assert '<span class="facet__count">（约' in html
    data = client.get("/api/v1/search/", {"q": query}).json()
    assert data["facets"]["kind"][0]["count_exact"] is False
    exact = client.get("/api/v1/search/", {"q": "候鸟迁徙"}).json()
    assert exact["facets"]["kind"] == [
        {"value": KIND, "label": "fixture", "count": N // 10, "count_exact": True}
    ]
    html = client.get(reverse("search:search"), {"q": "候鸟迁徙"}).content.decode()
    assert "（约" not in html


def test_significant_digits():
    assert [significant(v) for v in (7.4, 99.6, 123, 4567, 98765)] == [7, 100, 120, 4600, 99000]
