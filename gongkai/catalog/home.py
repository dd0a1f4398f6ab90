"""The catalogue's lists on the home page: 最新发布, 通知公告 and 政策文件.

Columns are found by their column key (CatalogColumnPage.column_key), never by page id, so
a bureau that builds its own tree only has to key its columns.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongkai.portal.home import HomeItem, register_home_section

from .models import CatalogColumnPage, CatalogRecord, Genre
from .selectors import public_records

NOTICE_COLUMN_KEYS = ("notices",)
# Without a keyed 通知公告 column, notices are the records of these 体裁 (GB/T 9704 公文种类).
NOTICE_GENRES = ("通知", "公告", "通告")
POLICY_COLUMN_KEYS = ("normative", "superior")


def _keyed_columns(keys: tuple[str, ...]) -> list[CatalogColumnPage]:
    columns = CatalogColumnPage.objects.live().public().filter(column_key__in=keys)
    order = {key: i for i, key in enumerate(keys)}
    return sorted(columns, key=lambda column: (order[column.column_key], column.path))


def _under(columns: list[CatalogColumnPage]) -> Q:
    condition = Q(pk__in=[])
    for column in columns:
        condition |= Q(path__startswith=column.path, depth__gt=column.depth)
    return condition


def _newest(records: QuerySet[CatalogRecord]) -> QuerySet[CatalogRecord]:
    return records.order_by("-publication_date", "-first_published_at", "-pk")


def _items(records: QuerySet[CatalogRecord], limit: int) -> list[HomeItem]:
    return [
        HomeItem(title=record.title, url=record.url or "", date=record.publication_date)
        for record in _newest(records)[:limit]
    ]


def latest_records(limit: int) -> list[HomeItem]:
    return _items(public_records(), limit)


def notice_records(limit: int) -> list[HomeItem]:
    columns = _keyed_columns(NOTICE_COLUMN_KEYS)
    if columns:
        return _items(public_records().filter(_under(columns)), limit)
    return _items(public_records().filter(genre__name__in=NOTICE_GENRES), limit)


def notices_more_url() -> str | None:
    columns = _keyed_columns(NOTICE_COLUMN_KEYS)
    if columns:
        return columns[0].url
    genre = Genre.objects.filter(name=NOTICE_GENRES[0]).first()
    base = reverse("catalog:catalogue")
    return f"{base}?genre={genre.pk}" if genre else base


def policy_records(limit: int) -> list[HomeItem]:
    columns = _keyed_columns(POLICY_COLUMN_KEYS)
    if not columns:
        return []
    return _items(public_records().filter(_under(columns)), limit)


def policies_more_url() -> str | None:
    columns = _keyed_columns(POLICY_COLUMN_KEYS)
    return columns[0].url if columns else None


def register() -> None:
    register_home_section(
        "latest",
        _("Latest publications"),
        items=latest_records,
        more_url=lambda: reverse("catalog:catalogue"),
        order=10,
    )
    register_home_section(
        "notices",
        _("Notices and announcements"),
        items=notice_records,
        more_url=notices_more_url,
        order=20,
    )
    register_home_section(
        "policies",
        _("Policy documents"),
        items=policy_records,
        more_url=policies_more_url,
        order=30,
    )
