"""SQLite FTS5 over CJK bigrams (the embedded default).

The FTS5 table is contentless (``content=''``): the original text lives in
`SearchEntry`, and the index holds only postings, which keeps it at about the
size the data README measured. A contentless table forgets what it indexed, so
removing a row means telling FTS5 the same terms again; they are recomputed
from the entry, which is why an entry records the `TERMS_VERSION` it was
indexed with and a change of the term rules requires ``manage.py reindex``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from django.db import connection

from ..highlight import words_pattern as _words_pattern
from ..models import SearchEntry
from ..text import TERMS_VERSION, ParsedQuery, Phrase, index_text, normalise
from .base import (
    BODY_WEIGHT,
    ENTRY_TABLE,
    FACET_FIELDS,
    NUMBER_WEIGHT,
    TITLE_WEIGHT,
    FacetRows,
    Filters,
    Match,
    SearchBackend,
    per_dimension_sql,
    scaled,
)

FTS_TABLE = "search_fts"
# How many of FTS5's best-scored matches are joined to their entries and ranked.
RANK_CANDIDATES = 1000
# A query with more matches than this is common: bm25 over every match (a word in
# 95% of 100,000 documents: 80 ms) gives way to a capped candidate set.
COMMON_MATCHES = 10_000
COMMON_CANDIDATES = 1000
# Facets: up to this many matches every one is counted; beyond, a sample of about
# FACET_SAMPLE of them (`facet_counts`).
FACET_EXACT_MATCHES = 4_000
FACET_SAMPLE = 2_000
# ...and the newest title (or 文号) matches among them, wherever they are.
TITLE_CANDIDATES = 200
# prefix='1': a second index of every term by its first character, so that a word
# ending in one CJK character (险, 2019年: the last term is a prefix) reads one
# list instead of merging those of every term beginning with it (10x faster;
# the index grows by about 60%).
CREATE_SQL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "title, number, body, content='', detail=full, prefix='1', "
    "tokenize='unicode61 remove_diacritics 0')"
)
# Titles and 文号 alone, for a common word's title matches: in the whole index,
# finding the few titles among 40,000 bodies holding a phrase reads every one.
HEAD_TABLE = "search_fts_head"
CREATE_HEAD_SQL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {HEAD_TABLE} USING fts5("
    "title, number, content='', detail=full, prefix='1', "
    "tokenize='unicode61 remove_diacritics 0')"
)
# The entries' short columns, for counting and grouping a common word's matches
# without reading each entry's page (migration 0005 creates it; 3x faster).
FACET_INDEX = "search_entry_facets"
FACET_INDEX_SQL = (
    f"CREATE INDEX IF NOT EXISTS {FACET_INDEX} ON {ENTRY_TABLE} "
    "(id, generation, kind, section_id, year, validity, topic, department, column_path, section)"
)


def entry_columns(entry: SearchEntry) -> tuple[str, str, str]:
    """The three indexed columns of an entry, as term strings."""
    body = "\n".join(part for part in (entry.summary, entry.body, entry.extra) if part)
    return index_text(entry.title), index_text(entry.doc_number), index_text(body)


def _fts_single(p: Phrase) -> str:
    quoted = '"' + " ".join(p.terms) + '"'
    return quoted + " *" if p.prefix else quoted


def fts_phrase(p: Phrase) -> str:
    """A query word as an FTS5 phrase; with synonyms, any of its alternatives."""
    if not p.synonyms:
        return _fts_single(p)
    return "(" + " OR ".join(_fts_single(a) for a in p.alternatives) + ")"


def fts_query(parsed: ParsedQuery) -> str:
    return " AND ".join(fts_phrase(p) for p in parsed.phrases)


class SQLiteBackend(SearchBackend):
    vendor = "sqlite"

    def add(self, entries: Sequence[SearchEntry]) -> None:
        rows = [(entry.pk, *entry_columns(entry)) for entry in entries]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE}(rowid, title, number, body) VALUES (%s, %s, %s, %s)",
                rows,
            )
            cursor.executemany(
                f"INSERT INTO {HEAD_TABLE}(rowid, title, number) VALUES (%s, %s, %s)",
                [row[:3] for row in rows],
            )

    def remove(self, entries: Sequence[SearchEntry]) -> None:
        # Telling FTS5 terms it did not index for a row would corrupt its counts; an
        # entry indexed under other term rules leaves its postings behind instead.
        # They point at a row id that no longer exists (SQLite never reuses them
        # here), so every query's join drops them, until `reindex` clears them.
        current = [entry for entry in entries if entry.terms_version == TERMS_VERSION]
        rows = [(entry.pk, *entry_columns(entry)) for entry in current]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, number, body) "
                "VALUES ('delete', %s, %s, %s, %s)",
                rows,
            )
            cursor.executemany(
                f"INSERT INTO {HEAD_TABLE}({HEAD_TABLE}, rowid, title, number) "
                "VALUES ('delete', %s, %s, %s)",
                [row[:3] for row in rows],
            )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            for table in (FTS_TABLE, HEAD_TABLE):
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('delete-all')")

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            for table in (FTS_TABLE, HEAD_TABLE):
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
            # Planner statistics for the entries (a rebuilt table has none).
            cursor.execute(f"ANALYZE {ENTRY_TABLE}")

    def size_bytes(self) -> int | None:
        try:
            rows = self._run("SELECT sum(pgsize) FROM dbstat WHERE name LIKE %s", [f"{FTS_TABLE}%"])
        except Exception:  # dbstat is an optional compile-time module
            return None
        return rows[0][0]

    def title_candidates(self, parsed: ParsedQuery, generation: int, *, limit: int) -> list[str]:
        terms = sorted({t for p in parsed.phrases for a in p.alternatives for t in a.terms})[:64]
        if not terms:
            return []
        query = "title : (" + " OR ".join(f'"{term}"' for term in terms) + ")"
        rows = self._run(
            f"SELECT e.title FROM {FTS_TABLE} CROSS JOIN {ENTRY_TABLE} e "
            f"ON e.id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH %s AND e.generation = %s "
            f"ORDER BY bm25({FTS_TABLE}) LIMIT %s",
            [query, generation, limit],
        )
        return [row[0] for row in rows]

    def count(self, parsed: ParsedQuery, filters: Filters) -> int:
        query = fts_query(parsed)
        if filters.is_plain() and _single_generation():
            # Nothing to filter: FTS5 counts its matches without touching the rows.
            return self._run(
                f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [query]
            )[0][0]
        where, params = filters.sql()
        return self._run(
            f"SELECT count(*) FROM {self._short_source()} WHERE {FTS_TABLE} MATCH %s AND {where}",
            [query, *params],
        )[0][0]

    def facet_counts(self, parsed: ParsedQuery, filters: Filters) -> FacetRows:
        """Per facet dimension, over the matches read once from the covering index.

        Up to FACET_EXACT_MATCHES matches every one is counted (exact). Beyond, a
        word in a large share of the corpus, counting every match would cost more
        than the whole search may (each is looked up in the entries' index: 3 µs
        a match, 150 ms for a word in half of 100,000 documents). A systematic
        sample is counted instead, every n-th entry id among the matches (FTS5
        yields them in id order, and only the sample is looked up), about
        FACET_SAMPLE of them, and scaled to the exact total: estimates, which the
        page marks 约, as PostgreSQL's estimated totals. The total stays exact.
        """
        query = fts_query(parsed)
        where, params = filters.sql()
        total = self.count(parsed, filters)
        step = 1 if total <= FACET_EXACT_MATCHES else math.ceil(total / FACET_SAMPLE)
        columns = ", ".join(f"e.{name}" for name in FACET_FIELDS)
        sample = f" AND ({FTS_TABLE}.rowid %% {step}) = 0" if step > 1 else ""
        source = (
            f"SELECT {columns} FROM {self._short_source()} "
            f"WHERE {FTS_TABLE} MATCH %s AND {where}{sample}"
        )
        rows = self._run(per_dimension_sql(source), [query, *params])
        if step == 1:
            return FacetRows(rows, total=total)
        return scaled(rows, total)

    @staticmethod
    def _short_source() -> str:
        # FTS5 first (see match()); the entries through FACET_INDEX, which holds
        # every column that counting, grouping and the filters read. SQLite would
        # otherwise look each match up in the table, a page per entry.
        return (
            f"{FTS_TABLE} CROSS JOIN {ENTRY_TABLE} e INDEXED BY {FACET_INDEX} "
            f"ON e.id = {FTS_TABLE}.rowid"
        )

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
        """Rank a capped candidate set, never every match of a common word.

        * Up to `COMMON_MATCHES` matches: FTS5 scores every match with bm25 in C
          without reading the entries, and only its best `RANK_CANDIDATES` are
          joined to their entries for the filters and the tie-break.
        * More (a word in most documents, where bm25's idf is nil anyway, and
          scoring every match costs more than the rest of the search): the
          `COMMON_CANDIDATES` most recently indexed matches passing the filters,
          and the `TITLE_CANDIDATES` most recently indexed title (or 文号)
          matches, are the candidates, ranked by how many of the words their
          title or 文号 holds, then newest first (`_common`).

        Common or not is decided by the matches before the filters (what FTS5
        would score). Exact 文号/title matches are found by their indexes and put
        first. When bm25's candidates cannot fill the page asked for (deep pages,
        narrow filters), and by date, base.py's query orders every match; by
        date, a common word walks the entries newest first instead.
        """

        def full() -> list[int]:  # base.py: every match ordered in SQL
            return SearchBackend.ranked_ids(
                self,
                parsed,
                filters,
                limit=limit,
                offset=offset,
                doc_number=doc_number,
                title_key=title_key,
                by_date=by_date,
            )

        query = fts_query(parsed)
        common = self._is_common(query, total if filters.is_plain() else None)
        if by_date:
            if common and not any(a.prefix for p in parsed.phrases for a in p.alternatives):
                return self._newest(query, filters, limit=limit, offset=offset)
            return full()
        where, params = filters.sql()
        if common:
            pinned = self._pinned(query, where, params, doc_number, title_key)
            return self._common(parsed, query, where, params, pinned, end=offset + limit)[offset:]
        if offset + limit > RANK_CANDIDATES // 2:
            return full()
        pinned = self._pinned(query, where, params, doc_number, title_key)
        rows = self._run(
            f"SELECT top.id FROM (SELECT rowid AS id, {self._bm25()} AS score FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s ORDER BY score LIMIT %s) top "
            f"JOIN {ENTRY_TABLE} e ON e.id = top.id WHERE {where} "
            "ORDER BY top.score, e.date DESC, e.id DESC",
            [query, RANK_CANDIDATES, *params],
        )
        pinned_set = set(pinned)
        ranked = pinned + [row[0] for row in rows if row[0] not in pinned_set]
        if len(ranked) < offset + limit:
            # Short of the page: complete only if the candidates were every match.
            capped = self._run(
                f"SELECT count(*) FROM (SELECT rowid FROM {FTS_TABLE} "
                f"WHERE {FTS_TABLE} MATCH %s LIMIT %s)",
                [query, RANK_CANDIDATES + 1],
            )[0][0]
            if capped > RANK_CANDIDATES:
                return full()
        return ranked[offset : offset + limit]

    def _is_common(self, query: str, total: int | None) -> bool:
        """More than COMMON_MATCHES matches (counted up to there if not known).

        FTS5 stops counting at the limit, so this costs little even for a common word.
        """
        if total is None:
            total = self._run(
                f"SELECT count(*) FROM (SELECT rowid FROM {FTS_TABLE} "
                f"WHERE {FTS_TABLE} MATCH %s LIMIT %s)",
                [query, COMMON_MATCHES + 1],
            )[0][0]
        return total > COMMON_MATCHES

    def _pinned(
        self, query: str, where: str, params: list, doc_number: str, title_key: str
    ) -> list[int]:
        """Matches whose 文号, then whose title, is exactly the query (by their indexes)."""
        if not (doc_number or title_key):
            return []
        # Never compare with an empty value: most entries have no 文号.
        number, title = doc_number or "\x00", title_key or "\x00"
        rows = self._run(
            f"SELECT e.id, e.doc_number = %s, e.title_key = %s FROM {ENTRY_TABLE} e "
            f"WHERE (e.doc_number = %s OR e.title_key = %s) AND {where}",
            [number, title, number, title, *params],
        )
        if rows:  # now keep those the query matches
            ids = [row[0] for row in rows]
            marks = ", ".join(["%s"] * len(ids))
            matching = self._run(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid IN ({marks})",
                [query, *ids],
            )
            keep = {row[0] for row in matching}
            rows = [row for row in rows if row[0] in keep]
        rows.sort(key=lambda row: (row[1], row[2], row[0]), reverse=True)
        return [row[0] for row in rows]

    def _common(
        self,
        parsed: ParsedQuery,
        query: str,
        where: str,
        params: list,
        pinned: list[int],
        *,
        end: int,
    ) -> list[int]:
        """The first `end` results of a common word: a capped candidate set, ranked.

        The candidates are the COMMON_CANDIDATES newest matches (FTS5 yields them
        newest row first and stops there) and the TITLE_CANDIDATES newest title
        (or 文号) matches, both passing the filters, so the work is bounded
        whatever the word. They are ranked by how many of the query's words the
        title (or 文号) holds, then newest first. Past them (a page beyond the
        candidates), matches follow in the order FTS5 gives them, so that earlier
        pages never change.
        """
        source = self.match(parsed).source
        sql = (
            f"SELECT e.id, e.title, e.doc_number, e.date FROM {source} "
            f"WHERE {FTS_TABLE} MATCH %s AND {where} ORDER BY {FTS_TABLE}.rowid DESC LIMIT %s"
        )
        rows = self._run(sql, [query, *params, max(COMMON_CANDIDATES, end)])
        titled = self._title_matches(parsed, query, where, params)
        # One pattern per word, finding any of its alternatives (synonyms).
        patterns = [_words_pattern([a.word for a in p.alternatives]) for p in parsed.phrases]

        def key(row: tuple) -> tuple:
            head = normalise(f"{row[1]}\n{row[2]}")
            hits = sum(1 for pattern in patterns if pattern and pattern.search(head))
            return (hits, row[3] is not None, row[3] or date.min, row[0])

        pinned_set = set(pinned)
        pool = {row[0]: row for row in [*rows[:COMMON_CANDIDATES], *titled]}
        candidates = [row for i, row in pool.items() if i not in pinned_set]
        candidates.sort(key=key, reverse=True)
        taken = pinned_set | pool.keys()
        rest = [row[0] for row in rows[COMMON_CANDIDATES:] if row[0] not in taken]
        return (pinned + [row[0] for row in candidates] + rest)[:end]

    def _title_matches(
        self, parsed: ParsedQuery, query: str, where: str, params: list
    ) -> list[tuple]:
        """The newest matches with a word in their title or 文号, from the small
        title index: TITLE_CANDIDATES of them; with several words, a quarter as
        many, as the other words are then checked in the whole index (FTS5 looks
        each row up on its own, 80 µs a row)."""
        heads = " OR ".join(f"({fts_phrase(p)})" for p in parsed.phrases)
        limit = TITLE_CANDIDATES if len(parsed.phrases) == 1 else TITLE_CANDIDATES // 4
        rows = self._run(
            f"SELECT e.id, e.title, e.doc_number, e.date FROM {HEAD_TABLE} CROSS JOIN "
            f"{ENTRY_TABLE} e ON e.id = {HEAD_TABLE}.rowid WHERE {HEAD_TABLE} MATCH %s "
            f"AND {where} ORDER BY {HEAD_TABLE}.rowid DESC LIMIT %s",
            [heads, *params, limit],
        )
        if len(parsed.phrases) > 1 and rows:
            marks = ", ".join(["%s"] * len(rows))
            matching = self._run(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid IN ({marks})",
                [query, *[row[0] for row in rows]],
            )
            keep = {row[0] for row in matching}
            rows = [row for row in rows if row[0] in keep]
        return rows

    def _newest(self, query: str, filters: Filters, *, limit: int, offset: int) -> list[int]:
        """A common word by date: walk the entries newest first, asking FTS5 of each.

        Most entries match, so the page fills after a few lookups by row id
        (cheap unless a word ends in a prefix, which by_date leaves to base.py).
        """
        where, params = filters.sql()
        rows = self._run(
            f"SELECT e.id FROM {ENTRY_TABLE} e INDEXED BY search_entry_gen_date "
            f"WHERE {where} AND EXISTS (SELECT 1 FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rowid = e.id) "
            "ORDER BY e.date DESC, e.id DESC LIMIT %s OFFSET %s",
            [*params, query, limit, offset],
        )
        return [row[0] for row in rows]

    @staticmethod
    def _bm25() -> str:
        return f"bm25({FTS_TABLE}, {TITLE_WEIGHT}, {NUMBER_WEIGHT}, {BODY_WEIGHT})"

    def match(self, parsed: ParsedQuery) -> Match:
        return Match(
            join="",
            # CROSS JOIN keeps FTS5 as the outer loop even before ANALYZE has run;
            # the other way round, every entry would be looked up in FTS5.
            source=f"{FTS_TABLE} CROSS JOIN {ENTRY_TABLE} e ON e.id = {FTS_TABLE}.rowid",
            where=f"{FTS_TABLE} MATCH %s",
            params=[fts_query(parsed)],
            # bm25 is lower-is-better; negate so that higher is better everywhere.
            score=f"-bm25({FTS_TABLE}, {TITLE_WEIGHT}, {NUMBER_WEIGHT}, {BODY_WEIGHT})",
        )


def _single_generation() -> bool:
    """No rebuild under way, so every index row belongs to the current generation."""
    from ..models import SearchState

    state = SearchState.objects.filter(pk=1).values_list("building", flat=True).first()
    return state is None
