"""Browsing the public catalogue: filters and pagination.

Everything here is pure over a queryset of public records (see
``selectors.public_records``): it never widens what the public may see. Query
parameters come from anyone, so junk (``?year=abc&topic=999999&page=-1``) is
ignored rather than turned into an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.http import Http404

from gongkai.org.models import Department

from .choices import DisclosureItem, Validity
from .models import CatalogRecord, Genre, TopicCategory

PAGE_SIZE = 20
FILTER_KEYS = ("topic", "genre", "year", "department", "validity", "item")
# Nothing before the PRC, nothing absurdly far ahead: anything else is junk.
MIN_YEAR, MAX_YEAR = 1949, 2100


@dataclass(frozen=True)
class Option:
    """One choice of a filter, with how many records it would show."""

    value: str
    label: str
    count: int
    level: int = 0


@dataclass
class RecordFilters:
    """The filters a visitor asked for, after validation; invalid ones are simply absent."""

    topic: TopicCategory | None = None
    genre: Genre | None = None
    year: int | None = None
    department: Department | None = None
    validity: str | None = None
    item: str | None = None
    options: dict[str, list[Option]] = field(default_factory=dict)

    def values(self) -> dict[str, str]:
        """The cleaned filters as query parameters (strings), without empty ones."""
        raw = {
            "topic": self.topic.pk if self.topic else None,
            "genre": self.genre.pk if self.genre else None,
            "year": self.year,
            "department": self.department.pk if self.department else None,
            "validity": self.validity,
            "item": self.item,
        }
        return {key: str(value) for key, value in raw.items() if value is not None}

    @property
    def active(self) -> bool:
        return bool(self.values())

    def querystring(self, **changes: object) -> str:
        """``?topic=..&page=..`` for links that keep the filters (page numbers, feeds)."""
        params = self.values()
        for key, value in changes.items():
            if value in (None, ""):
                params.pop(key, None)
            else:
                params[key] = str(value)
        return "?" + urlencode(params) if params else "?"

    def labels(self) -> list[tuple[str, str]]:
        """(filter key, human label) for each active filter, to say what is shown."""
        labels: list[tuple[str, str]] = []
        for key, value in self.values().items():
            fallback = {
                "topic": str(self.topic.name) if self.topic else value,
                "genre": str(self.genre) if self.genre else value,
                "department": str(self.department) if self.department else value,
                "validity": str(Validity(value).label) if key == "validity" else value,
                "item": str(DisclosureItem(value).label) if key == "item" else value,
            }.get(key, value)
            options = self.options.get(key, [])
            label = next((o.label for o in options if o.value == value), fallback)
            labels.append((key, label))
        return labels


def _int(value: object) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _first(params: Mapping[str, object], key: str) -> str:
    value = params.get(key, "")
    if isinstance(value, list | tuple):
        value = value[-1] if value else ""
    return str(value or "")[:40]


def clean_filters(params: Mapping[str, object]) -> RecordFilters:
    """Turn raw query parameters into filters; anything unknown or malformed is dropped."""
    filters = RecordFilters()
    if (pk := _int(_first(params, "topic"))) is not None:
        filters.topic = TopicCategory.objects.filter(pk=pk).select_related("parent").first()
    if (pk := _int(_first(params, "genre"))) is not None:
        filters.genre = Genre.objects.filter(pk=pk).first()
    if (pk := _int(_first(params, "department"))) is not None:
        filters.department = Department.objects.filter(pk=pk).first()
    year = _int(_first(params, "year"))
    if year is not None and MIN_YEAR <= year <= MAX_YEAR:
        filters.year = year
    validity = _first(params, "validity")
    if validity in Validity.values:
        filters.validity = validity
    item = _first(params, "item")
    if item in DisclosureItem.values:
        filters.item = item
    return filters


def apply_filters(queryset: QuerySet[CatalogRecord], filters: RecordFilters) -> QuerySet:
    """Narrow ``queryset`` to the filters; a top-level topic class includes its sub-classes."""
    if filters.topic is not None:
        queryset = queryset.filter(Q(topic=filters.topic) | Q(topic__parent=filters.topic))
    if filters.genre is not None:
        queryset = queryset.filter(genre=filters.genre)
    if filters.year is not None:
        queryset = queryset.filter(publication_date__year=filters.year)
    if filters.department is not None:
        queryset = queryset.filter(department=filters.department)
    if filters.validity is not None:
        queryset = queryset.filter(validity=filters.validity)
    if filters.item is not None:
        queryset = queryset.filter(disclosure_item=filters.item)
    return queryset


def filter_options(queryset: QuerySet[CatalogRecord]) -> dict[str, list[Option]]:
    """The choices worth offering for ``queryset``: only values that have records, with counts."""
    base = queryset.order_by()

    def counts(field_name: str) -> dict[object, int]:
        rows = base.values(field_name).annotate(n=Count("pk"))
        return {row[field_name]: row["n"] for row in rows if row[field_name] is not None}

    by_topic = counts("topic")
    topics: list[Option] = []
    used = TopicCategory.objects.filter(
        Q(pk__in=by_topic) | Q(children__pk__in=by_topic)
    ).distinct()
    tree: dict[int | None, list[TopicCategory]] = {}
    for topic in used.order_by("sort_order", "name"):
        tree.setdefault(topic.parent_id, []).append(topic)
    for parent in tree.get(None, []):
        children = tree.get(parent.pk, [])
        total = by_topic.get(parent.pk, 0) + sum(by_topic.get(c.pk, 0) for c in children)
        topics.append(Option(str(parent.pk), parent.name, total))
        topics += [Option(str(c.pk), c.name, by_topic.get(c.pk, 0), level=1) for c in children]

    by_genre = counts("genre")
    genres = [
        Option(str(g.pk), g.name, by_genre[g.pk]) for g in Genre.objects.filter(pk__in=by_genre)
    ]
    by_department = counts("department")
    departments = [
        Option(str(d.pk), d.name, by_department[d.pk])
        for d in Department.objects.filter(pk__in=by_department)
    ]
    by_year = base.annotate(y=ExtractYear("publication_date")).values("y").annotate(n=Count("pk"))
    years = sorted(
        (Option(str(row["y"]), str(row["y"]), row["n"]) for row in by_year if row["y"]),
        key=lambda option: option.value,
        reverse=True,
    )
    by_validity = counts("validity")
    validity = [
        Option(value, str(label), by_validity[value])
        for value, label in Validity.choices
        if value in by_validity
    ]
    by_item = counts("disclosure_item")
    items = [
        Option(value, str(label), by_item[value])
        for value, label in DisclosureItem.choices
        if value in by_item
    ]
    return {
        "topic": topics,
        "genre": genres,
        "year": years,
        "department": departments,
        "validity": validity,
        "item": items,
    }


def filter_records(
    queryset: QuerySet[CatalogRecord], params: Mapping[str, object], *, with_options: bool = True
) -> tuple[QuerySet[CatalogRecord], RecordFilters]:
    """Filter public records by the GET parameters; return the narrowed queryset and the filters.

    ``queryset`` must already be public (``public_records()`` or ``column_records()``).
    The filters carry the options to offer, counted over the unfiltered queryset.
    """
    filters = clean_filters(params)
    if with_options:
        filters.options = filter_options(queryset)
    return apply_filters(queryset, filters), filters


def page_number(params: Mapping[str, object]) -> int:
    """The requested page; anything that is not a positive whole number means page 1."""
    return _int(_first(params, "page")) or 1


def paginate(queryset: QuerySet, params: Mapping[str, object]) -> PaginatorPage:
    """Page ``PAGE_SIZE`` of ``queryset``; junk is page 1, a page past the end is a 404."""
    paginator = Paginator(queryset, PAGE_SIZE, allow_empty_first_page=True)
    number = page_number(params)
    if number > paginator.num_pages:
        raise Http404("No such page")
    return paginator.page(number)


def page_links(page: PaginatorPage, filters: RecordFilters, path: str) -> dict[str, object]:
    """URLs for the pager that keep the filters: previous, next and a window of numbers."""

    def url(number: int) -> str:
        query = filters.querystring(page=number if number > 1 else None)
        return path + (query if query != "?" else "")

    return {
        "previous_url": url(page.previous_page_number()) if page.has_previous() else "",
        "next_url": url(page.next_page_number()) if page.has_next() else "",
        "numbers": [
            {"number": n, "url": url(n), "current": n == page.number} if n else None
            for n in page_window(page)
        ],
    }


def page_window(page: PaginatorPage, *, around: int = 2) -> list[int | None]:
    """Page numbers to link, with None for a gap: 1 … 4 5 [6] 7 8 … 20."""
    last = page.paginator.num_pages
    wanted = {1, last, *range(page.number - around, page.number + around + 1)}
    numbers = sorted(n for n in wanted if 1 <= n <= last)
    window: list[int | None] = []
    for number in numbers:
        if window and number - (window[-1] or 0) > 1:
            window.append(None)
        window.append(number)
    return window
