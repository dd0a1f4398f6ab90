"""SQLite FTS5 over CJK bigrams (the embedded default).

The FTS5 table is contentless (``content=''``): the original text lives in
`SearchEntry`, and the index holds only postings, which keeps it at about the
size the data README measured. A contentless table forgets what it indexed, so
removing a row means telling FTS5 the same terms again; they are recomputed
from the entry, which is why an entry records the `TERMS_VERSION` it was
indexed with and a change of the term rules requires ``manage.py reindex``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from ..models import SearchEntry
from ..text import TERMS_VERSION, ParsedQuery, Phrase, index_text
from .base import (
    BODY_WEIGHT,
    ENTRY_TABLE,
    NUMBER_WEIGHT,
    TITLE_WEIGHT,
    Filters,
    Match,
    SearchBackend,
)

FTS_TABLE = "search_fts"
# How many of FTS5's best-scored matches are joined to their entries and ranked.
RANK_CANDIDATES = 1000
CREATE_SQL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "title, number, body, content='', detail=full, "
    "tokenize='unicode61 remove_diacritics 0')"
)


def entry_columns(entry: SearchEntry) -> tuple[str, str, str]:
    """The three indexed columns of an entry, as term strings."""
    body = "\n".join(part for part in (entry.summary, entry.body, entry.extra) if part)
    return index_text(entry.title), index_text(entry.doc_number), index_text(body)


def fts_phrase(p: Phrase) -> str:
    quoted = '"' + " ".join(p.terms) + '"'
    return quoted + " *" if p.prefix else quoted


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

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
            # Planner statistics for the entries (a rebuilt table has none).
            cursor.execute(f"ANALYZE {ENTRY_TABLE}")

    def size_bytes(self) -> int | None:
        try:
            rows = self._run("SELECT sum(pgsize) FROM dbstat WHERE name LIKE %s", [f"{FTS_TABLE}%"])
        except Exception:  # dbstat is an optional compile-time module
            return None
        return rows[0][0]

    def title_candidates(self, parsed: ParsedQuery, generation: int, *, limit: int) -> list[str]:
        terms = sorted({term for p in parsed.phrases for term in p.terms})[:64]
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
        if filters.is_plain() and _single_generation():
            # Nothing to filter: FTS5 counts its matches without touching the rows.
            return self._run(
                f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",
                [fts_query(parsed)],
            )[0][0]
        return super().count(parsed, filters)

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
        """Rank a capped candidate set: FTS5's best-scored matches, then the filters.

        FTS5 scores every match in C without reading the entries; only the best
        RANK_CANDIDATES are joined to their entries for the filters and the
        tie-break. Exact 文号/title matches are found by their indexes and put
        first. When the filters leave too few candidates for the page asked for,
        or by date, every match is ranked (base.py).
        """
        full = super().ranked_ids
        kwargs = {"limit": limit, "offset": offset, "doc_number": doc_number}
        kwargs.update(title_key=title_key, by_date=by_date)
        if by_date or offset + limit > RANK_CANDIDATES // 2:
            return full(parsed, filters, **kwargs)
        query = fts_query(parsed)
        where, params = filters.sql()
        pinned: list[int] = []
        if doc_number or title_key:
            # Never compare with an empty value: most entries have no 文号.
            number, title = doc_number or "\x00", title_key or "\x00"
            rows = self._run(
                f"SELECT e.id, e.doc_number = %s, e.title_key = %s FROM {ENTRY_TABLE} e "
                f"WHERE (e.doc_number = %s OR e.title_key = %s) AND {where}",
                [number, title, number, title, *params],
            )
            if rows:  # by their indexes; now keep those the query matches
                ids = [row[0] for row in rows]
                marks = ", ".join(["%s"] * len(ids))
                matching = self._run(
                    f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
                    f"AND rowid IN ({marks})",
                    [query, *ids],
                )
                keep = {row[0] for row in matching}
                rows = [row for row in rows if row[0] in keep]
            rows.sort(key=lambda row: (row[1], row[2], row[0]), reverse=True)
            pinned = [row[0] for row in rows]
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
                return full(parsed, filters, **kwargs)
        return ranked[offset : offset + limit]

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
