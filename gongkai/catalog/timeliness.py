"""Timeliness of publication (公开时效) and re-review dates (复查日期).

条例 第26条: information that is to be disclosed proactively is published within 20 working
days (`TIMELINESS_WORKING_DAYS`) of being formed or changed. The count runs from a record's
`formed_date` (信息形成日期) to the day, in Asia/Shanghai, it actually went public: its first
publication (`first_published_at`, which CatalogRecord.save keeps fixed), never the editable
发布日期. Working days come from gongkai.core.workdays; a span reaching a year the calendar
lacks is 无法计算 (None), never a guess.

条例 第18条: a record withheld from disclosure (不予公开) carries a date on which it is reviewed
again. `rereviews_due` lists those due; the notification service calls it as a reminder
source, and the staff list and dashboard show them.

Reads that depend on the user (`records_approaching_limit`, `rereviews_for`) return only
what the department rule lets that user work on (gongkai.org.permissions).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gongkai.core.workdays import Calendar, WorkdayError, count_working_days
from gongkai.org.permissions import filter_department_owned

from .choices import DisclosureAttribute
from .models import CatalogRecord

# 条例 第26条: 20 working days from forming or changing the information.
DEFAULT_LIMIT = 20
DEFAULT_WARN_AT = 15
DEFAULT_REREVIEW_SOON = 30


def timeliness_limit() -> int:
    return int(getattr(settings, "TIMELINESS_WORKING_DAYS", DEFAULT_LIMIT))


def timeliness_warn_at() -> int:
    """The working day from which an unpublished record is warned about (at most the limit)."""
    return min(int(getattr(settings, "TIMELINESS_WARN_AT", DEFAULT_WARN_AT)), timeliness_limit())


def rereview_soon_days() -> int:
    return int(getattr(settings, "REREVIEW_DUE_SOON_DAYS", DEFAULT_REREVIEW_SOON))


def _span_years(start: date, end: date) -> set[int]:
    if end <= start:
        return set()
    return set(range((start + timedelta(days=1)).year, end.year + 1))


def _working_days(start: date, end: date, calendar: Calendar) -> int | None:
    """Working days after `start` up to `end` (0 if `end` is not later); None: 无法计算."""
    if end <= start:
        return 0
    try:
        return count_working_days(start, end, calendar=calendar)
    except WorkdayError:  # CalendarYearMissing: the year is not in the calendar
        return None


# --- published records: how long they took ----------------------------------------------------


@dataclass(frozen=True)
class RecordTimeliness:
    """A published record with the working days from forming to first publication
    (None: 无法计算)."""

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
    def went_public(self) -> date | None:
        return self.record.first_public_date

    @property
    def working_days_display(self) -> int | str:
        return _("Cannot be computed") if self.working_days is None else self.working_days

    @property
    def days_late_display(self) -> int | str:
        return "" if self.days_late is None else self.days_late


def _published_records(department: Any = None) -> QuerySet[CatalogRecord]:
    queryset = (
        CatalogRecord.objects.live()
        .filter(formed_date__isnull=False, first_published_at__isnull=False)
        .select_related("department")
        .order_by("department__name", "-first_published_at", "pk")
    )
    if department is not None:
        queryset = queryset.filter(department=department)
    return queryset


def records_timeliness(*, department: Any = None) -> list[RecordTimeliness]:
    """Every published record (of `department`, if given) with its working days from
    信息形成日期 to first publication.

    One calendar snapshot serves all of them; a record whose span reaches a year the
    calendar lacks gets `working_days=None` (无法计算) instead of failing the whole list.
    """
    records = list(_published_records(department))
    years: set[int] = set()
    for record in records:
        years |= _span_years(record.formed_date, record.first_public_date)
    calendar = Calendar.load(years)
    limit = timeliness_limit()
    return [
        RecordTimeliness(
            record, _working_days(record.formed_date, record.first_public_date, calendar), limit
        )
        for record in records
    ]


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


# --- unpublished records: how close they are to the limit ---------------------------------------


@dataclass(frozen=True)
class PendingTimeliness:
    """A record not yet public (a draft, or in review) and the working days it has used.

    `working_day` is the number of working days after its 信息形成日期 up to `today`
    (None: 无法计算, the calendar lacks a year).
    """

    record: CatalogRecord
    working_day: int | None
    limit: int
    in_review: bool

    @property
    def computable(self) -> bool:
        return self.working_day is not None

    @property
    def remaining(self) -> int | None:
        return None if self.working_day is None else self.limit - self.working_day

    @property
    def overdue(self) -> bool:
        return self.working_day is not None and self.working_day > self.limit

    @property
    def days_over(self) -> int:
        return max((self.working_day or 0) - self.limit, 0)

    @property
    def department_name(self) -> str:
        return self.record.department.name if self.record.department_id else ""


def _in_review_ids(pks: Iterable[int]) -> set[int]:
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page, WorkflowState

    keys = [str(pk) for pk in pks]
    if not keys:
        return set()
    return {
        int(object_id)
        for object_id in WorkflowState.objects.filter(
            base_content_type=ContentType.objects.get_for_model(Page),
            status=WorkflowState.STATUS_IN_PROGRESS,
            object_id__in=keys,
        ).values_list("object_id", flat=True)
    }


def unpublished_records() -> QuerySet[CatalogRecord]:
    """Every record that never went public and is meant to (主动公开): drafts and records
    in review. A never-published page's row holds its draft."""
    return CatalogRecord.objects.filter(
        live=False,
        first_published_at__isnull=True,
        withdrawn_at__isnull=True,
        formed_date__isnull=False,
        disclosure=DisclosureAttribute.PROACTIVE,
    ).select_related("department")


def unpublished_records_for(user: Any) -> QuerySet[CatalogRecord]:
    """The unpublished records (`unpublished_records`) that `user` works on."""
    return filter_department_owned(unpublished_records(), user)


def records_approaching_limit(user: Any, today: date) -> list[PendingTimeliness]:
    """Drafts and records in review of `user`'s departments (all of them for bureau-wide
    roles) that have reached working day `TIMELINESS_WARN_AT` since their 信息形成日期 on
    `today`, overdue ones included, and those whose count cannot be computed.

    Ordered by department, then fewest working days left first; 无法计算 rows last in
    their department.
    """
    return pending_near_limit(unpublished_records_for(user), today)


def pending_near_limit(records: Iterable[CatalogRecord], today: date) -> list[PendingTimeliness]:
    """`records_approaching_limit` over any set of unpublished records (the reminder
    source passes all of them)."""
    records = list(records)
    years: set[int] = set()
    for record in records:
        years |= _span_years(record.formed_date, today)
    calendar = Calendar.load(years)
    limit, warn_at = timeliness_limit(), timeliness_warn_at()
    in_review = _in_review_ids(r.pk for r in records)
    rows = []
    for record in records:
        day = _working_days(record.formed_date, today, calendar)
        if day is None or day >= warn_at:
            rows.append(PendingTimeliness(record, day, limit, record.pk in in_review))
    rows.sort(
        key=lambda row: (
            row.department_name,
            row.working_day is None,
            -(row.working_day or 0),
            row.record.pk,
        )
    )
    return rows


def group_by_department(rows: list[Any]) -> list[tuple[str, list[Any]]]:
    """[(department name, rows)] in the rows' order (they are sorted by department)."""
    return [(name, list(group)) for name, group in groupby(rows, key=lambda r: r.department_name)]


def lateness_warning(formed: date | None, today: date | None = None) -> str | None:
    """A warning for a record formed on `formed` that is not public on `today` (e.g. a Word
    file just imported as a draft): None while it can still be published in time."""
    from django.utils import timezone

    if formed is None:
        return None
    today = today or timezone.localdate()
    calendar = Calendar.load(_span_years(formed, today))
    days = _working_days(formed, today, calendar)
    limit = timeliness_limit()
    if days is None:
        return _(
            "The document is dated %(date)s: whether it can still be published within %(limit)s "
            "working days cannot be computed, because the working-day calendar lacks a year."
        ) % {"date": formed.isoformat(), "limit": limit}
    if days <= limit:
        return None
    return _(
        "The document is dated %(date)s, %(days)s working days ago: past the limit of "
        "%(limit)s working days (条例 第26条). Once published, this record will count as late "
        "(%(over)s working days over)."
    ) % {"date": formed.isoformat(), "days": days, "limit": limit, "over": days - limit}


# --- 条例 第18条: re-review of withheld records ----------------------------------------------


@dataclass(frozen=True)
class RereviewDue:
    """A withheld record (不予公开) and its re-review date (复查日期) as of `today`."""

    record: CatalogRecord
    due: date
    today: date
    soon_days: int

    @property
    def days_left(self) -> int:
        """Calendar days until the re-review date (negative: overdue)."""
        return (self.due - self.today).days

    @property
    def overdue(self) -> bool:
        return self.due < self.today

    @property
    def due_soon(self) -> bool:
        return not self.overdue and self.days_left <= self.soon_days

    @property
    def department_name(self) -> str:
        return self.record.department.name if self.record.department_id else ""

    @property
    def department_id(self) -> int | None:
        return self.record.department_id


def withheld_records() -> QuerySet[CatalogRecord]:
    """Every record decided 不予公开 that carries a re-review date (条例 第18条)."""
    return (
        CatalogRecord.objects.filter(
            disclosure=DisclosureAttribute.WITHHELD, rereview_date__isnull=False
        )
        .select_related("department")
        .order_by("rereview_date", "pk")
    )


def _rereview_rows(queryset: QuerySet[CatalogRecord], today: date) -> list[RereviewDue]:
    soon = rereview_soon_days()
    return [RereviewDue(record, record.rereview_date, today, soon) for record in queryset]


def rereviews_due(today: date, within_days: int) -> list[RereviewDue]:
    """Withheld records whose re-review date is on or before `today + within_days`
    (overdue ones included), earliest first, whatever the department.

    The reminder source for the notification service: each row names the record, its due
    date and its department (`department_id`), whose staff are the ones to remind. The
    caller decides whom to notify and how often; this read has no side effects.
    """
    limit = today + timedelta(days=max(int(within_days), 0))
    return _rereview_rows(withheld_records().filter(rereview_date__lte=limit), today)


def rereviews_for(user: Any, today: date, *, within_days: int | None = None) -> list[RereviewDue]:
    """The withheld records `user` works on (department rule) with their re-review dates,
    earliest first; only those due within `within_days` if given."""
    queryset = filter_department_owned(withheld_records(), user)
    if within_days is not None:
        queryset = queryset.filter(rereview_date__lte=today + timedelta(days=within_days))
    return _rereview_rows(queryset, today)
