"""The interface a full-text backend implements, and the SQL they share.

A backend keeps a full-text index over `SearchEntry` rows (keyed by entry id)
and answers three questions for a parsed query and a set of filters: how many
entries match, what their facet values are, and which ones rank first. The
shared implementations below need only :meth:`SearchBackend.match`, a SQL
fragment joined to ``search_searchentry e``; a backend may override any of
them (PostgreSQL bounds its ranking work that way).

All SQL uses Django's ``%s`` parameters; query terms are letters and digits only
(`text.Phrase`), and are passed as parameters all the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection

from ..models import SearchEntry
from ..text import ParsedQuery

ENTRY_TABLE = SearchEntry._meta.db_table
FACET_FIELDS = ("kind", "section_id", "section", "topic", "department", "year", "validity")

# The facet dimensions counted one by one (a section is its id and title together).
FACET_DIMENSIONS = (
    ("kind",),
    ("section_id", "section"),
    ("topic",),
    ("department",),
    ("year",),
    ("validity",),
)


class FacetRows(list):
    """Rows of ``(*FACET_FIELDS, count)``, as `SearchBackend.facet_counts` returns them.

    A row counts the fields it has; a field it leaves None it does not count (a
    backend may count dimension by dimension). `total` is the number of matches
    when the rows do not add up to it (None: their sum). `exact` is False when the
    counts are estimates from a sample of the matches (the page says 约).
    """

    def __init__(self, rows=(), *, total: int | None = None, exact: bool = True):
        super().__init__(rows)
        self.total = total
        self.exact = exact


def significant(value: float, digits: int = 2) -> int:
    """An estimate rounded to the digits a sample of a few thousand supports."""
    if value < 100:
        return round(value)
    scale = 10 ** (len(str(int(value))) - digits)
    return int(round(value / scale) * scale)


def per_dimension_sql(source: str) -> str:
    """Count every facet dimension of the rows of `source` (a SELECT of FACET_FIELDS)
    in one statement: the matches are read once, each dimension grouped on its own,
    so the result has a row per facet value, not per combination of values."""
    parts = []
    for dimension in FACET_DIMENSIONS:
        columns = ", ".join(name if name in dimension else "NULL" for name in FACET_FIELDS)
        parts.append(f"SELECT {columns}, count(*) FROM m GROUP BY {', '.join(dimension)}")
    return f"WITH m AS MATERIALIZED ({source}) " + " UNION ALL ".join(parts)


def scaled(rows: list[tuple], total: int) -> FacetRows:
    """Per-dimension rows counted over a sample, scaled to `total` matches (estimates).

    The sample's size is what its first dimension (kind, which every entry has)
    adds up to. A value seen in the sample counts at least 1.
    """
    sampled = sum(row[-1] for row in rows if row[0] is not None)
    if not sampled:
        return FacetRows([], total=total, exact=False)
    factor = total / sampled
    out = [(*row[:-1], max(1, significant(row[-1] * factor))) for row in rows]
    return FacetRows(out, total=total, exact=False)


# Title over 文号 over body (and the metadata indexed with it).
TITLE_WEIGHT = 10.0
NUMBER_WEIGHT = 8.0
BODY_WEIGHT = 1.0


@dataclass
class Filters:
    """What the searcher narrowed the results to. Empty means everything."""

    generation: int = 1
    kind: str = ""
    column_path: str = ""  # search within a column: its page path, descendants included
    section_id: int | None = None
    topic: str = ""
    department: str = ""
    validity: str = ""
    year_from: int | None = None
    year_to: int | None = None

    def is_plain(self) -> bool:
        """Nothing narrows the results but the generation."""
        return not (
            self.kind
            or self.column_path
            or self.section_id is not None
            or self.topic
            or self.department
            or self.validity
            or self.year_from is not None
            or self.year_to is not None
        )

    def sql(self) -> tuple[str, list]:
        clauses = ["e.generation = %s"]
        params: list = [self.generation]
        for name in ("kind", "topic", "department", "validity"):
            value = getattr(self, name)
            if value:
                clauses.append(f"e.{name} = %s")
                params.append(value)
        if self.section_id is not None:
            clauses.append("e.section_id = %s")
            params.append(self.section_id)
        if self.column_path:
            clauses.append("e.column_path LIKE %s")
            params.append(self.column_path.replace("%", "").replace("_", "") + "%")
        if self.year_from is not None:
            clauses.append("e.year >= %s")
            params.append(self.year_from)
        if self.year_to is not None:
            clauses.append("e.year <= %s")
            params.append(self.year_to)
        return " AND ".join(clauses), params


@dataclass
class Match:
    """How an engine restricts ``search_searchentry e`` to the query's matches."""

    join: str
    where: str
    params: list = field(default_factory=list)
    score: str = "0"  # higher is better
    score_params: list = field(default_factory=list)
    # The FROM clause; by default the entries joined to `join`. A backend may put
    # its index first to fix the join order.
    source: str = ""

    def from_clause(self) -> str:
        return self.source or f"{ENTRY_TABLE} e {self.join}"


class SearchBackend:
    vendor = ""

    # --- index maintenance ---------------------------------------------------
    def add(self, entries: Sequence[SearchEntry]) -> None:
        """Index saved entries (their index rows must not exist yet)."""
        raise NotImplementedError

    def remove(self, entries: Sequence[SearchEntry]) -> None:
        """Drop the index rows of entries, as they were indexed (call before changing them)."""
        raise NotImplementedError

    def clear(self) -> None:
        """Drop every index row (tests, and a full rebuild from nothing)."""
        raise NotImplementedError

    def size_bytes(self) -> int | None:
        """Disk used by the full-text index, if the engine can tell."""
        return None

    # --- queries ---------------------------------------------------------------
    def title_candidates(self, parsed: ParsedQuery, generation: int, *, limit: int) -> list[str]:
        """Titles sharing terms with the query, best first ("did you mean")."""
        return []

    def match(self, parsed: ParsedQuery) -> Match:
        raise NotImplementedError

    def _run(self, sql: str, params: list) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def count(self, parsed: ParsedQuery, filters: Filters) -> int:
        m = self.match(parsed)
        where, params = filters.sql()
        sql = f"SELECT count(*) FROM {m.from_clause()} WHERE {m.where} AND {where}"
        return self._run(sql, m.params + params)[0][0]

    def known_total(self, parsed: ParsedQuery, filters: Filters) -> tuple[int, bool] | None:
        """After a search's ranking: its number of matches and whether that is exact,
        if the backend estimated it (None: the count or facets given were exact)."""
        return None

    def facet_counts(self, parsed: ParsedQuery, filters: Filters) -> list[tuple]:
        """The matches' facet values with their counts: ``(*FACET_FIELDS, count)`` rows
        (a `FacetRows` when they are counted per dimension or estimated).

        Here: grouped by all of FACET_FIELDS at once.

        One grouped query instead of a row per match: a common word matches most of
        the corpus, and the distinct combinations of facet values are few.
        """
        m = self.match(parsed)
        where, params = filters.sql()
        columns = ", ".join(f"e.{name}" for name in FACET_FIELDS)
        sql = (
            f"SELECT {columns}, count(*) FROM {m.from_clause()} "
            f"WHERE {m.where} AND {where} GROUP BY {columns}"
        )
        return self._run(sql, m.params + params)

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
        """Entry ids in result order: exact 文号, exact title, relevance, recency.

        With `by_date`, newest first (relevance breaks ties). `total` is the number
        of matches if the caller knows it (a backend may bound its work by it).
        """
        m = self.match(parsed)
        where, params = filters.sql()
        pins = "(e.doc_number = %s) DESC, (e.title_key = %s) DESC"
        if by_date:
            order = f"e.date DESC, {m.score} DESC, e.id DESC"
            order_params = m.score_params
        else:
            order = f"{pins}, {m.score} DESC, e.date DESC, e.id DESC"
            order_params = [doc_number or "\x00", title_key or "\x00", *m.score_params]
        sql = (
            f"SELECT e.id FROM {m.from_clause()} WHERE {m.where} AND {where} "
            f"ORDER BY {order} LIMIT %s OFFSET %s"
        )
        rows = self._run(sql, m.params + params + order_params + [limit, offset])
        return [row[0] for row in rows]
