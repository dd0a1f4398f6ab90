"""Bounded work for common words: what each backend does instead of reading every
match, with its thresholds lowered so that a small fixture is "common".

* SQLite ranks a capped candidate set (the newest rows FTS5 yields) by title hits
  and date, and walks the entries by date for the date order (backends/sqlite.py).
* PostgreSQL walks the entries (or the candidates) newest first and estimates the
  total from a spread-out sample (backends/postgres.py).

Either way: every match is still reachable page after page, exactly once; exact
文号/title matches come first; title matches before body matches; by date is by
date; and nothing that does not match is ever shown.
"""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.urls import reverse

from gongkai.search.backends import get_backend
from gongkai.search.backends import postgres as pg
from gongkai.search.backends import sqlite as sq
from gongkai.search.backends.base import Filters
from gongkai.search.models import SearchEntry
from gongkai.search.selectors import entry_snippet, search
from gongkai.search.text import parse_query

from .test_backends import KIND, FixtureDoc, corpus  # noqa: F401  (corpus: a fixture)

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite backend")
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL backend")

N = 120


def _docs() -> list[FixtureDoc]:
    """N documents that all say 鸬鹚; every 7th has it in its title; one has a 文号;
    every 11th has no date."""
    docs = []
    for i in range(1, N + 1):
        title = f"第{i}号鸬鹚观察通知" if i % 7 == 0 else f"第{i}号工作通知"
        published = date(2000 + i % 25, 1 + i % 12, 1 + i % 27) if i % 11 else None
        number = "毕人社发〔2021〕5号" if i == 50 else ""
        doc = FixtureDoc(i, title, "湿地里的鸬鹚。" * (1 + i % 4), number, published)
        doc.published = published  # FixtureDoc would date an undated one
        docs.append(doc)
    return docs


def _newest_key(doc: FixtureDoc) -> tuple:
    return (doc.published is not None, doc.published or date.min)


@pytest.fixture
def common(corpus, monkeypatch):  # noqa: F811
    """The fixture indexed, with 鸬鹚 made a common word on this backend."""
    if connection.vendor == "sqlite":
        monkeypatch.setattr(sq, "COMMON_MATCHES", 10)
        monkeypatch.setattr(sq, "COMMON_CANDIDATES", 30)
    else:
        monkeypatch.setattr(pg.PostgresBackend, "_is_heavy", lambda self, parsed: True)
        monkeypatch.setattr(pg, "SAMPLED_CANDIDATES", 10)
        monkeypatch.setattr(pg, "WALK_BATCH", 8)
    corpus.index(*_docs())
    return corpus


def _all_pages(query: str, *, by_date: bool = False, per_page: int = 7) -> list[int]:
    found: list[int] = []
    page = 1
    while True:
        results = search(query, page=page, per_page=per_page, by_date=by_date, facets=False)
        found += [int(hit.entry.object_id) for hit in results.hits]
        if not results.hits or page >= results.pages:
            return found
        page += 1


def test_a_common_word_pages_through_every_match_exactly_once(common):
    found = _all_pages("鸬鹚")
    assert len(found) == len(set(found)) == N
    assert sorted(found) == list(range(1, N + 1))
    # The same again: the order of a common word does not change between searches.
    assert _all_pages("鸬鹚") == found


def test_a_common_word_ranks_pins_then_title_matches_then_the_newest(common):
    # The candidates ranked: SQLite's newest rows, PostgreSQL's first matches found.
    pool = sq.COMMON_CANDIDATES if connection.vendor == "sqlite" else pg.SAMPLED_CANDIDATES
    results = search("鸬鹚", per_page=max(pool, 20), facets=False)
    ids = [int(hit.entry.object_id) for hit in results.hits]
    titled = [i for i in ids if i % 7 == 0]
    # Every title match is a candidate, however old: they all lead the first page.
    assert sorted(titled) == list(range(7, N + 1, 7))
    # Title matches first; then the others, newest first.
    assert set(ids[: len(titled)]) == set(titled)
    docs = {doc.pk: doc for doc in _docs()}
    keys = [_newest_key(docs[i]) for i in ids[len(titled) :]]
    assert keys == sorted(keys, reverse=True)

    # An exact 文号 is pinned first, in any bracket form.
    for query in ("毕人社发〔2021〕5号", "毕人社发[2021]5号", "毕人社发（2021）5号"):
        assert int(search(query, facets=False).hits[0].entry.object_id) == 50


def test_a_common_word_by_date_is_newest_first_with_undated_last(common):
    found = _all_pages("鸬鹚", by_date=True)
    assert sorted(found) == list(range(1, N + 1))
    docs = {doc.pk: doc for doc in _docs()}
    keys = [_newest_key(docs[i]) for i in found]
    assert keys == sorted(keys, reverse=True)
    assert all(docs[i].published is None for i in found[-(N // 11) :])


def test_a_common_word_with_a_filter_finds_only_what_passes_it(common):
    expected = {d.pk for d in _docs() if d.published and d.published.year == 2010}
    results = search("鸬鹚", filters=Filters(year_from=2010, year_to=2010), facets=False)
    assert {int(hit.entry.object_id) for hit in results.hits} == expected
    assert results.total == len(expected)


def test_a_word_that_is_not_there_is_not_found_among_common_ones(common):
    assert search("鸬鹚 鹈鹕", facets=False).total == 0
    assert search("鸬鹚 观察", facets=False).total == N // 7


@on_sqlite
def test_sqlite_counts_a_common_word_exactly(common):
    results = search("鸬鹚")
    assert results.total == N and results.total_exact


# --- PostgreSQL: the sample ----------------------------------------------------------------
@on_postgres
def test_postgres_estimates_a_common_word_and_says_so(common, client):
    results = search("鸬鹚", facets=False)
    assert not results.total_exact
    # The fixture fits in the sample: the estimate is the count.
    assert results.total == N

    page = client.get(reverse("search:search"), {"q": "鸬鹚"})
    assert page.status_code == 200
    # The results page counts the facets: exact for words of one term...
    assert "找到 120 条" in page.content.decode()
    api = client.get("/api/v1/search/", {"q": "鸬鹚 湿地"}).json()
    assert api["total"] == N and api["total_exact"] is True
    # ...estimated with a phrase (its positions are not read for the count).
    page = client.get(reverse("search:search"), {"q": "湿地里"})
    assert "找到约 120 条" in page.content.decode()
    api = client.get("/api/v1/search/", {"q": "湿地里的"}).json()
    assert api["total"] == N and api["total_exact"] is False


@on_postgres
def test_postgres_term_statistics_tell_common_words(corpus, monkeypatch):  # noqa: F811
    corpus.index(*_docs())
    backend = get_backend()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {pg.CHUNK_TABLE}")
    backend._stats.__dict__.clear()
    rows, _floor = backend._term_rows()
    assert rows.get("鸬鹚", 0) >= N * 0.9  # every entry's body has it
    monkeypatch.setattr(pg, "HEAVY_ROWS", N // 2)
    assert backend._is_heavy(parse_query("鸬鹚"))
    assert backend._is_heavy(parse_query("湿地 鸬鹚"))
    # One rare word keeps the query exact; an unknown term is never common.
    assert not backend._is_heavy(parse_query("鸬鹚 观察"))
    assert not backend._is_heavy(parse_query("鹈鹕"))


@on_postgres
def test_postgres_walk_gives_up_on_common_words_that_seldom_meet(corpus, monkeypatch):  # noqa: F811
    monkeypatch.setattr(pg.PostgresBackend, "_is_heavy", lambda self, parsed: True)
    monkeypatch.setattr(pg, "WALK_GIVE_UP", 20)
    monkeypatch.setattr(pg, "WALK_BATCH", 8)
    monkeypatch.setattr(pg, "MAX_WALK_BATCH", 8)
    docs = [FixtureDoc(i, f"通知{i}", "鸬鹚" if i % 2 else "鹈鹕") for i in range(1, 60)]
    docs.append(FixtureDoc(100, "旧通知", "鸬鹚与鹈鹕", published=date(1990, 1, 1)))
    corpus.index(*docs)
    results = search("鸬鹚 鹈鹕", facets=False)
    assert [int(hit.entry.object_id) for hit in results.hits] == [100]
    assert results.total == 1 and results.total_exact


@on_postgres
def test_postgres_samples_phrase_candidates_and_never_shows_a_non_match(corpus, monkeypatch):  # noqa: F811
    monkeypatch.setattr(pg, "RECHECK_ENTRIES", 5)
    monkeypatch.setattr(pg, "SAMPLED_CANDIDATES", 6)
    monkeypatch.setattr(pg, "WALK_BATCH", 4)
    docs = []
    for i in range(1, 61):
        # Every document has the terms 社会, 会保 and 保险; a third have the phrase.
        body = "社会保险待遇。" if i % 3 == 0 else "社会与会保及保险。"
        docs.append(FixtureDoc(i, f"通知{i}", body, published=date(2000 + i % 20, 1, 1)))
    corpus.index(*docs)
    expected = {d.pk for d in docs if d.pk % 3 == 0}
    results = search("社会保险", per_page=5, facets=False)
    assert not results.total_exact
    assert abs(results.total - len(expected)) <= len(expected) // 2
    assert set(_all_pages("社会保险")) == expected


# --- SQLite: the prefix index and its migration --------------------------------------------
@on_sqlite
def test_sqlite_migrations_0005_and_0008_rebuild_the_indexes_from_the_entries(corpus):  # noqa: F811
    import importlib

    migration = importlib.import_module(
        "gongkai.search.migrations.0005_sqlite_prefix_and_facet_index"
    )
    corpus.index(FixtureDoc(1, "鸬鹚", "2019年湿地鸬鹚调查"), FixtureDoc(2, "鹈鹕", "2020年鹈鹕"))
    titles = importlib.import_module("gongkai.search.migrations.0008_sqlite_title_index")
    # The migrations only run SQL (a schema editor cannot open inside a test's transaction).
    migration.rebuild(django_apps, SimpleNamespace(connection=connection))
    titles.create(django_apps, SimpleNamespace(connection=connection))
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [sq.FTS_TABLE])
        assert "prefix='1'" in cursor.fetchone()[0]
        cursor.execute("SELECT name FROM sqlite_master WHERE name = %s", [sq.FACET_INDEX])
        assert cursor.fetchone()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid FROM {sq.HEAD_TABLE} WHERE {sq.HEAD_TABLE} MATCH '鹈鹕'")
        assert [row[0] for row in cursor.fetchall()] == [
            e.pk for e in SearchEntry.objects.filter(kind=KIND, object_id="2")
        ]
    assert [int(h.entry.object_id) for h in search("2019年").hits] == [1]
    assert [int(h.entry.object_id) for h in search("鹕").hits] == [2]
    assert search("年").total == 2


# --- snippets ----------------------------------------------------------------------------------
def test_snippet_finds_a_word_far_into_a_long_body(corpus):  # noqa: F811
    body = "前言。" * 5000 + "这里提到鸬鹚的栖息地。" + "附则。" * 100
    corpus.index(FixtureDoc(1, "报告", body))
    entry = search("鸬鹚").hits[0].entry
    cut = str(entry_snippet(entry, parse_query("鸬鹚")))
    assert "<mark>鸬鹚</mark>" in cut
    # Two words, the second only far in: the snippet still shows a marked word.
    cut = str(entry_snippet(entry, parse_query("前言 鸬鹚")))
    assert re.search(r"<mark>(前言|鸬鹚)</mark>", cut)
    assert entry.kind == KIND
