"""The registry of the home page's lists (首页栏目): latest publications, notices, policies,
and what is open for public participation.

Apps meet the home page through this registry, as they meet the navigation through
``columns`` (CONVENTIONS.md §10): the catalogue registers its lists of records, and the
consultation, survey and mailbox modules register what is open for comment::

    from gongkai.portal.home import HomeItem, register_participation

    register_participation(
        "consultations",
        _("Open for comment"),
        items=lambda limit: [HomeItem(c.title, c.url, c.closes_on) for c in open_ones()[:limit]],
        more_url=reverse_lazy("consultations:index"),
    )

A list that has nothing to show is left out of the page, and so is the participation
block as a whole while nothing is open: the public never sees an empty box.
Every ``items`` callable must return public things only (CONVENTIONS.md §17).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from threading import Lock

from django.utils.functional import Promise

Text = str | Promise
PUBLICATIONS = "publications"
PARTICIPATION = "participation"
DEFAULT_LIMIT = 6


@dataclass(frozen=True)
class HomeItem:
    """One line of a home-page list: a title, a link and a date."""

    title: str
    url: str
    date: date | datetime | None = None
    note: Text = ""  # e.g. "意见征集截止 6月30日" for a consultation


@dataclass(frozen=True)
class HomeSection:
    """A list on the home page, as registered."""

    key: str
    title: Text
    items: Callable[[int], Sequence[HomeItem]]
    more_url: Callable[[], str | None] | Text | None = None
    order: int = 100
    group: str = PUBLICATIONS
    limit: int = DEFAULT_LIMIT

    def more_href(self) -> str | None:
        url = self.more_url() if callable(self.more_url) else self.more_url
        return str(url) if url else None


@dataclass(frozen=True)
class ShownSection:
    """A list as the home page shows it: its items are evaluated and never empty."""

    key: str
    title: Text
    items: list[HomeItem]
    more_url: str | None


_registry: dict[str, HomeSection] = {}
_lock = Lock()


def register_home_section(
    key: str,
    title: Text,
    *,
    items: Callable[[int], Sequence[HomeItem]],
    more_url: Callable[[], str | None] | Text | None = None,
    order: int = 100,
    group: str = PUBLICATIONS,
    limit: int = DEFAULT_LIMIT,
) -> HomeSection:
    """Register the home-page list ``key``; registering a key again replaces it.

    ``items(limit)`` returns at most ``limit`` public items, newest or most urgent first;
    ``more_url`` (a string, a lazy ``reverse_lazy`` or a callable) is the "更多" link.
    """
    if not key:
        raise ValueError("A home-page section needs a key.")
    if group not in (PUBLICATIONS, PARTICIPATION):
        raise ValueError(f"Unknown home-page group {group!r}.")
    section = HomeSection(
        key=key,
        title=title,
        items=items,
        more_url=more_url,
        order=order,
        group=group,
        limit=limit,
    )
    with _lock:
        _registry[key] = section
    return section


def register_participation(
    key: str,
    title: Text,
    *,
    items: Callable[[int], Sequence[HomeItem]],
    more_url: Callable[[], str | None] | Text | None = None,
    order: int = 100,
    limit: int = DEFAULT_LIMIT,
) -> HomeSection:
    """Register a list of what is open for public participation (意见征集, 问卷调查, 信箱)."""
    return register_home_section(
        key,
        title,
        items=items,
        more_url=more_url,
        order=order,
        group=PARTICIPATION,
        limit=limit,
    )


def unregister_home_section(key: str) -> None:
    with _lock:
        _registry.pop(key, None)


def registered_sections() -> list[HomeSection]:
    with _lock:
        registered = list(_registry.values())
    return sorted(registered, key=lambda section: (section.order, section.key))


def home_sections(group: str = PUBLICATIONS) -> list[ShownSection]:
    """The lists of ``group`` that have something to show, in display order."""
    shown = []
    for section in registered_sections():
        if section.group != group:
            continue
        items = list(section.items(section.limit))[: section.limit]
        if items:
            shown.append(ShownSection(section.key, section.title, items, section.more_href()))
    return shown
