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

Finding the matches is what costs: GIN answers which rows hold all of a word's
terms without reading them, but a phrase of two or more terms needs positions,
read from each candidate's TOASTed tsvector (13–70 µs an entry). The work is
bounded per search (`_plan`, issue 4):

* **Exact**, when some word is rare (ANALYZE's statistics put it in at most
  `HEAVY_ROWS` rows): the entries having every term are read with their facets,
  and if no word is a phrase, or at most `RECHECK_ENTRIES` of them need positions
  checked, the matches, their count and their facets are exact.
* **Sampled**, when every word is common, or too many entries would need their
  positions read: matches are found by walking the entries (or the candidates)
  newest first until the page and `SAMPLED_CANDIDATES` matches are found, and
  their number is estimated from `SAMPLE_ENTRIES` entries spread over the table
  (two significant digits; the page says 约). Facets are then those of the
  entries having every term: exact when no word is a phrase (any two-character
  word), an upper bound otherwise. A walk that reaches every entry is exact.

Ranking is bounded too: only a capped candidate set is ranked. Exact: exact
文号/title pins, the `HEAD_CANDIDATES` best title and 文号 matches and the
`NEWEST_CANDIDATES` newest matches, ordered as on SQLite: pins, then ts_rank (of
the head, title over 文号, plus the best body window, which weighs less than any
title match), then date and id. Sampled: pins, then title (or 文号) matches among
the newest matches found, then the newest, as SQLite ranks a common word. The
remaining matches, for a searcher who pages that far, follow newest first.

Index rows go with their entry: `remove` deletes them, and triggers on
``search_searchentry`` do the same for any DELETE or TRUNCATE (a foreign key
would make Django's test flush, a TRUNCATE of the model tables, fail).
Migration 0003 creates the table, its GIN indexes and the triggers; 0006 the
entries' newest-first index and fuller term statistics.
"""

from __future__ import annotations

import heapq
import itertools
import math
import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass, field
from datetime import date

from django.db import connection, transaction

from ..models import SearchEntry
from ..text import MAX_QUERY_CHARS, ParsedQuery, Phrase, terms
from .base import (
    BODY_WEIGHT,
    ENTRY_TABLE,
    FACET_DIMENSIONS,
    FACET_FIELDS,
    NUMBER_WEIGHT,
    TITLE_WEIGHT,
    FacetRows,
    Filters,
    Match,
    SearchBackend,
    scaled,
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
# A query whose every word is in more index rows than this is common: its matches
# are not all read (25-70 µs an entry for a phrase) but found newest first, and
# their number estimated from SAMPLE_ENTRIES entries.
HEAVY_ROWS = 5_000
SAMPLE_ENTRIES = 300
# A sample with fewer matches than this grows by SAMPLE_MORE entries.
SAMPLE_MIN_HITS = 80
SAMPLE_MORE = 1_200
# A sample stops growing for the ranking's sake after this many entries.
WALK_LOOKS = 1_000
# Walking every entry finds too few matches for the page by then: common words
# that seldom meet. Their entries are read instead.
WALK_GIVE_UP = 5_000
# How many matches a sampled plan finds at least (the candidates it ranks).
SAMPLED_CANDIDATES = 50
# A superset of the matches (every term present) is checked for phrases entry by
# entry up to this size; beyond, a sample of it, newest first.
RECHECK_ENTRIES = 1_000
WALK_BATCH = 100
MAX_WALK_BATCH = 1600
# How long the term statistics (pg_stats) are kept by a process.
STATS_SECONDS = 60.0


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


def _tsquery_single(p: Phrase) -> str:
    parts = [quote_lexeme(t) for t in p.terms]
    if p.prefix:
        parts[-1] += ":*"
    return "(" + " <-> ".join(parts) + ")"


def tsquery_phrase(p: Phrase) -> str:
    """A query word as a tsquery phrase; with synonyms, any of its alternatives."""
    if not p.synonyms:
        return _tsquery_single(p)
    return "(" + " | ".join(_tsquery_single(a) for a in p.alternatives) + ")"


def rank_tsquery(parsed: ParsedQuery) -> str:
    """Every term of every word, ORed: ts_rank of an OR query costs one pass over positions."""
    seen: dict[str, None] = {}
    for p in parsed.phrases:
        for a in p.alternatives:
            for index, term in enumerate(a.terms):
                prefix = a.prefix and index == len(a.terms) - 1
                seen[quote_lexeme(term) + (":*" if prefix else "")] = None
    return " | ".join(seen)


def any_tsquery(parsed: ParsedQuery) -> str:
    """Any of the words as a phrase: is the entry a title (or 文号) match?"""
    return " | ".join(tsquery_phrase(p) for p in parsed.phrases)


def _terms_single(p: Phrase) -> str:
    parts = [quote_lexeme(t) for t in p.terms]
    if p.prefix:
        parts[-1] += ":*"
    return " & ".join(dict.fromkeys(parts))


def terms_tsquery(p: Phrase) -> str:
    """All of a word's terms, anywhere in one row: what GIN answers without reading rows.

    With synonyms, all the terms of any one alternative."""
    if not p.synonyms:
        return _terms_single(p)
    return " | ".join(f"({_terms_single(a)})" for a in p.alternatives)


# --- the backend ----------------------------------------------------------------
@dataclass
class _Plan:
    """How one search is answered (kept for HANDOFF_SECONDS, for its ranking)."""

    exact: bool  # total is the number of matches (else an estimate)
    total: int
    # Matches newest first, ``(id, date, ...)``: all of them if `complete`.
    newest: list[tuple]
    complete: bool
    rows: list[tuple] | None = None  # every match with its facets (an exact plan)
    candidates: list[tuple] | None = None  # a superset of them, with their facets
    looked: int = 0  # entries (or candidates) walked so far
    early: int = 0  # matches among the first WALK_LOOKS of them
    gave_up: bool = False  # walking every entry found too few matches
    estimated: bool = False  # total is the estimate (computed once)
    sample_hits: list[int] = field(default_factory=list)  # the estimate's matching sample
    key: tuple = ()
    at: float = 0.0


# A matched entry as _candidates reads it: id, date, then FACET_FIELDS (a walk: id, date).
ID, DATE = range(2)
FACETS_FROM = 2


def _significant(value: float, digits: int = 2) -> int:
    """An estimate rounded to the digits a sample of a few hundred supports."""
    if value < 100:
        return round(value)
    scale = 10 ** (len(str(int(value))) - digits)
    return int(round(value / scale) * scale)


def _ranked(
    ids: Iterable[int], pins: dict[int, tuple], scores: dict[int, float], rows: dict[int, tuple]
) -> list[int]:
    """`ids` best first: exact 文号, exact title (`pins`), score, then newest."""

    def relevance(entry_id: int) -> tuple:
        pin = pins.get(entry_id)
        return (
            bool(pin and pin[1]),
            bool(pin and pin[2]),
            scores.get(entry_id, 0.0),
            _newest(rows[entry_id]),
        )

    return sorted(ids, key=relevance, reverse=True)


def _newest(row: tuple) -> tuple:
    # Newest first with NULL dates last, as SQLite orders `date DESC`.
    return (row[DATE] is not None, row[DATE] or date.min, row[ID])


class PostgresBackend(SearchBackend):
    vendor = "postgresql"

    def __init__(self) -> None:
        self._handoff = threading.local()
        self._stats = threading.local()
        self._counts = threading.local()

    def _run(self, sql: str, params: list, *, bitmap: bool = True) -> list[tuple]:
        # The planner counts only the small heap of search_pgchunk, not the TOASTed
        # tsvectors that a sequential scan must read, and so prefers scanning every
        # row (a second at 20 000 entries) to the GIN index (milliseconds). Searches
        # run with sequential scans off, and JIT off, which their disable cost
        # would otherwise switch on. Without `bitmap`, bitmap scans are off too:
        # checking a few given entries must look them up by id, not build GIN's
        # bitmap of every row having a common term. SET LOCAL outlives a
        # savepoint: restore.
        names = ("enable_seqscan", "jit", "enable_bitmapscan")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('enable_seqscan'), current_setting('jit'), "
                "current_setting('enable_bitmapscan'), set_config('enable_seqscan', 'off', true), "
                "set_config('jit', 'off', true), set_config('enable_bitmapscan', %s, true)",
                ["on" if bitmap else "off"],
            )
            saved = cursor.fetchone()[:3]
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            cursor.execute(
                "SELECT " + ", ".join(f"set_config('{name}', %s, true)" for name in names),
                list(saved),
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
        found = sorted({t for p in parsed.phrases for a in p.alternatives for t in a.terms})[:64]
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
        """The matches as a fragment of base.py's shared SQL (this backend uses `_plan`)."""
        where = " AND ".join(
            f"e.id IN (SELECT c.entry_id FROM {CHUNK_TABLE} c WHERE c.tsv @@ %s::tsquery)"
            for _p in parsed.phrases
        )
        return Match(join="", where=where, params=[tsquery_phrase(p) for p in parsed.phrases])

    def _entries_with(self, tsquery: str, among: list[int]) -> set[int]:
        """Those entries `among` having a row that matches `tsquery`.

        A phrase is checked row by row, the rows looked up by entry: a GIN bitmap
        of its common terms would be built whole and every row in it rechecked.
        One term needs no positions: GIN's bitmap, ANDed with the entries', is
        exact and reads no tsvector (3x faster on a thousand entries).
        """
        rows = self._run(
            f"SELECT entry_id FROM {CHUNK_TABLE} WHERE entry_id = ANY(%s) AND tsv @@ %s::tsquery",
            [among, tsquery],
            bitmap="<->" not in tsquery,
        )
        return {row[0] for row in rows}

    def _having(self, rows: list[tuple], phrases: Iterable[Phrase]) -> list[tuple]:
        """Those of `rows` (``(id, ...)``, order kept) whose entry matches every phrase."""
        for p in phrases:
            if not rows:
                break
            keep = self._entries_with(tsquery_phrase(p), [row[ID] for row in rows])
            rows = [row for row in rows if row[ID] in keep]
        return rows

    def _candidates(self, parsed: ParsedQuery, filters: Filters) -> list[tuple]:
        """``(id, date, *FACET_FIELDS)`` of the entries having every term of every word.

        Newest first (NULL dates last, as SQLite orders ``date DESC``), then by id.
        GIN answers this without reading a row's positions: these are the matches
        when every word is one term (any two-character word), and a superset when
        a word is a phrase, whose positions `_plan` then checks. Words may be in
        different rows of an entry (title and body, two windows), so each word is
        looked up on its own and the entries intersected (each scan runs once,
        whatever the planner guesses of bigram frequencies).
        """
        where, params = filters.sql()
        columns = ", ".join(f"e.{name}" for name in FACET_FIELDS)
        scans = " INTERSECT ".join(
            f"SELECT entry_id FROM {CHUNK_TABLE} WHERE tsv @@ %s::tsquery" for _p in parsed.phrases
        )
        # ARRAY(): the entries are looked up by id, not scanned whole and hashed.
        return self._run(
            f"SELECT e.id, e.date, {columns} FROM {ENTRY_TABLE} e "
            f"WHERE e.id = ANY(ARRAY({scans})) AND {where} "
            "ORDER BY e.date DESC NULLS LAST, e.id DESC",
            [*[terms_tsquery(p) for p in parsed.phrases], *params],
        )

    # --- bounding the work (issue 4) --------------------------------------------------
    def _term_rows(self) -> tuple[dict[str, float], float]:
        """Estimated index rows of the commonest terms, and the rows of the rarest of them.

        ANALYZE's most common elements of ``tsv`` (what the planner uses too), read
        at most once every STATS_SECONDS. Empty before the first ANALYZE: every
        query is then answered exactly, which a young, small index affords.
        """
        cached = self._stats.__dict__
        if cached and time.monotonic() - cached["at"] < STATS_SECONDS:
            return cached["rows"], cached["floor"]
        found = self._run(
            "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples "
            "FROM pg_stats s JOIN pg_class c ON c.relname = s.tablename "
            "AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = s.schemaname) "
            "WHERE s.tablename = %s AND s.attname = 'tsv' AND s.schemaname = current_schema()",
            [CHUNK_TABLE],
        )
        rows: dict[str, float] = {}
        floor = 0.0
        if found and found[0][0]:
            elems, freqs, total = found[0]
            total = max(float(total or 0), 0.0)
            # The frequencies are followed by their minimum, maximum and null share.
            rows = {term: freq * total for term, freq in zip(elems, freqs, strict=False)}
            floor = min(rows.values()) if rows else 0.0
        self._stats.rows, self._stats.floor, self._stats.at = rows, floor, time.monotonic()
        return rows, floor

    def _word_rows(self, p: Phrase) -> float:
        """Estimated index rows having every term of a word (its rarest term's rows;
        with synonyms, the sum over its alternatives).

        A term missing from the statistics is rarer than any in them: it counts as
        their least frequent one, and never as common.
        """
        rows, floor = self._term_rows()
        floor = min(floor, HEAVY_ROWS)
        total = 0.0
        # A word with synonyms is in the rows of any of its alternatives.
        for a in p.alternatives:
            estimates = []
            for index, term in enumerate(a.terms):
                if a.prefix and index == len(a.terms) - 1:
                    estimates.append(sum(n for t, n in rows.items() if t.startswith(term)) or floor)
                else:
                    estimates.append(rows.get(term, floor))
            total += min(estimates) if estimates else 0.0
        return total

    def _is_heavy(self, parsed: ParsedQuery) -> bool:
        """Is every word of the query in more than HEAVY_ROWS index rows?

        Then reading every match costs more than the whole search may (a word in
        most documents, or a phrase of such words), and the matches are sampled,
        newest first, instead (`_walk`). One rare word keeps the query exact:
        its few entries bound the work.
        """
        return min(self._word_rows(p) for p in parsed.phrases) > HEAVY_ROWS

    def _entry_count(self, filters: Filters) -> int:
        """Entries passing the filters (the population a sample's share is of); kept
        STATS_SECONDS by a process, as an estimate needs no more."""
        key = astuple(filters)
        counts = self._counts.__dict__
        found = counts.get(key)
        if found and time.monotonic() - found[1] < STATS_SECONDS:
            return found[0]
        where, params = filters.sql()
        value = self._run(f"SELECT count(*) FROM {ENTRY_TABLE} e WHERE {where}", params)[0][0]
        if len(counts) > 256:
            counts.clear()
        counts[key] = (value, time.monotonic())
        return value

    def _walk(self, plan: _Plan, parsed: ParsedQuery, filters: Filters, *, want: int) -> None:
        """Match entries newest first, batch by batch, adding to `plan.newest`.

        The entries walked are `plan.candidates` (those having every term, newest
        first), whose phrases alone are left to check, or else every entry passing
        the filters. It stops once `want` matches are found (the page asked for,
        at least one) and either SAMPLED_CANDIDATES matches are found (for the
        ranking) or WALK_LOOKS entries were looked at; or when every entry was
        (the total is then exact; else `_estimate`). Batches are sized by the
        share matched so far; a later, deeper page resumes the walk where it
        stopped. Walking every entry gives up (`gave_up`)
        when WALK_GIVE_UP entries hold fewer matches than the page needs.
        """
        where, params = filters.sql()
        walked = plan.candidates
        if walked is None:
            # The rarest word first: fewer entries are left to check for the others.
            phrases = sorted(parsed.phrases, key=self._word_rows)
        else:
            phrases = [p for p in parsed.phrases if p.needs_positions]
        hits = plan.newest
        while not plan.complete:
            if walked is None and plan.looked >= WALK_GIVE_UP and len(hits) < max(want, 1):
                plan.gave_up = True
                return
            done = len(hits) >= max(want, 1)
            if done and (len(hits) >= SAMPLED_CANDIDATES or plan.looked >= WALK_LOOKS):
                break
            target = want if plan.looked >= WALK_LOOKS else max(want, SAMPLED_CANDIDATES)
            share = max(len(hits), 1) / plan.looked if plan.looked else 1.0
            batch = math.ceil(max(target - len(hits), 1) / share * 1.2)
            batch = min(max(batch, WALK_BATCH), MAX_WALK_BATCH)
            if walked is None:
                entries = self._run(
                    f"SELECT e.id, e.date FROM {ENTRY_TABLE} e WHERE {where} "
                    "ORDER BY e.date DESC NULLS LAST, e.id DESC LIMIT %s OFFSET %s",
                    [*params, batch, plan.looked],
                )
            else:
                entries = walked[plan.looked : plan.looked + batch]
            plan.looked += len(entries)
            plan.complete = len(entries) < batch
            keep = {row[ID] for row in self._having(entries, phrases)}
            for position, row in enumerate(entries, start=plan.looked - len(entries)):
                if row[ID] in keep:
                    hits.append(row)
                    if position < WALK_LOOKS:
                        plan.early = len(hits)
        if plan.complete:
            plan.exact, plan.total = True, len(hits)
            if walked is not None:
                plan.rows = hits
            return
        if not plan.estimated:
            plan.total = max(self._estimate(plan, parsed, filters), len(hits))
            plan.estimated = True

    def _estimate(self, plan: _Plan, parsed: ParsedQuery, filters: Filters) -> int:
        """The number of matches, from the share of a spread-out sample that matches.

        Not from the walk: the newest entries are no fair sample (a year, say
        "2019", is rarer in newer documents). The sample is every n-th candidate,
        or else entries from pages of the table picked at random (TABLESAMPLE,
        repeatable, so that a search shows the same estimate each time). A sample
        holding fewer than SAMPLE_MIN_HITS matches grows by SAMPLE_MORE entries:
        a rare share needs more entries for the same relative error.
        """
        if plan.candidates is not None:
            population = len(plan.candidates)
            phrases = [p for p in parsed.phrases if p.needs_positions]
        else:
            population = self._entry_count(filters)
            phrases = sorted(parsed.phrases, key=self._word_rows)
        if not population:
            return 0
        looked: set[int] = set()
        hits = 0
        for seed, size in enumerate((SAMPLE_ENTRIES, SAMPLE_MORE)):
            if seed and (hits >= SAMPLE_MIN_HITS or len(looked) >= population):
                break
            ids = [
                i for i in self._sample(plan, filters, population, size, seed) if i not in looked
            ]
            looked.update(ids)
            matched = self._having([(i,) for i in ids], phrases)
            hits += len(matched)
            plan.sample_hits.extend(row[ID] for row in matched)
        if len(looked) < SAMPLE_ENTRIES // 3 and plan.looked:
            # Narrow filters left too few entries to sample: the walk's share must do.
            return _significant(population * len(plan.newest) / plan.looked)
        return _significant(population * hits / len(looked)) if looked else 0

    def _sample(
        self, plan: _Plan, filters: Filters, population: int, size: int, seed: int
    ) -> list[int]:
        """About `size` entry ids spread over the candidates, or over the table."""
        if plan.candidates is not None:
            step = max(1.0, population / size)
            offset = step / 2 if seed else 0.0
            picks = {int(offset + i * step) for i in range(size)}
            return [plan.candidates[i][ID] for i in sorted(picks) if i < population]
        where, params = filters.sql()
        # SYSTEM picks whole pages; of the rows passing the filters, `percent` of
        # them come back on average.
        percent = min(100.0, 100.0 * size / population)
        rows = self._run(
            f"SELECT e.id FROM {ENTRY_TABLE} e TABLESAMPLE SYSTEM (%s) REPEATABLE (%s) "
            f"WHERE {where} LIMIT %s",
            [percent, seed, *params, 3 * size],
        )
        return [row[0] for row in rows]

    def _plan(self, parsed: ParsedQuery, filters: Filters, *, want: int = 0) -> _Plan:
        """How this search is answered: every match (exact), or a newest-first sample.

        * Some word is rare (at most HEAVY_ROWS index rows): the entries having
          every term of every word are read (GIN alone, with their facets). If no
          word is a phrase, or at most RECHECK_ENTRIES entries need their
          positions read, they are checked and the answer is exact; else a sample
          of them, newest first (`_walk`).
        * Every word is common: every entry would have to be read; a sample of all
          entries, newest first.

        Kept for the ranking of the same search, which follows the count or the
        facets; `want` is how many matches, newest first, the caller needs.
        """
        key = self._key(parsed, filters)
        plan = self._handoff.__dict__.get("plan")
        fresh = plan is not None and plan.key == key
        if not (fresh and time.monotonic() - plan.at < HANDOFF_SECONDS):
            plan = self._new_plan(parsed, filters, sample_all=self._is_heavy(parsed))
            self._handoff.plan = plan
        self._walk(plan, parsed, filters, want=want)
        if plan.gave_up:
            # Common words that seldom meet: their entries, read whole, are fewer
            # than walking all would take to find them.
            plan = self._new_plan(parsed, filters, sample_all=False)
            self._handoff.plan = plan
            self._walk(plan, parsed, filters, want=want)
        return plan

    def _new_plan(self, parsed: ParsedQuery, filters: Filters, *, sample_all: bool) -> _Plan:
        plan = _Plan(exact=False, total=0, newest=[], complete=False)
        plan.key, plan.at = self._key(parsed, filters), time.monotonic()
        if sample_all:
            return plan
        rows = self._candidates(parsed, filters)
        phrases = [p for p in parsed.phrases if p.needs_positions]
        if phrases and len(rows) > RECHECK_ENTRIES:
            plan.candidates = rows
            return plan
        rows = self._having(rows, phrases)
        plan.exact, plan.total, plan.complete = True, len(rows), True
        plan.newest = plan.rows = rows
        return plan

    @staticmethod
    def _key(parsed: ParsedQuery, filters: Filters) -> tuple:
        return (
            tuple(tuple((a.terms, a.prefix) for a in p.alternatives) for p in parsed.phrases),
            astuple(filters),
        )

    def count(self, parsed: ParsedQuery, filters: Filters) -> int:
        return self._plan(parsed, filters).total

    def known_total(self, parsed: ParsedQuery, filters: Filters) -> tuple[int, bool] | None:
        plan = self._handoff.__dict__.pop("settled", None)
        if plan is None or plan.key != self._key(parsed, filters):
            return None
        return plan.total, plan.exact

    def facet_counts(self, parsed: ParsedQuery, filters: Filters) -> FacetRows:
        """The facets of the plan's matches: exact when it read them all, else estimates.

        * An exact plan (`rows`), or a walk that reached every entry: exact.
        * A superset of candidates whose phrases are checked on a sample: the
          candidates' facets scaled to the estimated total (a share of each).
        * A sampled plan (every word common) whose words are one term each: GIN
          alone tells the matches; they are counted by the server per dimension
          (GROUPING SETS), not read row by row: exact, and the total with them.
        * A sampled plan with a phrase: the facets of the matches in the sample
          that estimated the total (`_estimate`), scaled to it: bounded work,
          where reading every entry having the phrase's terms took most of a
          results page (390 ms at 100,000 documents). The page says 约.
        """
        plan = self._plan(parsed, filters)
        if plan.rows is not None:
            counted = Counter(row[FACETS_FROM:] for row in plan.rows)
            return FacetRows([(*v, n) for v, n in counted.items()], total=plan.total)
        if plan.complete:
            ids = [row[ID] for row in plan.newest]
            return FacetRows(self._facets_of(ids, filters), total=plan.total, exact=plan.exact)
        if plan.candidates is not None:
            counted = Counter(row[FACETS_FROM:] for row in plan.candidates)
            rows = [(*v, n) for v, n in counted.items()]
            return scaled(rows, plan.total)
        if not any(p.needs_positions for p in parsed.phrases):
            # Words of one term each: GIN alone tells the matches, counted in SQL.
            rows = self._facets_of_terms(parsed, filters)
            plan.exact, plan.total = True, sum(row[-1] for row in rows if row[0] is not None)
            return FacetRows(rows, total=plan.total)
        ids = plan.sample_hits or [row[ID] for row in plan.newest]
        return scaled(self._facets_of(ids, filters), plan.total)

    def _grouping_sets(self) -> str:
        return ", ".join(
            "(" + ", ".join(f"e.{name}" for name in dimension) + ")"
            for dimension in FACET_DIMENSIONS
        )

    def _facets_of_terms(self, parsed: ParsedQuery, filters: Filters) -> list[tuple]:
        """Per-dimension facet rows of the entries having every term of every word
        (as `_candidates`, aggregated by the server instead of read row by row)."""
        where, params = filters.sql()
        columns = ", ".join(f"e.{name}" for name in FACET_FIELDS)
        scans = " INTERSECT ".join(
            f"SELECT entry_id FROM {CHUNK_TABLE} WHERE tsv @@ %s::tsquery" for _p in parsed.phrases
        )
        return self._run(
            f"SELECT {columns}, count(*) FROM {ENTRY_TABLE} e "
            f"WHERE e.id = ANY(ARRAY({scans})) AND {where} "
            f"GROUP BY GROUPING SETS ({self._grouping_sets()})",
            [*[terms_tsquery(p) for p in parsed.phrases], *params],
        )

    def _facets_of(self, ids: list[int], filters: Filters) -> list[tuple]:
        """Per-dimension facet rows of the entries `ids` (one statement, GROUPING SETS)."""
        if not ids:
            return []
        where, params = filters.sql()
        columns = ", ".join(f"e.{name}" for name in FACET_FIELDS)
        return self._run(
            f"SELECT {columns}, count(*) FROM {ENTRY_TABLE} e "
            f"WHERE e.id = ANY(%s) AND {where} GROUP BY GROUPING SETS ({self._grouping_sets()})",
            [list(ids), *params],
        )

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
        self, filters: Filters, doc_number: str, title_key: str
    ) -> dict[int, tuple[tuple, bool, bool]]:
        """Entries passing the filters whose 文号 or title is exactly the query, by
        their indexes: ``{id: ((id, date), 文号 equal, title equal)}``. Whether they
        match the query is for the caller to keep."""
        if not (doc_number or title_key):
            return {}
        where, params = filters.sql()
        number, title = doc_number or None, title_key or None
        rows = self._run(
            f"SELECT e.id, e.date, coalesce(e.doc_number = %s, false), "
            f"coalesce(e.title_key = %s, false) FROM {ENTRY_TABLE} e "
            f"WHERE (e.doc_number = %s OR e.title_key = %s) AND {where}",
            [number, title, number, title, *params],
        )
        return {row[ID]: (row[:2], row[2], row[3]) for row in rows}

    def _head_ranks(self, parsed: ParsedQuery) -> dict[int, float]:
        """Entries whose title or 文号 has one of the words, with that part's rank."""
        rows = self._run(
            f"SELECT entry_id, ts_rank(%s::float4[], tsv, %s::tsquery, {RANK_NORMALISATION}) "
            f"FROM {CHUNK_TABLE} WHERE seq = {HEAD_SEQ} AND tsv @@ %s::tsquery",
            [RANK_WEIGHTS, rank_tsquery(parsed), any_tsquery(parsed)],
        )
        return dict(rows)

    def _head_scores(self, ids: Iterable[int], parsed: ParsedQuery) -> dict[int, float]:
        """ts_rank of the title and 文号 alone (heads are small, kept in the row)."""
        ids = list(ids)
        if not ids:
            return {}
        rows = self._run(
            f"SELECT entry_id, ts_rank(%s::float4[], tsv, %s::tsquery, {RANK_NORMALISATION}) "
            f"FROM {CHUNK_TABLE} WHERE entry_id = ANY(%s) AND seq = {HEAD_SEQ} "
            "AND tsv @@ %s::tsquery",
            [RANK_WEIGHTS, rank_tsquery(parsed), ids, any_tsquery(parsed)],
            bitmap=False,
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
        total: int | None = None,
    ) -> list[int]:
        """As on SQLite, but only a capped candidate set is ranked (module docstring)."""
        end = offset + limit
        if limit <= 0:
            return []
        plan = self._plan(parsed, filters, want=end)
        # The plan serves this search only: the next one reads the index afresh.
        self._handoff.__dict__.clear()
        self._handoff.settled = plan
        if not plan.newest:
            return []
        if plan.rows is None:
            return self._sampled(plan, parsed, filters, offset, end, doc_number, title_key, by_date)
        rows = plan.rows
        if by_date:
            return self._by_date(rows, parsed, offset=offset, end=end)

        matched = {row[ID]: row for row in rows}
        found = self._pins(filters, doc_number, title_key)
        pins = {i: pin for i, pin in found.items() if i in matched}
        heads = {i: r for i, r in self._head_ranks(parsed).items() if i in matched}
        best_heads = heapq.nlargest(
            HEAD_CANDIDATES, heads, key=lambda i: (heads[i], _newest(matched[i]))
        )
        newest = {row[ID] for row in rows[:NEWEST_CANDIDATES]}
        candidates = set(pins) | set(best_heads) | newest
        ranked = _ranked(candidates, pins, self._scores(candidates, parsed), matched)
        if end <= len(ranked):
            return ranked[offset:end]
        # Past the ranked candidates: the other matches, newest first.
        rest = (row[ID] for row in rows if row[ID] not in candidates)
        return (ranked + list(itertools.islice(rest, end - len(ranked))))[offset:end]

    def _sampled(
        self,
        plan: _Plan,
        parsed: ParsedQuery,
        filters: Filters,
        offset: int,
        end: int,
        doc_number: str,
        title_key: str,
        by_date: bool,
    ) -> list[int]:
        """The ranking of a common query, from its newest matches (`_walk`).

        By date, they are the answer. Otherwise a pool is ranked: the first
        SAMPLED_CANDIDATES of them, up to HEAD_CANDIDATES title (or 文号)
        matches and the exact 文号/title matches, wherever these are. Pins come
        first, then title (or 文号) matches by their rank, then the newest. Past
        the pool, the other matches follow newest first, so that earlier pages
        never change.
        """
        newest = plan.newest
        if by_date:
            return [row[ID] for row in newest[offset:end]]
        # The same pool whatever page is asked for (`_walk` stops only once it is
        # known): the first SAMPLED_CANDIDATES matches within WALK_LOOKS entries.
        pool = {row[ID]: row for row in newest[: min(plan.early, SAMPLED_CANDIDATES)]}
        for row in self._title_matches(parsed, filters):
            pool.setdefault(row[ID], row)
        pins = self._pins(filters, doc_number, title_key)
        matching = self._having([pin[0] for pin in pins.values()], parsed.phrases)
        pins = {row[ID]: pins[row[ID]] for row in matching}
        pool.update({i: pin[0] for i, pin in pins.items()})
        ranked = _ranked(pool, pins, self._head_scores(pool, parsed), pool)
        if end > len(ranked):
            ranked += [row[ID] for row in newest if row[ID] not in pool]
        return ranked[offset:end]

    def _title_matches(self, parsed: ParsedQuery, filters: Filters) -> list[tuple]:
        """Up to HEAD_CANDIDATES matches having a word in their title or 文号
        (``(id, date)``): heads are small and have their own GIN index, and GIN
        hands them over in table order, so that the first few are read, not all."""
        heads = self._run(
            f"SELECT entry_id FROM {CHUNK_TABLE} WHERE seq = {HEAD_SEQ} "
            "AND tsv @@ %s::tsquery LIMIT %s",
            [any_tsquery(parsed), HEAD_CANDIDATES],
        )
        if not heads:
            return []
        where, params = filters.sql()
        rows = self._run(
            f"SELECT e.id, e.date FROM {ENTRY_TABLE} e WHERE e.id = ANY(%s) AND {where}",
            [[row[0] for row in heads], *params],
        )
        if len(parsed.phrases) > 1:  # the other words may be in the body
            rows = self._having(rows, parsed.phrases)
        return rows

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
