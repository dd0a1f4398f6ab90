"""What a searcher asked for: the query string of /search/ and /api/v1/search/, validated.

The page is lenient: anything malformed or unknown is dropped and the page still
answers (DESIGN.md: bad input never gets a 500). The API is strict: the same
rules raise :class:`BadParameter` with a Chinese reason, which the API turns into
a 400. Both read parameters through :func:`parse_params`, so they accept the same
things.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils.translation import gettext as _
from wagtail.models import Page

from .backends.base import Filters
from .registry import kind_labels
from .selectors import MAX_PAGE
from .text import MAX_QUERY_CHARS

# Nothing before the PRC, nothing absurdly far ahead.
MIN_YEAR, MAX_YEAR = 1949, 2100
MAX_ID = 2**31 - 1
MAX_VALUE_CHARS = 100  # the longest facet value an entry can hold (models.SearchEntry)
# The longest query the API accepts; the page cuts longer ones instead.
MAX_API_QUERY_CHARS = 500
SORTS = ("relevance", "date")
TEXT_FILTERS = ("topic", "department", "validity")
# Parameters in the order links carry them.
PARAM_NAMES = (
    "q",
    "column",
    "kind",
    "section",
    "topic",
    "department",
    "year_from",
    "year_to",
    "validity",
    "sort",
    "page",
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class BadParameter(ValueError):
    """A parameter the API refuses; ``str(error)`` is the Chinese reason."""


@dataclass
class SearchParams:
    """A cleaned search request. Empty strings and None mean "not given"."""

    q: str = ""
    column: Page | None = None
    kind: str = ""
    section: int | None = None
    topic: str = ""
    department: str = ""
    validity: str = ""
    year_from: int | None = None
    year_to: int | None = None
    sort: str = "relevance"
    page: int = 1
    dropped: list[str] = field(default_factory=list)  # names the page ignored

    @property
    def by_date(self) -> bool:
        return self.sort == "date"

    def filters(self) -> Filters:
        return Filters(
            kind=self.kind,
            column_path=self.column.path if self.column is not None else "",
            section_id=self.section,
            topic=self.topic,
            department=self.department,
            validity=self.validity,
            year_from=self.year_from,
            year_to=self.year_to,
        )

    def values(self) -> dict[str, str]:
        """The request as query parameters (strings), without empty or default ones."""
        raw: dict[str, object] = {
            "q": self.q,
            "column": self.column.pk if self.column is not None else None,
            "kind": self.kind,
            "section": self.section,
            "topic": self.topic,
            "department": self.department,
            "year_from": self.year_from,
            "year_to": self.year_to,
            "validity": self.validity,
            "sort": self.sort if self.sort != "relevance" else None,
            "page": self.page if self.page > 1 else None,
        }
        return {name: str(value) for name, value in raw.items() if value not in (None, "")}

    def querystring(self, **changes: object) -> str:
        """``?q=..&kind=..`` with `changes` applied (None or "" removes a parameter).

        Any change other than the page starts again at page 1.
        """
        params = self.values()
        if "page" not in changes:
            params.pop("page", None)
        for name, value in changes.items():
            if value in (None, ""):
                params.pop(name, None)
            else:
                params[name] = str(value)
        ordered = [(name, params[name]) for name in PARAM_NAMES if name in params]
        return "?" + urlencode(ordered) if ordered else "?"

    @property
    def filtered(self) -> bool:
        """Whether anything narrows the results beyond the query (the column scope excluded)."""
        return bool(
            self.kind
            or self.section is not None
            or self.topic
            or self.department
            or self.validity
            or self.year_from is not None
            or self.year_to is not None
        )


def clean_text(value: str) -> str:
    """`value` without control characters (NUL included) and outer spaces."""
    return _CONTROL.sub("", value).strip()


def _shown(value: str) -> str:
    value = clean_text(value)
    return value if len(value) <= 40 else value[:40] + "…"


def _whole(value: str, name: str, *, minimum: int, maximum: int) -> int:
    text = value.strip()
    if not re.fullmatch(r"[+-]?[0-9]{1,12}", text):
        raise BadParameter(
            _("%(name)s: “%(value)s” is not a whole number.")
            % {"name": name, "value": _shown(value)}
        )
    number = int(text)
    if not minimum <= number <= maximum:
        raise BadParameter(
            _("%(name)s: must be between %(minimum)s and %(maximum)s.")
            % {"name": name, "minimum": minimum, "maximum": maximum}
        )
    return number


def _text(value: str, name: str, *, max_chars: int) -> str:
    if _CONTROL.search(value):
        raise BadParameter(
            _("%(name)s: the value contains a character that is not allowed.") % {"name": name}
        )
    if len(value) > max_chars:
        raise BadParameter(
            _("%(name)s: at most %(max)s characters.") % {"name": name, "max": max_chars}
        )
    return value.strip()


def scope_page(page_id: int) -> Page | None:
    """The page to search within: live, public (no view restriction), below the tree root."""
    return Page.objects.live().public().filter(pk=page_id, depth__gt=1).first()


def _first(params: Mapping[str, object], name: str) -> tuple[str | None, bool]:
    """The parameter's last value, and whether it was given more than once."""
    if isinstance(params, QueryDict):
        values = params.getlist(name)
    else:
        value = params.get(name)
        values = (
            [] if value is None else list(value) if isinstance(value, list | tuple) else [value]
        )
    if not values:
        return None, False
    return str(values[-1]), len(values) > 1


def parse_params(params: Mapping[str, object], *, strict: bool = False) -> SearchParams:
    """Clean the query parameters of a search.

    With `strict` (the API) the first bad parameter raises :class:`BadParameter`;
    otherwise bad parameters are left out and named in ``dropped``.
    """
    cleaned = SearchParams()

    def read(name: str, parse) -> None:
        raw, repeated = _first(params, name)
        if raw is None:
            return
        try:
            if repeated and strict:
                raise BadParameter(
                    _("The parameter “%(name)s” is given more than once.") % {"name": name}
                )
            value = parse(raw, name)
        except BadParameter:
            if strict:
                raise
            cleaned.dropped.append(name)
            return
        if value not in (None, ""):
            setattr(cleaned, name, value)

    def query(raw: str, name: str) -> str:
        if strict:
            return _text(raw, name, max_chars=MAX_API_QUERY_CHARS)
        # The page cuts what nobody types, rather than refusing it.
        return clean_text(raw[: MAX_QUERY_CHARS * 2])[:MAX_QUERY_CHARS]

    def kind(raw: str, name: str) -> str:
        value = _text(raw, name, max_chars=MAX_VALUE_CHARS)
        if value and value not in kind_labels():
            raise BadParameter(
                _("%(name)s: “%(value)s” is not one of: %(choices)s.")
                % {"name": name, "value": _shown(value), "choices": ", ".join(kind_labels())}
            )
        return value

    def section(raw: str, name: str) -> int | None:
        return _whole(raw, name, minimum=1, maximum=MAX_ID) if raw.strip() or strict else None

    def column(raw: str, name: str) -> Page | None:
        if not raw.strip() and not strict:
            return None
        page = scope_page(_whole(raw, name, minimum=1, maximum=MAX_ID))
        if page is None:
            raise BadParameter(
                _("%(name)s: no public page has the id %(id)s.") % {"name": name, "id": _shown(raw)}
            )
        return page

    def text(raw: str, name: str) -> str:
        return _text(raw, name, max_chars=MAX_VALUE_CHARS)

    def year(raw: str, name: str) -> int | None:
        if not raw.strip() and not strict:
            return None
        return _whole(raw, name, minimum=MIN_YEAR, maximum=MAX_YEAR)

    def sort(raw: str, name: str) -> str:
        value = raw.strip()
        if value not in SORTS:
            raise BadParameter(
                _("%(name)s: “%(value)s” is not one of: %(choices)s.")
                % {"name": name, "value": _shown(raw), "choices": ", ".join(SORTS)}
            )
        return value

    def page(raw: str, name: str) -> int | None:
        if not raw.strip() and not strict:
            return None
        return _whole(raw, name, minimum=1, maximum=MAX_PAGE)

    read("q", query)
    read("kind", kind)
    read("section", section)
    read("column", column)
    for name in TEXT_FILTERS:
        read(name, text)
    read("year_from", year)
    read("year_to", year)
    read("sort", sort)
    if not strict:
        # A page past the last one the search offers shows the last one.
        raw, _repeated = _first(params, "page")
        if raw is not None and re.fullmatch(r"\s*\+?[0-9]{1,12}\s*", raw) and int(raw) > MAX_PAGE:
            cleaned.page = MAX_PAGE
        else:
            read("page", page)
    else:
        read("page", page)

    if (
        cleaned.year_from is not None
        and cleaned.year_to is not None
        and cleaned.year_from > cleaned.year_to
    ):
        if strict:
            raise BadParameter(
                _("year_from (%(start)s) is after year_to (%(end)s).")
                % {"start": cleaned.year_from, "end": cleaned.year_to}
            )
        # The page reads a reversed range the way it was meant.
        cleaned.year_from, cleaned.year_to = cleaned.year_to, cleaned.year_from
    return cleaned
