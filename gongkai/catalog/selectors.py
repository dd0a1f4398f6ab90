"""Reads of the catalogue: what the public may see."""

from django.db.models import QuerySet
from wagtail.models import Page

from .choices import DisclosureAttribute
from .models import CatalogRecord


def public_records() -> QuerySet[CatalogRecord]:
    """Records the public may see: live, proactively published, not withdrawn."""
    return (
        CatalogRecord.objects.live()
        .public()
        .filter(disclosure=DisclosureAttribute.PROACTIVE, withdrawn_at__isnull=True)
        .select_related("topic", "genre", "department")
    )


def column_records(column: Page) -> QuerySet[CatalogRecord]:
    """Public records anywhere under `column`, newest first."""
    return (
        public_records()
        .descendant_of(column)
        .order_by("-publication_date", "-first_published_at", "-pk")
    )
