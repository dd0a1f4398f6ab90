"""Reads of the catalogue for the public API (/api/v1/catalog/).

Everything starts from `selectors.public_records()`, so the API can never show
more than the public site does: no drafts, nothing withheld or disclosed only on
request, nothing withdrawn, nothing behind a view restriction.
"""

from collections.abc import Iterable

from django.db.models import Count, Prefetch, QuerySet
from wagtail.models import Page

from gongkai.org.models import Department

from .models import CatalogColumnPage, CatalogRecord, Genre, RecordAttachment, TopicCategory
from .selectors import public_records


def api_records() -> QuerySet[CatalogRecord]:
    """Public records with everything the API shows fetched in a fixed number of queries.

    A replacing or replaced record that is not public itself is left out (`replaced_by`
    becomes None, `replaces` skips it).
    """
    return (
        public_records()
        .select_related("topic__parent")
        .prefetch_related(
            Prefetch("replaced_by", queryset=public_records()),
            Prefetch("replaces", queryset=public_records().order_by("publication_date", "pk")),
            Prefetch(
                "attachments",
                queryset=RecordAttachment.objects.select_related(
                    "document", "document__public_copy"
                ).order_by("sort_order", "pk"),
            ),
        )
    )


def public_record_by_index_number(index_number: str) -> CatalogRecord | None:
    return api_records().filter(index_number=index_number).first()


def public_record_by_id(record_id: int) -> CatalogRecord | None:
    return api_records().filter(pk=record_id).first()


def record_columns(records: Iterable[CatalogRecord]) -> dict[str, CatalogColumnPage]:
    """The column each record sits in, keyed by the column's tree path, in one query."""
    parent_paths = {record.path[: -Page.steplen] for record in records}
    columns = CatalogColumnPage.objects.filter(path__in=parent_paths).only("id", "title", "path")
    return {column.path: column for column in columns}


def public_columns() -> QuerySet[CatalogColumnPage]:
    """The live column tree the public can reach, in tree order."""
    return CatalogColumnPage.objects.live().public().order_by("path")


def live_column(column_id: int) -> CatalogColumnPage | None:
    return CatalogColumnPage.objects.live().filter(pk=column_id).first()


def department_exists(code: str) -> bool:
    return Department.objects.filter(code=code).exists()


def topic_classes() -> QuerySet[TopicCategory]:
    return TopicCategory.objects.select_related("parent")


def genres() -> QuerySet[Genre]:
    return Genre.objects.all()


def disclosure_item_counts() -> dict[str, int]:
    """Number of public records per 条例 Art.20 item."""
    rows = (
        public_records()
        .order_by()
        .values("disclosure_item")
        .annotate(count=Count("pk"))
        .values_list("disclosure_item", "count")
    )
    return dict(rows)
