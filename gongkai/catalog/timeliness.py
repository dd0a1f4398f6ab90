"""Timeliness of publication (公开时效).

条例 第26条: information that is to be disclosed proactively is published within 20
working days of being formed or changed. These reads count the working days between a
record's `formed_date` and its `publication_date` with the bureau's working-day calendar.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from gongkai.core.workdays import Calendar, WorkdayError, count_working_days

from .models import CatalogRecord

# 条例 第26条: 20 working days from forming or changing the information.
DEFAULT_LIMIT = 20


def timeliness_limit() -> int:
    return int(getattr(settings, "TIMELINESS_WORKING_DAYS", DEFAULT_LIMIT))


@dataclass(frozen=True)
class RecordTimeliness:
    """A published record with the working days it took to publish (None: 无法计算)."""

    record: CatalogRecord
    working_days: int | None
    limit: int

    @property
    def computable(self) -> bool:
        return self.working_days is not None

    @property
    def is_late(self) -> bool:
        return self.working_days is not None and self.working_days > self.limit

    @property
    def days_late(self) -> int | None:
        return None if self.working_days is None else max(self.working_days - self.limit, 0)

    # Plain values for the admin table and its spreadsheet export.
    @property
    def department_name(self) -> str:
        return self.record.department.name if self.record.department_id else ""

    @property
    def working_days_display(self) -> int | str:
        return _("Cannot be computed") if self.working_days is None else self.working_days

    @property
    def days_late_display(self) -> int | str:
        return "" if self.days_late is None else self.days_late


def _years(record: CatalogRecord) -> set[int]:
    first = (record.formed_date + timedelta(days=1)).year
    return set(range(first, record.publication_date.year + 1))


def _published_records(department: Any = None):
    queryset = (
        CatalogRecord.objects.live()
        .filter(formed_date__isnull=False, publication_date__isnull=False)
        .select_related("department")
        .order_by("department__name", "-publication_date", "pk")
    )
    if department is not None:
        queryset = queryset.filter(department=department)
    return queryset


def records_timeliness(*, department: Any = None) -> list[RecordTimeliness]:
    """Every published record (of `department`, if given) with its working days to publication.

    One calendar snapshot serves all of them; a record whose span reaches a year the
    calendar lacks gets `working_days=None` (无法计算) instead of failing the whole list.
    """
    records = list(_published_records(department))
    years: set[int] = set()
    for record in records:
        if record.publication_date > record.formed_date:
            years |= _years(record)
    calendar = Calendar.load(years)
    limit = timeliness_limit()
    out = []
    for record in records:
        if record.publication_date <= record.formed_date:
            days: int | None = 0
        else:
            try:
                days = count_working_days(
                    record.formed_date, record.publication_date, calendar=calendar
                )
            except WorkdayError:  # CalendarYearMissing: the year is not in the calendar
                days = None
        out.append(RecordTimeliness(record, days, limit))
    return out


def late_records(*, department: Any = None) -> list[RecordTimeliness]:
    """Published records over the time limit, and those whose delay cannot be computed."""
    return [
        row
        for row in records_timeliness(department=department)
        if row.is_late or not row.computable
    ]


def late_count_by_department(rows: list[RecordTimeliness]) -> list[tuple[str, int]]:
    """(department name, late records) for the summary table, most late first."""
    counts = Counter(
        row.record.department.name if row.record.department_id else ""
        for row in rows
        if row.is_late
    )
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
