"""Reads of the search index: the results page, the API and the admin use these."""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.safestring import SafeString

from gongkai.core.docnumber import DocNumberError, normalise_doc_number

from .backends import get_backend
from .backends.base import FACET_FIELDS, Filters
from .highlight import MAX_SCAN_CHARS, highlight, snippet, spans, squash
from .models import SearchEntry, SearchState
from .registry import kind_labels
from .services import title_key
from .synonyms import expand
from .text import ParsedQuery, parse_query

PER_PAGE = 20
MAX_PAGE = 50  # deeper pages are not useful and cost ranking work
SUGGEST_MIN_RATIO = 0.5
# How much of a body is searched for the snippet before the rest of it.
SNIPPET_SCAN_CHARS = 8_000


@dataclass
class Hit:
    entry: SearchEntry
    title: SafeString
    snippet: SafeString
    kind_label: str


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    exact: bool = True  # False: estimated from a sample of the matches (约)


@dataclass
class SearchResults:
    query: str
    parsed: ParsedQuery
    filters: Filters
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = PER_PAGE
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestion: str = ""
    by_date: bool = False
    # False when `total` is an estimate (PostgreSQL, for very common words).
    total_exact: bool = True

    @property
    def expansions(self) -> list[str]:
        """Synonyms searched besides the words typed (同时搜索了…)."""
        return self.parsed.expansions

    @property
    def pages(self) -> int:
        return min(MAX_PAGE, max(1, -(-self.total // self.per_page)))


def current_generation() -> int:
    state = SearchState.objects.filter(pk=1).only("current").first()
    return state.current if state else 1


def exact_doc_number(query: str) -> str:
    """The query as a normalised 文号, if it is one (any bracket form)."""
    try:
        return normalise_doc_number(query.strip())
    except (DocNumberError, ValueError):
        return ""


def _facets(rows: list[tuple], *, exact: bool = True) -> dict[str, list[FacetValue]]:
    """Facet values with counts, from rows of ``(*FACET_FIELDS, count)`` (a field
    that is None is not counted by its row); `exact` False marks them estimates."""
    columns = {name: index for index, name in enumerate(FACET_FIELDS)}
    kinds = kind_labels()
    counters: dict[str, Counter] = {name: Counter() for name in FACET_FIELDS}
    sections: Counter = Counter()
    for row in rows:
        count = row[-1]
        for name, index in columns.items():
            if row[index] not in (None, ""):
                counters[name][row[index]] += count
        if row[columns["section_id"]]:
            sections[(row[columns["section_id"]], row[columns["section"]])] += count

    facets: dict[str, list[FacetValue]] = {}
    facets["kind"] = [
        FacetValue(k, str(kinds.get(k, k)), n, exact) for k, n in counters["kind"].most_common()
    ]
    facets["section"] = [
        FacetValue(str(section_id), label, n, exact)
        for (section_id, label), n in sorted(sections.items(), key=lambda item: -item[1])
    ]
    for name in ("topic", "department", "validity"):
        facets[name] = [FacetValue(v, v, n, exact) for v, n in counters[name].most_common()]
    facets["year"] = [
        FacetValue(str(y), str(y), n, exact)
        for y, n in sorted(counters["year"].items(), reverse=True)
    ]
    return facets


def suggest(parsed: ParsedQuery, filters: Filters) -> str:
    """A title close to the query, for a query that found nothing ("did you mean")."""
    if not parsed:
        return ""
    candidates = get_backend().title_candidates(parsed, filters.generation, limit=30)
    query = "".join(parsed.text.split())
    best, best_ratio = "", 0.0
    for title in candidates:
        key = title_key(title)
        # Compare with the part of the title the query might have meant.
        ratio = max(
            difflib.SequenceMatcher(None, query, key).ratio(),
            difflib.SequenceMatcher(None, query, key[: len(query) + 2]).ratio(),
        )
        if ratio > best_ratio:
            best, best_ratio = title, ratio
    return best if best_ratio >= SUGGEST_MIN_RATIO else ""


def entry_snippet(entry: SearchEntry, parsed: ParsedQuery) -> SafeString:
    """Cut the snippet where the words are: the body, else the summary, else the
    summary's (or body's) beginning.

    A long body is read in two steps: its first SNIPPET_SCAN_CHARS characters,
    and the rest (up to MAX_SCAN_CHARS) only if they lack one of the words.
    """
    wanted = len(parsed.phrases)
    for candidate in (entry.body, entry.summary):
        found: list[tuple[int, int]] = []
        for limit in (SNIPPET_SCAN_CHARS, MAX_SCAN_CHARS):
            text = squash(candidate[:limit])
            found = spans(text, parsed.marked_words) if text else []
            complete = len(candidate) <= limit
            if complete or len({text[s:e].casefold() for s, e in found}) >= wanted:
                break
        if found:
            return snippet(text, parsed, found=found)
    return snippet(squash((entry.summary or entry.body)[:MAX_SCAN_CHARS]), parsed, found=[])


def search(
    query: str,
    *,
    filters: Filters | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
    by_date: bool = False,
    facets: bool = True,
    synonyms: bool = True,
) -> SearchResults:
    """Search the published index. An empty or unusable query finds nothing (no error).

    A word with synonyms (`synonyms.expand`) matches where any of them does; the
    results say which were searched (`SearchResults.expansions`).
    """
    filters = filters or Filters()
    filters.generation = current_generation()
    parsed = expand(parse_query(query)) if synonyms else parse_query(query)
    page = max(1, min(page, MAX_PAGE))
    results = SearchResults(
        query=query, parsed=parsed, filters=filters, page=page, per_page=per_page, by_date=by_date
    )
    if not parsed:
        return results
    backend = get_backend()
    if facets:
        rows = backend.facet_counts(parsed, filters)
        total = getattr(rows, "total", None)
        results.total = total if total is not None else sum(row[-1] for row in rows)
        results.facets = _facets(rows, exact=getattr(rows, "exact", True))
    else:
        results.total = backend.count(parsed, filters)
    if results.total == 0:
        results.suggestion = suggest(parsed, filters)
        return results
    ids = backend.ranked_ids(
        parsed,
        filters,
        limit=per_page,
        offset=(page - 1) * per_page,
        doc_number=exact_doc_number(query),
        title_key=title_key(query),
        by_date=by_date,
        total=results.total,
    )
    known = backend.known_total(parsed, filters)
    if known is not None:
        results.total, results.total_exact = known
    entries = SearchEntry.objects.in_bulk(ids)
    labels = kind_labels()
    now = timezone.now()
    for entry_id in ids:
        entry = entries.get(entry_id)
        if entry is None:  # dropped between the two queries
            continue
        if entry.expires_at is not None and entry.expires_at <= now:
            continue  # expired since the last sweep (services.drop_expired)
        results.hits.append(
            Hit(
                entry=entry,
                title=highlight(entry.title, parsed),
                snippet=entry_snippet(entry, parsed),
                kind_label=str(labels.get(entry.kind, entry.kind)),
            )
        )
    return results
