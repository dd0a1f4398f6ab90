"""Working-day API: /api/v1/workdays/ (public; the calendar is public information).

Parameters are read as text and parsed here, so that every bad input gets a
400 with a Chinese `detail` instead of the framework's English 422.
"""

from datetime import date

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from .calendar_csv import parse_date
from .workdays import (
    MAX_DAYS,
    Calendar,
    Unit,
    WorkdayError,
    count_working_days,
    explain_deadline,
    is_working_day,
)

PREFIX = "workdays"

router = Router(tags=["工作日 workdays"])


class Error(Schema):
    detail: str


class NamedDay(Schema):
    date: date
    name: str


class PausedSpan(Schema):
    start: date
    end: date
    reason: str
    days: int


class DeadlineOut(Schema):
    start: date
    n: int
    unit: str
    due: date
    holidays_skipped: list[NamedDay]
    weekend_days_skipped: int
    makeup_days_counted: list[NamedDay]
    pauses: list[PausedSpan]
    rolled_over_from: date | None
    lines: list[str] = Field(description="the explanation in Chinese, one fact per line")


class CountOut(Schema):
    start: date
    end: date
    count: int


class DayOut(Schema):
    date: date
    is_working_day: bool
    holiday: str | None


class AddQuery(Schema):
    start: str | None = Field(None, description="day of the triggering event, YYYY-MM-DD")
    n: str | None = Field(None, description="number of days (0–1000)")
    unit: str | None = Field(None, description="working_days (default) or calendar_days")


class CountQuery(Schema):
    start: str | None = Field(None, description="YYYY-MM-DD; not counted")
    end: str | None = Field(None, description="YYYY-MM-DD; counted")


class DayQuery(Schema):
    date: str | None = Field(None, description="YYYY-MM-DD")


def _required(value: str | None, name: str) -> str:
    if value is None or not value.strip():
        raise HttpError(400, _("The parameter “%(name)s” is required.") % {"name": name})
    return value


def _date(value: str | None, name: str) -> date:
    day = parse_date(_required(value, name))
    if day is None:
        raise HttpError(
            400,
            _("%(name)s: “%(value)s” is not a date (write 2026-09-28).")
            % {"name": name, "value": value},
        )
    return day


def _workday_error(error: WorkdayError) -> HttpError:
    return HttpError(400, str(error))


@router.get(
    "/add",
    response={200: DeadlineOut, 400: Error},
    summary="计算期限：某日起 N 个工作日（或自然日）后的到期日及说明",
)
def add(request, q: Query[AddQuery]):
    start = _date(q.start, "start")
    n_text = _required(q.n, "n").strip()
    if not (n_text.isascii() and n_text.isdigit()):
        raise HttpError(400, _("n: “%(value)s” is not a whole number of days.") % {"value": q.n})
    if len(n_text) > len(str(MAX_DAYS)):
        raise HttpError(400, _("n: %(max)s days at most.") % {"max": MAX_DAYS})
    try:
        unit = Unit(q.unit or Unit.WORKING_DAYS)
    except ValueError:
        raise HttpError(
            400,
            _("unit: “%(value)s” is unknown; use working_days or calendar_days.")
            % {"value": q.unit},
        ) from None
    try:
        return explain_deadline(start, int(n_text), unit).as_dict()
    except WorkdayError as error:
        raise _workday_error(error) from None


@router.get(
    "/count",
    response={200: CountOut, 400: Error},
    summary="统计两日之间的工作日数（自次日起算，含截止日）",
)
def count(request, q: Query[CountQuery]):
    start, end = _date(q.start, "start"), _date(q.end, "end")
    try:
        return {"start": start, "end": end, "count": count_working_days(start, end)}
    except WorkdayError as error:
        raise _workday_error(error) from None


@router.get("/day", response={200: DayOut, 400: Error}, summary="某日是否为工作日")
def day(request, q: Query[DayQuery]):
    when = _date(q.date, "date")
    try:
        calendar = Calendar.load(years=[when.year])
        working = is_working_day(when, calendar=calendar)
    except WorkdayError as error:
        raise _workday_error(error) from None
    return {"date": when, "is_working_day": working, "holiday": calendar.holidays.get(when)}
