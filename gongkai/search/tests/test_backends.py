"""The PostgreSQL backend finds exactly what a substring scan finds, and ranks known items first.

Runs in CI's PostgreSQL pass (.ci/run sets DATABASE_URL); the window arithmetic
at the top needs no database and runs everywhere. Fixture documents are real
State Council texts (../shared/data/govcn-policy.jsonl), indexed through the
services as any registered type is, by a test `Searchable`.
"""

from __future__ import annotations

import gzip
import itertools
import json
import random
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from gongkai.core.docnumber import normalise_doc_number
from gongkai.search import services
from gongkai.search.backends import get_backend
from gongkai.search.backends import postgres as pg
from gongkai.search.backends.base import Filters
from gongkai.search.models import SearchEntry
from gongkai.search.registry import (
    Searchable,
    SearchDocument,
    register_searchable,
    unregister_searchable,
)
from gongkai.search.selectors import search
from gongkai.search.text import MAX_QUERY_CHARS, normalise, parse_query, runs, terms

# The repository's own copy of ../shared/data/govcn-policy.jsonl (CI has no ../shared).
DATA = Path(__file__).resolve().parents[2] / "catalog" / "demo_data" / "govcn-policy.jsonl.gz"
KIND = "test.pgdoc"
LONG = 1000  # the synthetic long document (real ones are numbered from 1)

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the PostgreSQL backend needs PostgreSQL"
)


# Behaviour every backend must show (run on SQLite by `make test`, on PostgreSQL in CI).
def any_backend(test):
    return test


needs_data = pytest.mark.skipif(not DATA.exists(), reason=f"{DATA} is missing")


# --- windows (no database) --------------------------------------------------------------
def _check_windows(body: list[str]) -> None:
    spans = pg.windows(body)
    assert spans[0][0] == 0 and spans[-1][1] == len(body)
    for (_start, end), (next_start, _end) in itertools.pairwise(spans):
        # Consecutive windows overlap by exactly OVERLAP terms.
        assert next_start == end - pg.OVERLAP
    for start, end in spans:
        window = body[start:end]
        assert 0 < len(window) <= pg.MAX_POSITION
        assert max(window.count(t) for t in set(window)) <= pg.MAX_POSITIONS_PER_TERM
        size = sum(len(t.encode()) + 8 for t in set(window)) + 2 * len(window)
        assert size <= pg.WINDOW_BYTES
    # Every run of up to OVERLAP consecutive terms lies wholly inside some window.
    for first in range(0, max(1, len(body) - pg.OVERLAP + 1), 97):
        last = min(len(body), first + pg.OVERLAP)
        assert any(start <= first and last <= end for start, end in spans)


def test_windows_respect_position_repetition_and_size_limits():
    _check_windows([f"w{i}" for i in range(40_000)])  # positions
    _check_windows(["的的", "的"] * 3_000)  # one lexeme more than 256 times
    _check_windows([f"{i:04d}" + "x" * 900 for i in range(2_000)])  # bytes
    assert pg.windows(["社会", "会"]) == [(0, 2)]
    assert pg.windows([]) == []


def test_a_phrase_has_at_most_overlap_terms():
    longest = parse_query("社" * (MAX_QUERY_CHARS + 50)).phrases[0]
    assert len(longest.terms) <= pg.OVERLAP
    mixed = parse_query("a1" * (MAX_QUERY_CHARS + 50)).phrases[0]
    assert len(mixed.terms) <= pg.OVERLAP


def test_tsvector_and_tsquery_text_is_quoted():
    assert pg.quote_lexeme("it's") == "'it''s'"
    assert pg.quote_lexeme("a\\b") == "'a\\\\b'"
    phrase = parse_query("国发〔2018〕39号").phrases[0]
    assert pg.tsquery_phrase(phrase) == "('国发' <-> '发' <-> '2018' <-> '39' <-> '号':*)"
    assert pg.tsvector_text([("社会", 1, "A"), ("会", 2, "A"), ("社会", 4, "")]) == (
        "'社会':1A,4 '会':2A"
    )


# --- the fixture ------------------------------------------------------------------------
class FixtureDoc:
    """Stands in for a model instance: what the test Searchable indexes.

    Not a Django model, so registering it connects no save signals; documents are
    (re)indexed with `services.reindex`, as a rebuild indexes every type.
    """

    def __init__(self, pk: int, title: str, body: str, number: str = "", published=None):
        self.pk = pk
        self.title = title
        self.body = body
        self.doc_number = normalise_doc_number(number) if number else ""
        self.published = published or date(2019, 1, 1)


@dataclass
class Corpus:
    docs: dict[int, FixtureDoc] = field(default_factory=dict)

    def index(self, *docs: FixtureDoc) -> None:
        """Make `docs` the whole fixture and rebuild the index from it."""
        self.docs.clear()
        self.docs.update({doc.pk: doc for doc in docs})
        services.reindex()

    def ids(self, query: str, **filters) -> list[int]:
        """Object ids of every hit, page after page, in result order."""
        found: list[int] = []
        page = 1
        while True:
            results = search(query, filters=Filters(**filters), page=page, facets=page == 1)
            found += [int(hit.entry.object_id) for hit in results.hits]
            if page >= results.pages:
                break
            page += 1
        assert len(found) == len(set(found)) == min(results.total, 50 * results.per_page)
        return found

    def first(self, query: str) -> int:
        return int(search(query).hits[0].entry.object_id)


def _document(doc: FixtureDoc) -> SearchDocument:
    return SearchDocument(
        object_id=doc.pk,
        title=doc.title,
        url=f"/fixture/{doc.pk}/",
        body=doc.body,
        doc_number=doc.doc_number,
        date=doc.published,
    )


@pytest.fixture
def corpus(db):
    fixture = Corpus()
    register_searchable(
        Searchable(
            kind=KIND,
            label="fixture",
            model=FixtureDoc,  # type: ignore[arg-type]
            public=lambda: list(fixture.docs.values()),
            document=_document,
        )
    )
    services.clear()
    yield fixture
    unregister_searchable(KIND)


def real_docs() -> list[FixtureDoc]:
    docs = []
    for line in gzip.decompress(DATA.read_bytes()).decode("utf-8").splitlines():
        item = json.loads(line)
        bracketed = re.search(r"〔(\d{4})〕", item["number"])  # orders (令) carry no year
        year = int(bracketed.group(1)) if bracketed else 2019
        docs.append(
            FixtureDoc(
                item["id"],
                item["title"],
                item["text"],
                item["number"],
                date(year, 1 + item["id"] % 12, 1 + item["id"] % 28),
            )
        )
    return docs


def long_body(min_chars: int) -> str:
    """Real text, normalised (so offsets into it are offsets into the indexed text)."""
    texts = [doc.body for doc in real_docs()]
    body = ""
    while len(body) < min_chars:
        body += "\n".join(texts)
    return normalise(body)


def term_offsets(text: str) -> list[int]:
    """Where each term of normalised `text` starts (every CJK character starts one)."""
    offsets = []
    for match in re.finditer(r"\S+", text):
        position = match.start()
        for run, is_cjk in runs(match.group()):
            start = text.index(run, position)
            offsets += list(range(start, start + len(run))) if is_cjk else [start]
            position = start + len(run)
    assert len(offsets) == len(terms(text))
    return offsets


def chunk_rows(entry_ids=None) -> int:
    with connection.cursor() as cursor:
        if entry_ids is None:
            cursor.execute(f"SELECT count(*) FROM {pg.CHUNK_TABLE}")
        else:
            cursor.execute(
                f"SELECT count(*) FROM {pg.CHUNK_TABLE} WHERE entry_id = ANY(%s)", [entry_ids]
            )
        return cursor.fetchone()[0]


def orphan_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {pg.CHUNK_TABLE} c WHERE NOT EXISTS "
            "(SELECT 1 FROM search_searchentry e WHERE e.id = c.entry_id)"
        )
        return cursor.fetchone()[0]


# --- the reference: a substring scan, and the phrase semantics of text.py -----------------
def fields(doc: FixtureDoc) -> list[str]:
    return [doc.title, doc.doc_number, doc.body]


def scan(docs, query: str) -> set[int]:
    """Every document each query word is a substring of (one field each, normalised)."""
    words = parse_query(query).words
    return {
        doc.pk
        for doc in docs
        if all(any(w in normalise(text) for text in fields(doc)) for w in words)
    }


def phrase_scan(docs, query: str) -> set[int]:
    """Every document where each word's terms occur consecutively, as FTS5 phrases match."""

    def has(text: str, p) -> bool:
        haystack = "\x1f" + "\x1f".join(terms(text)) + "\x1f"
        needle = "\x1f" + "\x1f".join(p.terms) + ("" if p.prefix else "\x1f")
        return needle in haystack

    phrases = parse_query(query).phrases
    return {doc.pk for doc in docs if all(any(has(t, p) for t in fields(doc)) for p in phrases)}


# --- recall and precision ---------------------------------------------------------------------
CJK_QUERIES = [
    # two characters, common and rare
    "社会",
    "就业",
    "保险",
    "监管",
    "地震",
    "贷款",
    # longer words and phrases
    "社会保险",
    "就业创业",
    "创业担保贷款",
    "养老保险",
    "国务院办公厅",
    "县级以上地方各级人民政府",
    "双随机",
    "防震减灾",
    "职业教育改革",
    # several words, ANDed
    "养老保险 待遇",
    "就业 补贴",
    "国务院 地震 监视",
    "市场监管 双随机 信用",
    # one character (a prefix of the bigrams that start with it)
    "险",
    "震",
    "鑫",
    # found nowhere
    "鸬鹚蜉蝣",
]

OTHER_QUERIES = [
    "国发〔2018〕39号",
    "国发[2018]39号",
    "国办发（1996）2号",
    "2019年",
    "2018",
    "第二十条",
    "GDP",
]


@any_backend
@needs_data
def test_every_substring_and_nothing_else_is_found(corpus):
    docs = real_docs()
    corpus.index(*docs)
    for query in CJK_QUERIES:
        expected = scan(docs, query)
        assert set(corpus.ids(query)) == expected, query
        assert expected == phrase_scan(docs, query), query
    for query in OTHER_QUERIES:
        # Runs of a 文号 may be bracketed any way; Latin words and numbers match whole.
        assert set(corpus.ids(query)) == phrase_scan(docs, query), query
    assert corpus.ids("国发〔2018〕39号")


@any_backend
@needs_data
def test_random_substrings_of_every_length_are_found_exactly(corpus):
    docs = real_docs()
    corpus.index(*docs)
    rng = random.Random(4)
    checked = 0
    for length in (2, 3, 4, 5, 8, 13, 30, 80, MAX_QUERY_CHARS):
        words = 0
        while words < 4:
            doc = rng.choice(docs)
            text = normalise(doc.body)
            start = rng.randrange(0, len(text) - length)
            word = text[start : start + length]
            if len(word.split()) != 1 or word != word.strip() or not parse_query(word):
                continue  # a query word has no spaces
            words += 1
            found = set(corpus.ids(word))
            assert found == phrase_scan(docs, word), word
            word_runs = runs(word)
            # A number or Latin word matches whole, so a cut one need not be found;
            # between CJK runs, any punctuation (not only this one) may stand.
            if all(is_cjk for _run, is_cjk in word_runs):
                assert doc.pk in found, word
                assert found >= scan(docs, word), word
                if word_runs == [(word, True)]:
                    assert found == scan(docs, word), word
            checked += 1
    assert checked == 36


# --- long documents -------------------------------------------------------------------------
@on_postgres
@needs_data
def test_a_match_far_beyond_position_16383_is_found(corpus):
    body = long_body(60_000)
    offsets = term_offsets(body)
    assert len(offsets) > 3 * pg.MAX_POSITION
    # A phrase from deep inside the text, past any tsvector position.
    at = offsets[3 * pg.MAX_POSITION - 100]
    word = "".join(body[at : at + 12].split())
    marker_at = len(body) - 10
    body = body[:marker_at] + "鸬鹚栖息于此" + body[marker_at:]
    docs = [FixtureDoc(LONG, "长文档", body), *real_docs()[:5]]
    corpus.index(*docs)

    assert corpus.ids("鸬鹚栖息") == [LONG]
    assert set(corpus.ids(word)) == scan(docs, word) | phrase_scan(docs, word)
    assert LONG in corpus.ids(word)
    entry = SearchEntry.objects.get(kind=KIND, object_id=str(LONG))
    assert chunk_rows([entry.pk]) > 4  # the head and several body windows


@on_postgres
@needs_data
def test_phrases_across_a_window_boundary_are_found(corpus):
    body = long_body(45_000)
    offsets = term_offsets(body)
    spans = pg.windows(terms(body))
    assert len(spans) > 2
    boundary = spans[0][1]  # the first window ends before this term
    docs = [FixtureDoc(LONG, "长文档", body), *real_docs()[:3]]
    corpus.index(*docs)
    for before, length in ((3, 8), (40, 90), (pg.OVERLAP - 20, MAX_QUERY_CHARS)):
        start = offsets[boundary - before]
        word = "".join(body[start : start + length].split())[:MAX_QUERY_CHARS]
        assert LONG in corpus.ids(word), (before, length)
        assert set(corpus.ids(word)) == phrase_scan(docs, word)


@any_backend
@needs_data
def test_words_in_different_windows_and_fields_are_anded_per_entry(corpus):
    body = long_body(45_000)
    far_apart = "鸬鹚在前\n" + body + "\n蜉蝣在后"
    corpus.index(
        FixtureDoc(1, "长文档", far_apart),
        FixtureDoc(2, "只有鸬鹚", "鸬鹚在此。"),
        FixtureDoc(3, "只有蜉蝣", "蜉蝣在此。"),
        FixtureDoc(4, "题目里的鸬鹚", "正文里的蜉蝣。"),
    )
    assert set(corpus.ids("鸬鹚 蜉蝣")) == {1, 4}
    assert set(corpus.ids("鸬鹚")) == {1, 2, 4}
    assert corpus.ids("鸬鹚 蜉蝣 鹈鹕") == []


# --- ranking --------------------------------------------------------------------------------
@on_postgres
def test_a_title_match_ranks_above_body_matches(corpus):
    corpus.index(
        FixtureDoc(1, "关于鸬鹚保护的通知", "本通知自发布之日起施行。", published=date(2001, 1, 1)),
        FixtureDoc(2, "年度工作报告", "鸬鹚、鸬鹚、鸬鹚。" * 20, published=date(2026, 1, 1)),
        FixtureDoc(3, "另一份报告", "提到鸬鹚一次。", published=date(2026, 2, 1)),
    )
    ranked = corpus.ids("鸬鹚")
    assert ranked[0] == 1
    assert ranked[1:] == [2, 3]  # more occurrences, then the newer


@any_backend
@needs_data
def test_exact_doc_number_in_any_bracket_form_ranks_first(corpus):
    docs = real_docs()
    target = next(doc for doc in docs if doc.doc_number == "国发〔2018〕39号")
    decoys = [
        FixtureDoc(900, "关于转发国发〔2018〕39号文件的通知", "国发〔2018〕39号。" * 30),
        FixtureDoc(901, "国发〔2018〕39号解读", "国发[2018]39号" * 10, "国发〔2018〕40号"),
    ]
    corpus.index(*docs, *decoys)
    for query in (
        "国发〔2018〕39号",
        "国发[2018]39号",
        "国发(2018)39号",
        "国发（2018）39号",
        "国发［2018］39号",
        "国发〔2018〕39 号",
    ):
        ranked = corpus.ids(query)
        assert ranked[0] == target.pk, query
        assert {900, 901} <= set(ranked), query


@any_backend
@needs_data
def test_exact_title_ranks_first(corpus):
    docs = real_docs()
    target = next(doc for doc in docs if doc.pk == 20)  # cited by title in document 51
    decoy = FixtureDoc(
        900, f"《{target.title}》的政策解读", (target.title + "。") * 20, published=date(2026, 1, 1)
    )
    corpus.index(*docs, decoy)
    ranked = corpus.ids(target.title)
    assert ranked[0] == target.pk
    assert {51, 900} <= set(ranked)
    # Any spacing of the title is the title.
    assert (
        corpus.first(" ".join(target.title[i : i + 7] for i in range(0, len(target.title), 7)))
        == target.pk
    )


@on_postgres
def test_ranking_bounded_to_candidates_still_pages_through_every_match(corpus, monkeypatch):
    monkeypatch.setattr(pg, "HEAD_CANDIDATES", 3)
    monkeypatch.setattr(pg, "NEWEST_CANDIDATES", 5)
    docs = [
        FixtureDoc(
            i,
            f"第{i}号鸬鹚通知" if i % 7 == 0 else f"第{i}号通知",
            "鸬鹚。" * (1 + i % 5),
            published=date(2000 + i % 20, 1 + i % 12, 1) if i % 11 else None,
        )
        for i in range(1, 120)
    ]
    corpus.index(*docs)
    ranked = corpus.ids("鸬鹚")
    assert sorted(ranked) == list(range(1, 120))
    titled = [doc.pk for doc in docs if "鸬鹚" in doc.title]
    assert set(ranked[:3]) <= set(titled)
    # Past the ranked candidates, newest first, undated last.
    tail = [corpus.docs[pk] for pk in ranked[8:]]
    keys = [(d.published is not None, d.published or date.min, d.pk) for d in tail]
    assert keys == sorted(keys, reverse=True)

    results = search("鸬鹚", by_date=True, per_page=200)
    dated = [hit.entry.date for hit in results.hits]
    assert dated == sorted(dated, key=lambda d: (d is not None, d or date.min), reverse=True)


@any_backend
@needs_data
def test_filters_and_facets_are_exact(corpus):
    docs = real_docs()
    corpus.index(*docs)
    expected = {doc.pk for doc in docs if "就业" in normalise(doc.body + doc.title)}
    results = search("就业")
    assert results.total == len(expected)
    by_year = {int(v.value): v.count for v in results.facets["year"]}
    for year, count in by_year.items():
        assert count == sum(1 for doc in docs if doc.pk in expected and doc.published.year == year)
    assert set(corpus.ids("就业", year_from=2018, year_to=2018)) == {
        doc.pk for doc in docs if doc.pk in expected and doc.published.year == 2018
    }


@on_postgres
@pytest.mark.parametrize(
    "query",
    ["", "险", "\"'", "'; DROP TABLE search_pgchunk; --", "a:* & !b", "NEAR OR - *",
     "it's", "\\", "😀🎉", "社" * 500, "国发〔2018〕39号 " * 40, "<-> <2> :A"],
)  # fmt: skip
def test_any_query_is_answered(corpus, query):
    corpus.index(FixtureDoc(1, "it's 社会保险", "险种：养老保险。a b"))
    results = search(query)
    assert results.total == len(results.hits) <= 1


# --- index maintenance ------------------------------------------------------------------------
@on_postgres
def test_removing_entries_leaves_no_index_rows(corpus):
    corpus.index(
        FixtureDoc(1, "鸬鹚", "鸬鹚" * 10),
        FixtureDoc(2, "蜉蝣", long_body(20_000) if DATA.exists() else "蜉蝣" * 10),
        FixtureDoc(3, "鹈鹕", "鹈鹕"),
    )
    entries = {int(e.object_id): e for e in SearchEntry.objects.filter(kind=KIND)}
    assert chunk_rows([e.pk for e in entries.values()]) >= 6

    # Through the backend, as services do before deleting an entry...
    get_backend().remove([entries[1]])
    assert chunk_rows([entries[1].pk]) == 0
    # ...and by the database whenever an entry goes without it (triggers).
    SearchEntry.objects.filter(pk=entries[2].pk).delete()
    assert chunk_rows([entries[2].pk]) == 0
    assert orphan_rows() == 0

    # A rebuild without a document drops its rows with the old generation.
    del corpus.docs[3]
    services.reindex()
    assert chunk_rows([e.pk for e in entries.values()]) == 0
    assert orphan_rows() == 0
    assert corpus.ids("鹈鹕") == []

    services.clear()
    assert chunk_rows() == 0


@on_postgres
def test_search_answers_from_the_old_generation_until_the_switch(corpus, monkeypatch):
    monkeypatch.setattr(services, "REBUILD_BATCH", 2)
    corpus.index(*(FixtureDoc(i, f"旧版鸬鹚{i}", "旧正文") for i in range(1, 6)))
    corpus.docs.clear()
    corpus.docs.update({i: FixtureDoc(i, f"新版蜉蝣{i}", "新正文") for i in range(1, 6)})

    seen = []

    def during(_count: int) -> None:
        seen.append((search("鸬鹚").total, search("蜉蝣").total))

    services.reindex(progress=during)
    assert seen and all(counts == (5, 0) for counts in seen)
    assert (search("鸬鹚").total, search("蜉蝣").total) == (0, 5)
    assert orphan_rows() == 0


@on_postgres
def test_index_size_is_reported(corpus):
    corpus.index(FixtureDoc(1, "鸬鹚", "鸬鹚栖息"))
    assert get_backend().size_bytes() > 0
