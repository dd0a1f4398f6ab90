"""Reads of syndication: the one gate every export passes (convention 17)."""

from __future__ import annotations

from typing import Any

from wagtail.models import Page

from .registry import SyndicationAdapter, adapter_for

MAX_ID = 2**63  # ids are 64-bit signed integers on SQLite and PostgreSQL


def public_syndicated(page_id: int) -> tuple[SyndicationAdapter, Any] | None:
    """(adapter, object) for the page `page_id` if its type is syndicated and it is public now.

    The same answer for everyone, staff included: a draft, withheld, withdrawn or expired
    object is not exported (its export URLs answer 404).
    """
    if not 0 < page_id < MAX_ID:
        return None  # no such row; and the database would refuse the number
    content_type_id = (
        Page.objects.filter(pk=page_id).values_list("content_type_id", flat=True).first()
    )
    if content_type_id is None:
        return None
    from django.contrib.contenttypes.models import ContentType

    model = ContentType.objects.get_for_id(content_type_id).model_class()
    adapter = adapter_for(model) if model is not None else None
    if adapter is None:
        return None
    obj = adapter.public().filter(pk=page_id).first()
    return (adapter, obj) if obj is not None else None


def public_syndicated_page(page: Any) -> tuple[SyndicationAdapter, Any] | None:
    """The same for a page object already in hand (a rendered page: OpenGraph)."""
    adapter = adapter_for(page)
    if adapter is None or page.pk is None:
        return None
    if not adapter.public().filter(pk=page.pk).exists():
        return None
    return adapter, page
