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
from .base import BODY_WEIGHT, ENTRY_TABLE, NUMBER_WEIGHT, TITLE_WEIGHT, Match, SearchBackend

FTS_TABLE = "search_fts"
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
            f"SELECT e.title FROM {ENTRY_TABLE} e JOIN {FTS_TABLE} ON {FTS_TABLE}.rowid = e.id "
            f"WHERE {FTS_TABLE} MATCH %s AND e.generation = %s "
            f"ORDER BY bm25({FTS_TABLE}) LIMIT %s",
            [query, generation, limit],
        )
        return [row[0] for row in rows]

    def match(self, parsed: ParsedQuery) -> Match:
        return Match(
            join=f"JOIN {FTS_TABLE} ON {FTS_TABLE}.rowid = e.id",
            where=f"{FTS_TABLE} MATCH %s",
            params=[fts_query(parsed)],
            # bm25 is lower-is-better; negate so that higher is better everywhere.
            score=f"-bm25({FTS_TABLE}, {TITLE_WEIGHT}, {NUMBER_WEIGHT}, {BODY_WEIGHT})",
        )
