"""Site search in the public API: /api/v1/search/.

The same search as the page (`selectors.search`), with the same parameters
(`forms.parse_params`, strict): a bad value gets a 400 with a Chinese `detail`
instead of the framework's English 422, and too many searches from one client a
429 with `Retry-After` (`ratelimit`). Parameters are read as text and parsed
here; the OpenAPI document still gives each its real type, range and choices.
"""

import datetime
import html
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.html import strip_tags
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import WithJsonSchema

from gongkai.core.urls import absolute_url

from . import ratelimit
from .forms import (
    MAX_API_QUERY_CHARS,
    MAX_ID,
    MAX_VALUE_CHARS,
    MAX_YEAR,
    MIN_YEAR,
    SORTS,
    BadParameter,
    parse_params,
)
from .selectors import MAX_PAGE, PER_PAGE, SearchResults, search

PREFIX = "search"
router = Router(tags=["搜索 search"])


def _documented(schema: dict[str, Any]) -> Any:
    """A query parameter read as text, shown in OpenAPI with its real JSON schema."""
    return Annotated[str | None, WithJsonSchema(schema)]


def _text(description: str, max_chars: int = MAX_VALUE_CHARS) -> Any:
    return _documented({"type": "string", "maxLength": max_chars, "description": description})


def _year(description: str) -> Any:
    return _documented(
        {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR, "description": description}
    )


class SearchQuery(Schema):
    q: _text(
        "words to find (all of them); a 文号 in any bracket form finds its document first",
        MAX_API_QUERY_CHARS,
    ) = None
    kind: _text("type of thing, e.g. catalog.record (see the `kind` facet)") = None
    section: _documented(
        {"type": "integer", "minimum": 1, "maximum": MAX_ID, "description": "top-level column id"}
    ) = None
    column: _documented(
        {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_ID,
            "description": "search within this public page (a column) and everything under it",
        }
    ) = None
    topic: _text("主题分类, as in the `topic` facet") = None
    department: _text("department name, as in the `department` facet") = None
    validity: _text("有效性, as in the `validity` facet") = None
    year_from: _year("published in this year or later") = None
    year_to: _year("published in this year or earlier") = None
    sort: _documented(
        {"type": "string", "enum": list(SORTS), "default": "relevance", "description": "order"}
    ) = None
    page: _documented(
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1, "description": "page"}
    ) = None


class Error(Schema):
    detail: str


class HitOut(Schema):
    title: str
    title_html: str = Field(description="the title, HTML-escaped, with the query's words in <mark>")
    url: str = Field(description="absolute URL of the public page")
    snippet: str = Field(description="an excerpt of the text where the words occur, plain text")
    snippet_html: str = Field(
        description="the same excerpt, HTML-escaped, with the query's words in <mark>"
    )
    kind: str
    kind_label: str
    date: datetime.date | None = Field(description="publication date")
    doc_number: str = Field(description="文号, e.g. 毕人社发〔2019〕12号; empty if none")
    department: str
    section: str = Field(description="the top-level column it is published under")
    topic: str = Field(description="主题分类")
    validity: str = Field(description="有效性; empty if it has none")


class FacetValueOut(Schema):
    value: str = Field(description="what to pass as the parameter of the same name")
    label: str
    count: int
    count_exact: bool = Field(
        default=True,
        description="false when count is an estimate (a very common word's matches are "
        "counted from a sample; the page says 约)",
    )


class FacetsOut(Schema):
    kind: list[FacetValueOut] = []
    section: list[FacetValueOut] = []
    topic: list[FacetValueOut] = []
    department: list[FacetValueOut] = []
    year: list[FacetValueOut] = Field(
        default=[], description="pass a value as year_from and year_to"
    )
    validity: list[FacetValueOut] = []


class SearchOut(Schema):
    query: str
    total: int = Field(description=f"number of matches (pages stop at page {MAX_PAGE})")
    total_exact: bool = Field(
        description="false when total is an estimate (two significant digits): "
        "PostgreSQL estimates the matches of very common words from a sample"
    )
    page: int
    pages: int
    per_page: int
    hits: list[HitOut]
    facets: FacetsOut = Field(description="counts per value over all matches, filters applied")
    suggestion: str = Field(description="a title close to the query when nothing was found")
    also_searched: list[str] = Field(
        default=[],
        description="synonyms searched besides the query's words (the office's synonym "
        "groups; the page says 同时搜索了)",
    )


def _plain(marked: str) -> str:
    return html.unescape(strip_tags(marked))


def _results_out(request: HttpRequest, results: SearchResults) -> dict[str, Any]:
    hits = []
    for hit in results.hits:
        entry = hit.entry
        hits.append(
            {
                "title": entry.title,
                "title_html": str(hit.title),
                "url": absolute_url(entry.url),
                "snippet": _plain(hit.snippet),
                "snippet_html": str(hit.snippet),
                "kind": entry.kind,
                "kind_label": hit.kind_label,
                "date": entry.date,
                "doc_number": entry.doc_number,
                "department": entry.department,
                "section": entry.section,
                "topic": entry.topic,
                "validity": entry.validity,
            }
        )
    facets = {
        name: [
            {"value": v.value, "label": v.label, "count": v.count, "count_exact": v.exact}
            for v in values
        ]
        for name, values in results.facets.items()
    }
    return {
        "query": results.query,
        "total": results.total,
        "total_exact": results.total_exact,
        "page": results.page,
        "pages": results.pages if results.total else 0,
        "per_page": results.per_page,
        "hits": hits,
        "facets": facets,
        "suggestion": results.suggestion,
        "also_searched": results.expansions,
    }


@router.get(
    "/",
    response={200: SearchOut, 400: Error, 429: Error},
    summary="站内全文检索：已公开的信息（高亮摘要、分面计数、纠错建议）",
    description=(
        "Searches everything the public site shows. Words are matched as exact substrings "
        "(Chinese included) and all must occur. Results rank an exact 文号 or title first, "
        "then by relevance with recency breaking ties, or by date with `sort=date`. "
        "Rate-limited per client address (HTTP 429 with Retry-After)."
    ),
)
def search_api(request: HttpRequest, params: Query[SearchQuery]):
    try:
        cleaned = parse_params(request.GET, strict=True)
    except BadParameter as error:
        raise HttpError(400, str(error)) from None
    if cleaned.q:
        verdict = ratelimit.hit(request)
        if not verdict.allowed:
            return ratelimit.refusal_json(verdict)
    results = search(
        cleaned.q,
        filters=cleaned.filters(),
        page=cleaned.page,
        per_page=PER_PAGE,
        by_date=cleaned.by_date,
    )
    return _results_out(request, results)
