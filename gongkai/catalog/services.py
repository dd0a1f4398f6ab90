"""Writes to the catalogue."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from gongkai.org.models import Bureau

from .models import CatalogRecord, IndexNumberCounter


def _next_sequence(prefix: str, year: int) -> int:
    """Take the next number for (prefix, year); concurrent callers queue on the row lock."""
    IndexNumberCounter.objects.get_or_create(prefix=prefix, year=year)
    counter = IndexNumberCounter.objects.select_for_update().get(prefix=prefix, year=year)
    IndexNumberCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return counter.last


@transaction.atomic
def index_number_assign(*, record: CatalogRecord) -> str:
    """Give `record` its 索引号 `<organisation code>/<YYYY>-<NNNNN>` unless it has one.

    Called when a record is first published (REGULATIONS §4: assigned once, on
    first publication, never changed or reused). Sets `publication_date` to
    today if it is empty; the caller saves the record.
    """
    if record.index_number:
        return record.index_number
    today = timezone.localdate()
    if record.publication_date is None:
        record.publication_date = today
    prefix = Bureau.load().organisation_code
    year = record.publication_date.year
    record.index_number = f"{prefix}/{year}-{_next_sequence(prefix, year):05d}"
    return record.index_number
