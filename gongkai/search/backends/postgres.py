"""PostgreSQL full-text search over CJK bigrams: tsvector chunks with GIN.

The terms are `text.terms()`, the same as on SQLite; PostgreSQL's own parser
never sees the text (it would cut CJK runs its own way). Each entry is stored as
rows of ``search_pgchunk(entry_id, seq, tsv)``, built here as tsvector literals
(``'社会':1 '会保':2 ...``):

* ``seq = 0``, the *head*: the title's terms (weight A), then the 文号's
  (weight B) after an unused position, so that no phrase spans the two;
* ``seq >= 1``: the body (summary, body and indexed metadata, as one text, as on
  SQLite) in windows of consecutive terms (weight D).

Windows exist because of tsvector limits: positions above 16383 are clamped to
16383, a lexeme keeps at most 256 positions (PostgreSQL drops further ones
silently, and a phrase through a dropped position would be missed), and a
tsvector is at most 1 MB. A window ends before any of these is reached, and the
next one starts `OVERLAP` terms before its end: a phrase has at most
``MAX_QUERY_CHARS`` terms, so every occurrence lies wholly inside some window.

A query word is the tsquery phrase ``'社会' <-> '会保' <-> '保险'`` (``:*`` on a
prefix last term), and an entry matches when each word matches one of its rows:
words are ANDed per entry, not per row, so words in different windows (or one in
the title, one in the body) still match. This is exactly what the SQLite
backend and a substring scan find.

Counts and facets are exact, which costs what GIN cannot answer alone: a phrase
of two or more terms needs positions, read from the TOASTed tsvector of every
candidate row (8–20 µs an entry, by cache). A one-term word (any two-character word)
is answered by the index alone. `_matched` reads the matches once per search and
hands them from the facet (or count) query to the ranking.

Ranking is bounded (issue 4): ranking every match of a very common term means
reading every matching body. Only a capped candidate set is ranked: exact
文号/title pins, the `HEAD_CANDIDATES` best title and 文号 matches (heads are
small, so ranking all of them to choose is cheap) and the `NEWEST_CANDIDATES`
newest matches. They are ordered as on SQLite: pins, then ts_rank (of the head,
title over 文号, plus the best body window, which weighs less than any title
match), then date and id. The remaining matches, for a searcher who pages that
far, follow newest first.

Index rows go with their entry: `remove` deletes them, and triggers on
``search_searchentry`` do the same for any DELETE or TRUNCATE (a foreign key
would make Django's test flush, a TRUNCATE of the model tables, fail).
Migration 0003 creates the table, its GIN indexes and the triggers.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import astuple
from datetime import date

from django.db import connection, transaction

from ..models import SearchEntry
from ..text import MAX_QUERY_CHARS, ParsedQuery, Phrase, terms
from .base import (
    BODY_WEIGHT,
    ENTRY_TABLE,
    FACET_FIELDS,
    NUMBER_WEIGHT,
    TITLE_WEIGHT,
    Filters,
    Match,
    SearchBackend,
)

CHUNK_TABLE = "search_pgchunk"
HEAD_SEQ = 0

# PostgreSQL's tsvector limits (documentation, "Limits" of text search).
MAX_POSITION = 16383
MAX_POSITIONS_PER_TERM = 256
MAX_LEXEME_BYTES = 2047
# A window's share of the 1 MB tsvector limit (lexemes, positions, headers).
WINDOW_BYTES = 512 * 1024
# A query word has at most MAX_QUERY_CHARS characters, hence at most that many terms.
OVERLAP = MAX_QUERY_CHARS
# Longer terms (a Latin or digit run of a kilobyte) cannot equal any query term;
# they are cut to stay under MAX_LEXEME_BYTES and so still match nothing.
MAX_TERM_BYTES = 4 * MAX_QUERY_CHARS + 8

# ts_rank's weights are {D, C, B, A}: body, unused, 文号, title.
RANK_WEIGHTS = f"{{{BODY_WEIGHT / TITLE_WEIGHT:g},0,{NUMBER_WEIGHT / TITLE_WEIGHT:g},1}}"
# No length normalisation: ts_rank already saturates with repetition, and with it
# one title occurrence (weight A, 0.61) outweighs any body (weight D, at most 0.1).
RANK_NORMALISATION = 0

HEAD_CANDIDATES = 200
NEWEST_CANDIDATES = 200
# By date, entries sharing a date with the page are ordered by relevance, up to this many.
MAX_TIED = 2000
# How long the matches read for facets wait for the ranking of the same search.
HANDOFF_SECONDS = 2.0


# --- tsvector and tsquery text ------------------------------------------------------
def quote_lexeme(term: str) -> str:
    """`term` as a quoted tsvector/tsquery lexeme (terms are letters and digits, but still)."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _fit(term: str) -> str:
    data = term.encode()
    if len(data) <= MAX_TERM_BYTES:
        return term
    return data[:MAX_TERM_BYTES].decode(errors="ignore")


def tsvector_text(items: Iterable[tuple[str, int, str]]) -> str:
    """A tsvector literal from ``(term, position, weight)``; weight "" is D."""
    positions: dict[str, list[str]] = {}
    for term, position, weight in items:
        positions.setdefault(term, []).append(f"{position}{weight}")
    return " ".join(f"{quote_lexeme(term)}:{','.join(p)}" for term, p in positions.items())


def _window_cost(term: str, first: bool) -> int:
    # A position is 2 bytes; a lexeme adds its bytes and a 4-byte entry (plus alignment).
    return 2 + (len(term.encode()) + 8 if first else 0)


def windows(body_terms: Sequence[str]) -> list[tuple[int, int]]:
    """``(start, end)`` term ranges, each within the tsvector limits, overlapping by OVERLAP."""
    n = len(body_terms)
    if n == 0:
        return []
    if n <= MAX_POSITION:
        counts = Counter(body_terms)
        if max(counts.values()) <= MAX_POSITIONS_PER_TERM:
            size = 2 * n + sum(len(t.encode()) + 8 for t in counts)
            if size <= WINDOW_BYTES:
                return [(0, n)]
    out: list[tuple[int, int]] = []
    start = 0
    while True:
        counts = Counter()
        size = 0
        end = start
        while end < n and end - start < MAX_POSITION:
            term = body_terms[end]
            seen = counts[term]
            if seen >= MAX_POSITIONS_PER_TERM:
                break
            cost = _window_cost(term, seen == 0)
            if size + cost > WINDOW_BYTES:
                break
            counts[term] = seen + 1
            size += cost
            end += 1
        out.append((start, end))
        if end >= n:
            return out
        # Each limit admits more than OVERLAP terms, so windows always advance.
        assert end - start > OVERLAP
        start = end - OVERLAP


def head_tsvector(entry: SearchEntry) -> str:
    title = [_fit(t) for t in terms(entry.title)]
    number = [_fit(t) for t in terms(entry.doc_number)]
    items = [(t, i, "A") for i, t in enumerate(title, start=1)]
    # One unused position between title and 文号: `<->` needs adjacent positions.
    items += [(t, i, "B") for i, t in enumerate(number, start=len(title) + 2)]
    return tsvector_text(items)


def body_text(entry: SearchEntry) -> str:
    """What is indexed as the body: the same text the SQLite backend indexes."""
    return "\n".join(part for part in (entry.summary, entry.body, entry.extra) if part)


def entry_rows(entry: SearchEntry) -> list[tuple[int, int, str]]:
    """The ``(entry_id, seq, tsvector literal)`` rows of an entry."""
    rows = []
    head = head_tsvector(entry)
    if head:
        rows.append((entry.pk, HEAD_SEQ, head))
    body = [_fit(t) for t in terms(body_text(entry))]
    for seq, (start, end) in enumerate(windows(body), start=1):
        items = ((body[i], i - start + 1, "") for i in range(start, end))
        rows.append((entry.pk, seq, tsvector_text(items)))
    return rows


def tsquery_phrase(p: Phrase) -> str:
    parts = [quote_lexeme(t) for t in p.terms]
    if p.prefix:
        parts[-1] += ":*"
    return "(" + " <-> ".join(parts) + ")"


def rank_tsquery(parsed: ParsedQuery) -> str:
    """Every term of every word, ORed: ts_rank of an OR query costs one pass over positions."""
    seen: dict[str, None] = {}
    for p in parsed.phrases:
        for index, term in enumerate(p.terms):
            prefix = p.prefix and index == len(p.terms) - 1
            seen[quote_lexeme(term) + (":*" if prefix else "")] = None
    return " | ".join(seen)


def any_tsquery(parsed: ParsedQuery) -> str:
    """Any of the words as a phrase: is the entry a title (or 文号) match?"""
    return " | ".join(tsquery_phrase(p) for p in parsed.phrases)


def terms_tsquery(p: Phrase) -> str:
    """All of a word's terms, anywhere in one row: what GIN answers without reading rows."""
    parts = [quote_lexeme(t) for t in p.terms]
    if p.prefix:
        parts[-1] += ":*"
    return " & ".join(dict.fromkeys(parts))


# --- the backend ----------------------------------------------------------------
# A matched entry as _matched reads it: id, date, then FACET_FIELDS.
ID, DATE = range(2)
FACETS_FROM = 2


def _newest(row: tuple) -> tuple:
    # Newest first with NULL dates last, as SQLite orders `date DESC`.
    return (row[DATE] is not None, row[DATE] or date.min, row[ID])


class PostgresBackend(SearchBackend):
    vendor = "postgresql"

    def __init__(self) -> None:
        self._handoff = threading.local()

    def _run(self, sql: str, params: list) -> list[tuple]:
        # The planner counts only the small heap of search_pgchunk, not the TOASTed
        # tsvectors that a sequential scan must read, and so prefers scanning every
        # row (a second at 20 000 entries) to the GIN index (milliseconds). Searches
        # run with sequential scans off, and JIT off, which their disable cost
        # would otherwise switch on. SET LOCAL outlives a savepoint: restore.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('enable_seqscan'), current_setting('jit'), "
                "set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)"
            )
            seqscan, jit = cursor.fetchone()[:2]
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            cursor.execute(
                "SELECT set_config('enable_seqscan', %s, true), set_config('jit', %s, true)",
                [seqscan, jit],
            )
        return rows

    # --- index maintenance ---------------------------------------------------------
    def add(self, entries: Sequence[SearchEntry]) -> None:
        self._handoff.__dict__.clear()
        rows = [row for entry in entries for row in entry_rows(entry)]
        if not rows:
            return
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {CHUNK_TABLE} (entry_id, seq, tsv) VALUES (%s, %s, %s::tsvector)",
                rows,
            )

    def remove(self, entries: Sequence[SearchEntry]) -> None:
        self._handoff.__dict__.clear()
        ids = [entry.pk for entry in entries if entry.pk is not None]
        if ids:
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {CHUNK_TABLE} WHERE entry_id = ANY(%s)", [ids])

    def clear(self) -> None:
        self._handoff.__dict__.clear()
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {CHUNK_TABLE}")

    def optimize(self) -> None:
        """After a rebuild: merge the GIN pending lists and refresh planner statistics."""
        with connection.cursor() as cursor:
            for index in (f"{CHUNK_TABLE}_tsv", f"{CHUNK_TABLE}_head_tsv"):
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
            cursor.execute(f"ANALYZE {CHUNK_TABLE}")
            cursor.execute(f"ANALYZE {ENTRY_TABLE}")

    def size_bytes(self) -> int | None:
        return self._run("SELECT pg_total_relation_size(%s)", [CHUNK_TABLE])[0][0]

    # --- queries ---------------------------------------------------------------------
    def title_candidates(self, parsed: ParsedQuery, generation: int, *, limit: int) -> list[str]:
        found = sorted({term for p in parsed.phrases for term in p.terms})[:64]
        if not found:
            return []
        query = " | ".join(quote_lexeme(term) + ":A" for term in found)
        rows = self._run(
            f"SELECT e.title FROM {CHUNK_TABLE} c JOIN {ENTRY_TABLE} e ON e.id = c.entry_id "
            f"WHERE c.seq = {HEAD_SEQ} AND c.tsv @@ %s::tsquery AND e.generation = %s "
            "ORDER BY ts_rank(c.tsv, %s::tsquery) DESC, e.id DESC LIMIT %s",
            [query, generation, query, limit],
        )
        return [row[0] for row in rows]

    def match(self, parsed: ParsedQuery) -> Match:
        """The matches as a fragment of base.py's shared SQL (this backend uses `_matched`)."""
        where = " AND ".join(
            f"e.id IN (SELECT c.entry_id FROM {CHUNK_TABLE} c WHERE c.tsv @@ %s::tsquery)"
            for _p in parsed.phrases
        )
        return Match(join="", where=where, params=[tsquery_phrase(p) for p in parsed.phrases])

    def _entries_with(self, tsquery: str, among: list[int]) -> set[int]:
        """Those entries `among` having a row that matches `tsquery`."""
        rows = self._run(
            f"SELECT entry_id FROM {CHUNK_TABLE} WHERE entry_id = ANY(%s) AND tsv @@ %s::tsquery",
            [among, tsquery],
        )
        return {row[0] for row in rows}

    def _matched(self, parsed: ParsedQuery, filters: Filters) -> list[tuple]:
        """``(id, date, *FACET_FIELDS)`` of every entry matching all words and the filters.

        Newest first (NULL dates last, as SQLite orders ``date DESC``), then by id.

        Words may match different rows of an entry (title and body, two windows),
        so each word is looked up on its own. GIN finds the rows having all of a
        word's terms without reading them; only a phrase needs positions, read
        from each candidate row (8–20 µs an entry, as its TOASTed tsvector
        is fetched whole). A single word is one bitmap scan rechecking its
        candidates. With several, GIN first narrows to the entries having every
        word's terms (INTERSECT: each scan runs once, whatever the planner
        guesses of bigram frequencies) and passing the filters, and only these
        have their positions read.
        """
        where, params = filters.sql()
        columns = ", ".join(f"e.{name}" for name in FACET_FIELDS)
        single = len(parsed.phrases) == 1
        scans = " INTERSECT ".join(
            f"SELECT entry_id FROM {CHUNK_TABLE} WHERE tsv @@ %s::tsquery" for _p in parsed.phrases
        )
        queries = [tsquery_phrase(p) if single else terms_tsquery(p) for p in parsed.phrases]
        rows = self._run(
            f"SELECT e.id, e.date, {columns} FROM {ENTRY_TABLE} e "
            f"WHERE e.id IN ({scans}) AND {where} ORDER BY e.date DESC NULLS LAST, e.id DESC",
            [*queries, *params],
        )
        if not single:
            for p in parsed.phrases:
                if rows and len(p.terms) > 1:
                    keep = self._entries_with(tsquery_phrase(p), [row[ID] for row in rows])
                    rows = [row for row in rows if row[ID] in keep]
        # search() asks for the facets (or the count), then for the ranked page of
        # the same query: hand the matches over rather than matching twice.
        self._handoff.__dict__.clear()
        self._handoff.key = self._key(parsed, filters)
        self._handoff.rows = rows
        self._handoff.at = time.monotonic()
        return rows

    @staticmethod
    def _key(parsed: ParsedQuery, filters: Filters) -> tuple:
        return (tuple((p.terms, p.prefix) for p in parsed.phrases), astuple(filters))

    def _take_handoff(self, parsed: ParsedQuery, filters: Filters) -> list[tuple] | None:
        handoff = self._handoff.__dict__.copy()
        self._handoff.__dict__.clear()
        fresh = handoff and time.monotonic() - handoff["at"] < HANDOFF_SECONDS
        if fresh and handoff["key"] == self._key(parsed, filters):
            return handoff["rows"]
        return None

    def count(self, parsed: ParsedQuery, filters: Filters) -> int:
        return len(self._matched(parsed, filters))

    def facet_counts(self, parsed: ParsedQuery, filters: Filters) -> list[tuple]:
        # The matches are read anyway (ranking uses them): group them here.
        counted = Counter(row[FACETS_FROM:] for row in self._matched(parsed, filters))
        return [(*values, count) for values, count in counted.items()]

    def _scores(self, ids: Iterable[int], parsed: ParsedQuery) -> dict[int, float]:
        """ts_rank of the title and 文号, plus that of the best body window.

        The best window, not their sum, so that a long law does not outrank a
        short notice for having many windows.
        """
        ids = list(ids)
        if not ids:
            return {}
        rows = self._run(
            "SELECT entry_id, coalesce(max(rank) FILTER (WHERE seq = %s), 0) "
            "+ coalesce(max(rank) FILTER (WHERE seq <> %s), 0) FROM ("
            f" SELECT entry_id, seq, ts_rank(%s::float4[], tsv, %s::tsquery, {RANK_NORMALISATION})"
            f" AS rank FROM {CHUNK_TABLE} WHERE entry_id = ANY(%s)) ranks GROUP BY entry_id",
            [HEAD_SEQ, HEAD_SEQ, RANK_WEIGHTS, rank_tsquery(parsed), ids],
        )
        return {entry_id: score for entry_id, score in rows}

    def _pins(
        self, generation: int, doc_number: str, title_key: str, matched: dict
    ) -> tuple[set[int], set[int]]:
        """Matches whose 文号, and whose title, is exactly the query."""
        if not (doc_number or title_key):
            return set(), set()
        rows = self._run(
            f"SELECT id, coalesce(doc_number = %s, false), coalesce(title_key = %s, false) "
            f"FROM {ENTRY_TABLE} WHERE generation = %s AND (doc_number = %s OR title_key = %s)",
            [
                doc_number or None,
                title_key or None,
                generation,
                doc_number or None,
                title_key or None,
            ],
        )
        rows = [row for row in rows if row[0] in matched]
        return {row[0] for row in rows if row[1]}, {row[0] for row in rows if row[2]}

    def _head_ranks(self, parsed: ParsedQuery) -> dict[int, float]:
        """Entries whose title or 文号 has one of the words, with that part's rank."""
        rows = self._run(
            f"SELECT entry_id, ts_rank(%s::float4[], tsv, %s::tsquery, {RANK_NORMALISATION}) "
            f"FROM {CHUNK_TABLE} WHERE seq = {HEAD_SEQ} AND tsv @@ %s::tsquery",
            [RANK_WEIGHTS, rank_tsquery(parsed), any_tsquery(parsed)],
        )
        return dict(rows)

    def ranked_ids(
        self,
        parsed: ParsedQuery,
        filters: Filters,
        *,
        limit: int,
        offset: int = 0,
        doc_number: str = "",
        title_key: str = "",
        by_date: bool = False,
    ) -> list[int]:
        """As on SQLite, but only a capped candidate set is ranked (module docstring)."""
        rows = self._take_handoff(parsed, filters)
        if rows is None:
            rows = self._matched(parsed, filters)
            self._handoff.__dict__.clear()
        end = offset + limit
        if not rows or limit <= 0:
            return []
        if by_date:
            return self._by_date(rows, parsed, offset=offset, end=end)

        matched = {row[ID]: row for row in rows}
        by_number, by_title = self._pins(filters.generation, doc_number, title_key, matched)
        heads = {i: r for i, r in self._head_ranks(parsed).items() if i in matched}
        best_heads = heapq.nlargest(
            HEAD_CANDIDATES, heads, key=lambda i: (heads[i], _newest(matched[i]))
        )
        newest = {row[ID] for row in rows[:NEWEST_CANDIDATES]}
        candidates = by_number | by_title | set(best_heads) | newest
        scores = self._scores(candidates, parsed)

        def relevance(entry_id: int) -> tuple:
            return (
                entry_id in by_number,
                entry_id in by_title,
                scores.get(entry_id, 0.0),
                _newest(matched[entry_id]),
            )

        ranked = sorted(candidates, key=relevance, reverse=True)
        if end <= len(ranked):
            return ranked[offset:end]
        # Past the ranked candidates: the other matches, newest first.
        rest = (row[ID] for row in rows if row[ID] not in candidates)
        return (ranked + list(itertools.islice(rest, end - len(ranked))))[offset:end]

    def _by_date(
        self, rows: list[tuple], parsed: ParsedQuery, *, offset: int, end: int
    ) -> list[int]:
        # Newest first, relevance between entries of one date: only the page and the
        # entries sharing a date with it need a score.
        page = rows[:end]
        dates = {row[DATE] for row in page}
        group = list(itertools.takewhile(lambda row: row[DATE] in dates, rows))
        scores = self._scores((row[ID] for row in group), parsed) if len(group) <= MAX_TIED else {}
        group.sort(
            key=lambda row: (_newest(row)[:2], scores.get(row[ID], 0.0), row[ID]), reverse=True
        )
        return [row[ID] for row in group[offset:end]]
