"""The public search page, /search/ (条例 第24条: the public can search what is published).

Everything is a plain GET form or link, so it works without JavaScript. Junk in the
query string is dropped (`forms.parse_params`), never an error; a client that
searches too often gets a 429 page that says when to try again (`ratelimit`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_safe
from wagtail.models import Page

from gongkai.portal.cache import public_cache

from . import ratelimit
from .forms import MAX_YEAR, MIN_YEAR, PARAM_NAMES, SearchParams, parse_params
from .registry import kind_labels
from .selectors import MAX_PAGE, SearchResults, search

FACET_TITLES = {
    "kind": pgettext_lazy("search filter", "Type"),
    "section": pgettext_lazy("search filter", "Column"),
    "topic": pgettext_lazy("search filter", "Topic class"),
    "department": pgettext_lazy("search filter", "Department"),
    "year": pgettext_lazy("search filter", "Year"),
    "validity": pgettext_lazy("search filter", "Validity"),
}
# Long facets show this many values; the rest are behind "more" (a <details>, no script).
FACET_SHOWN = 8


@dataclass
class FacetLink:
    label: str
    count: int
    url: str
    active: bool = False
    exact: bool = True  # False: an estimate, shown as 约 N


@dataclass
class FacetGroup:
    name: str
    title: str
    links: list[FacetLink] = field(default_factory=list)
    more: list[FacetLink] = field(default_factory=list)
    remove_url: str = ""  # set when this facet is filtered on


@dataclass
class ActiveFilter:
    label: str
    remove_url: str


def _facet_groups(params: SearchParams, results: SearchResults) -> list[FacetGroup]:
    groups = []
    for name, title in FACET_TITLES.items():
        values = results.facets.get(name, [])
        if not values:
            continue
        group = FacetGroup(name=name, title=str(title))
        links = []
        for value in values:
            if name == "year":
                year = int(value.value)
                url = params.querystring(year_from=year, year_to=year)
                active = params.year_from == year == params.year_to
            elif name == "section":
                url = params.querystring(section=value.value)
                active = str(params.section) == value.value
            else:
                url = params.querystring(**{name: value.value})
                active = getattr(params, name) == value.value
            links.append(
                FacetLink(
                    label=value.label,
                    count=value.count,
                    url=url,
                    active=active,
                    exact=value.exact,
                )
            )
        group.links, group.more = links[:FACET_SHOWN], links[FACET_SHOWN:]
        groups.append(group)
    return groups


def _section_title(section_id: int) -> str:
    """The column's title; an id that is not a live public page shows as the number only."""
    pages = Page.objects.live().public().filter(pk=section_id)
    return pages.values_list("title", flat=True).first() or str(section_id)


def _active_filters(params: SearchParams) -> list[ActiveFilter]:
    active = []
    if params.kind:
        label = kind_labels().get(params.kind, params.kind)
        active.append(
            ActiveFilter(f"{FACET_TITLES['kind']}：{label}", params.querystring(kind=None))
        )
    if params.section is not None:
        active.append(
            ActiveFilter(
                f"{FACET_TITLES['section']}：{_section_title(params.section)}",
                params.querystring(section=None),
            )
        )
    for name in ("topic", "department", "validity"):
        value = getattr(params, name)
        if value:
            active.append(
                ActiveFilter(f"{FACET_TITLES[name]}：{value}", params.querystring(**{name: None}))
            )
    start, end = params.year_from, params.year_to
    if start is not None or end is not None:
        if start == end:
            years = str(start)
        elif end is None:
            years = _("from %(start)s") % {"start": start}
        elif start is None:
            years = _("until %(end)s") % {"end": end}
        else:
            years = _("%(start)s to %(end)s") % {"start": start, "end": end}
        active.append(
            ActiveFilter(
                f"{FACET_TITLES['year']}：{years}", params.querystring(year_from=None, year_to=None)
            )
        )
    return active


def _page_window(current: int, last: int, *, around: int = 2) -> list[int | None]:
    """Page numbers to link, None for a gap: 1 … 4 5 [6] 7 8 … 20."""
    wanted = {1, last, *range(current - around, current + around + 1)}
    window: list[int | None] = []
    for number in sorted(n for n in wanted if 1 <= n <= last):
        if window and number - (window[-1] or 0) > 1:
            window.append(None)
        window.append(number)
    return window


def _pager(params: SearchParams, results: SearchResults) -> dict[str, object] | None:
    if results.pages <= 1:
        return None

    def url(number: int) -> str:
        return params.querystring(page=number if number > 1 else None)

    return {
        "previous_url": url(results.page - 1) if results.page > 1 else "",
        "next_url": url(results.page + 1) if results.page < results.pages else "",
        "numbers": [
            {"number": n, "url": url(n), "current": n == results.page} if n else None
            for n in _page_window(results.page, results.pages)
        ],
    }


def _run(params: SearchParams) -> SearchResults:
    results = search(params.q, filters=params.filters(), page=params.page, by_date=params.by_date)
    if results.total and params.page > results.pages:
        # Past the last page (a stale link): show the last one.
        params.page = results.pages
        results = search(
            params.q, filters=params.filters(), page=params.page, by_date=params.by_date
        )
    return results


@require_safe
@public_cache(params=PARAM_NAMES)
def search_page(request: HttpRequest) -> HttpResponse:
    """站内搜索: results with highlights, facets with counts, sorting, pages, "did you mean"."""
    params = parse_params(request.GET)
    context: dict[str, object] = {
        "params": params,
        "query": params.q,
        "scope": params.column,
        "whole_site_url": params.querystring(column=None),
        "min_year": MIN_YEAR,
        "max_year": MAX_YEAR,
    }
    if not params.q:
        return render(request, "search/search.html", context)

    verdict = ratelimit.hit(request)
    if not verdict.allowed:
        return ratelimit.refusal_html(verdict)

    results = _run(params)
    offset = (results.page - 1) * results.per_page
    context.update(
        results=results,
        searched=bool(results.parsed),
        first=offset + 1,
        last=offset + len(results.hits),
        capped=results.total > MAX_PAGE * results.per_page,
        shown_max=MAX_PAGE * results.per_page,
        facet_groups=_facet_groups(params, results),
        active_filters=_active_filters(params),
        clear_filters_url=params.querystring(
            kind=None,
            section=None,
            topic=None,
            department=None,
            validity=None,
            year_from=None,
            year_to=None,
        ),
        sort_relevance_url=params.querystring(sort=None),
        sort_date_url=params.querystring(sort="date"),
        pager=_pager(params, results),
        suggestion_url=params.querystring(q=results.suggestion) if results.suggestion else "",
        kept_params=[
            (name, value)
            for name, value in params.values().items()
            if name not in ("q", "year_from", "year_to", "page")
        ],
    )
    return render(request, "search/search.html", context)
