"""What a press digest can contain: a registry of sources of new public items.

A source is ``fn(since, until) -> Iterable[DigestItem]``: the items that became public in
(since, until], each in one column of the portal's column registry
(gongkai.portal.columns). It must return only what the public may see now (the app's
public selector). The catalogue's records are registered here; interpretations,
consultations... register theirs from their ``AppConfig.ready()`` with
``register_digest_source("interpretations", fn)``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DigestItem:
    key: str  # stable and unique across sources, e.g. "catalog.record:42"
    column: str  # a key of the portal's column registry
    title: str
    url: str  # path or absolute URL
    published_at: datetime
    summary: str = ""


DigestSource = Callable[[datetime, datetime], Iterable[DigestItem]]
_sources: dict[str, DigestSource] = {}


def register_digest_source(name: str, fn: DigestSource) -> None:
    _sources[name] = fn


def unregister_digest_source(name: str) -> None:
    _sources.pop(name, None)


def new_items(since: datetime, until: datetime) -> list[DigestItem]:
    """Every source's items that became public in (since, until], oldest first."""
    items: list[DigestItem] = []
    for name, source in list(_sources.items()):
        try:
            items.extend(source(since, until))
        except Exception:
            logger.exception("press: digest source %s failed", name)
            raise
    items.sort(key=lambda item: (item.published_at, item.key))
    return items


def catalog_records(since: datetime, until: datetime) -> Iterable[DigestItem]:
    """Public catalogue records first published in (since, until], by top-level column."""
    from gongkai.catalog.models import CatalogColumnPage
    from gongkai.catalog.selectors import public_records

    seen: set[int] = set()
    for column in CatalogColumnPage.objects.live().exclude(column_key="").order_by("path"):
        records = (
            public_records()
            .descendant_of(column)
            .filter(first_published_at__gt=since, first_published_at__lte=until)
        )
        for record in records:
            if record.pk in seen:  # a column nested in another keyed column
                continue
            seen.add(record.pk)
            parts = record.get_url_parts()
            if parts is None:  # not routable from any site
                continue
            yield DigestItem(
                key=f"catalog.record:{record.pk}",
                column=column.column_key,
                title=record.title,
                url=parts[2],  # the path; the mail joins it to SITE_URL
                published_at=record.first_published_at,
                summary=(record.summary or "")[:200],
            )


def register_defaults() -> None:
    register_digest_source("catalog", catalog_records)
