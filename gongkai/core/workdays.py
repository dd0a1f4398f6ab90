"""Working days (工作日) and deadlines: the one place every deadline is computed.

REGULATIONS.md §1. A working day is Monday to Friday, except statutory
holidays, plus the weekend days that the State Council notice makes working
days (调休上班日). The calendar is data (`CalendarYear` / `CalendarDay`); a
date in a year that is not in it raises `CalendarYearMissing`, never a guess.

Every function here is pure apart from loading the calendar. Pass one
`Calendar` snapshot (`Calendar.load()`) as `calendar=` when computing many
deadlines in a loop.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from types import MappingProxyType
from typing import Any, NamedTuple

from django.db import models
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

# Nothing the statutes set comes near this; a larger n is a typo or an attack.
MAX_DAYS = 1000

ONE_DAY = timedelta(days=1)
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2999, 12, 31)


class Unit(models.TextChoices):
    WORKING_DAYS = "working_days", pgettext_lazy("deadline unit", "working days")
    CALENDAR_DAYS = "calendar_days", pgettext_lazy("deadline unit", "calendar days")


class WorkdayError(ValueError):
    """A deadline cannot be computed. `str(error)` is the Chinese explanation."""

    def __init__(self, message: Any, params: Mapping[str, Any] | None = None) -> None:
        self.message = message
        self.params = dict(params or {})
        super().__init__(str(message))

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


class CalendarYearMissing(WorkdayError):
    """The calendar has no data for `year`: the deadline would be a guess."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            _(
                "The working-day calendar has no data for %(year)s, so this deadline "
                "cannot be computed. Add the year from the State Council holiday notice "
                "in the admin (Settings → Working-day calendar) or with "
                "`manage.py calendar_year add %(year)s --csv FILE --source NOTICE`."
            ),
            {"year": year},
        )


class Pause(NamedTuple):
    """A span when the clock stops (e.g. 条例 第32条: third-party consultation).

    `start` and `end` are inclusive; no day inside counts.
    """

    start: date
    end: date
    reason: str = ""


class HolidayDay(NamedTuple):
    date: date
    name: str


# --- the calendar snapshot ---------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Calendar:
    """An immutable snapshot of the working-day calendar.

    `holidays` maps a date to its holiday name, `makeup` holds the make-up
    working days, `years` the years the data covers. Any year not in `years`
    is unknown, not "no holidays".
    """

    holidays: Mapping[date, str]
    makeup: frozenset[date]
    years: frozenset[int]
    makeup_names: Mapping[date, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "holidays", MappingProxyType(dict(self.holidays)))
        object.__setattr__(self, "makeup", frozenset(self.makeup))
        object.__setattr__(self, "years", frozenset(self.years))
        object.__setattr__(self, "makeup_names", MappingProxyType(dict(self.makeup_names)))

    @classmethod
    def load(cls, years: Iterable[int] | None = None) -> Calendar:
        """Read the calendar from the database (all years, or just `years`)."""
        from .models import CalendarDay, CalendarYear

        year_qs = CalendarYear.objects.all()
        day_qs = CalendarDay.objects.all()
        if years is not None:
            wanted = set(years)
            year_qs = year_qs.filter(year__in=wanted)
            day_qs = day_qs.filter(calendar_year__year__in=wanted)
        rows = day_qs.values_list("date", "kind", "name")
        return cls.from_entries(rows, years=year_qs.values_list("year", flat=True))

    @classmethod
    def from_entries(
        cls, entries: Iterable[tuple[date, str, str]], *, years: Iterable[int]
    ) -> Calendar:
        """Build a snapshot from (date, kind, name) rows covering `years`."""
        from .models import DayKind

        holidays: dict[date, str] = {}
        makeup: dict[date, str] = {}
        for day, kind, name in entries:
            (holidays if kind == DayKind.HOLIDAY else makeup)[day] = name
        return cls(holidays, frozenset(makeup), frozenset(years), makeup)

    # -- single days ----------------------------------------------------------------------

    def covers(self, year: int) -> bool:
        return year in self.years

    def require(self, year: int) -> None:
        if year not in self.years:
            raise CalendarYearMissing(year)

    def is_working_day(self, day: date) -> bool:
        day = _as_date(day)
        self.require(day.year)
        if day in self.makeup:
            return True
        return day.weekday() < 5 and day not in self.holidays

    # -- counting ---------------------------------------------------------------------------

    @cached_property
    def _working_ordinals(self) -> array:
        """Ordinals of every working day in the covered years, ascending."""
        out = array("l")
        for year in sorted(self.years):
            day = date(year, 1, 1)
            while day.year == year:
                if day in self.makeup or (day.weekday() < 5 and day not in self.holidays):
                    out.append(day.toordinal())
                day += ONE_DAY
        return out

    def _require_span(self, first_year: int, last_year: int) -> None:
        for year in range(first_year, last_year + 1):
            self.require(year)

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start`; see the module function."""
        start = _as_date(start)
        n = _check_n(n)
        if n == 0:
            return start
        ordinals = self._working_ordinals
        index = bisect_right(ordinals, start.toordinal()) + n - 1
        first_year = (start + ONE_DAY).year
        if index >= len(ordinals):
            # Runs past the last covered year: name the first year we lack.
            self._require_span(first_year, max(self.years, default=first_year) + 1)
        due = date.fromordinal(ordinals[index])
        # A gap year (e.g. 2026 and 2028 present, 2027 not) must not be skipped over.
        self._require_span(first_year, due.year)
        return due

    def count_working_days(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`."""
        start, end = _as_date(start), _as_date(end)
        if end < start:
            raise WorkdayError(
                _("The end date %(end)s is before the start date %(start)s."),
                {"start": start.isoformat(), "end": end.isoformat()},
            )
        if end == start:
            return 0
        self._require_span((start + ONE_DAY).year, end.year)
        ordinals = self._working_ordinals
        return bisect_right(ordinals, end.toordinal()) - bisect_right(ordinals, start.toordinal())


# --- validation of inputs ----------------------------------------------------------------


def _as_date(value: Any) -> date:
    # A timestamp counts from its local calendar day (Asia/Shanghai).
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if not isinstance(value, date):
        raise WorkdayError(_("“%(value)s” is not a date."), {"value": value})
    if not MIN_DATE <= value <= MAX_DATE:
        # Far outside any calendar, and date arithmetic would overflow.
        raise WorkdayError(_("%(value)s is out of range."), {"value": value.isoformat()})
    return value


def _check_n(n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise WorkdayError(_("The number of days must be a whole number, not “%(n)s”."), {"n": n})
    if n < 0:
        raise WorkdayError(_("The number of days cannot be negative (%(n)s)."), {"n": n})
    if n > MAX_DAYS:
        raise WorkdayError(
            _("%(n)s days is more than the %(max)s a deadline can have."),
            {"n": n, "max": MAX_DAYS},
        )
    return n


def _check_unit(unit: Any) -> Unit:
    try:
        return Unit(unit)
    except ValueError:
        raise WorkdayError(
            _("Unknown unit “%(unit)s”: use working_days or calendar_days."), {"unit": unit}
        ) from None


def _check_pauses(pauses: Iterable[Any]) -> tuple[Pause, ...]:
    out = []
    for raw in pauses:
        try:
            pause = Pause(*raw)
        except TypeError:
            raise WorkdayError(
                _("A pause is (from, to, reason), not “%(value)s”."), {"value": raw}
            ) from None
        start, end = _as_date(pause.start), _as_date(pause.end)
        if end < start:
            raise WorkdayError(
                _("The pause %(start)s to %(end)s ends before it starts."),
                {"start": start.isoformat(), "end": end.isoformat()},
            )
        out.append(Pause(start, end, str(pause.reason or "")))
    return tuple(out)


def _calendar(calendar: Calendar | None) -> Calendar:
    return calendar if calendar is not None else Calendar.load()


# --- the contract ------------------------------------------------------------------------


def add_working_days(start: date, n: int, *, calendar: Calendar | None = None) -> date:
    """The date `n` working days after `start`.

    民法典 第201条: a period counted in days starts on the day after the event,
    so `start` itself never counts, and the result is always a working day
    (for n > 0). Raises CalendarYearMissing if the count reaches a year the
    calendar lacks, WorkdayError for a negative or absurd `n`.
    """
    return _calendar(calendar).add_working_days(start, n)


def count_working_days(start: date, end: date, *, calendar: Calendar | None = None) -> int:
    """How many working days lie after `start`, up to and including `end`."""
    return _calendar(calendar).count_working_days(start, end)


def is_working_day(day: date, *, calendar: Calendar | None = None) -> bool:
    return _calendar(calendar).is_working_day(day)


def add_days(
    start: date,
    n: int,
    unit: Unit | str,
    *,
    pauses: Iterable[Pause | tuple] = (),
    calendar: Calendar | None = None,
) -> date:
    """The due date `n` units after `start`, the clock stopped during `pauses`.

    Calendar days: 民法典 第201条 (start the next day) and 第203条 (a period
    whose last day is a statutory rest day ends on the next working day).
    """
    unit = _check_unit(unit)
    pauses = _check_pauses(pauses)
    if unit == Unit.WORKING_DAYS and not pauses:
        return add_working_days(start, n, calendar=calendar)
    return explain_deadline(start, n, unit, pauses, calendar=calendar).due


# --- explanations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PauseSpan:
    pause: Pause
    days: int  # days inside (start, due] that the pause kept from counting


@dataclass(frozen=True)
class DeadlineExplanation:
    """How a due date came about, for staff and for the public (期限说明)."""

    start: date
    n: int
    unit: Unit
    due: date
    holidays_skipped: tuple[HolidayDay, ...] = ()
    weekend_days_skipped: int = 0
    makeup_days_counted: tuple[HolidayDay, ...] = ()
    pauses: tuple[PauseSpan, ...] = ()
    rolled_over_from: date | None = None  # 民法典 第203条 (calendar days only)

    @property
    def paused_days(self) -> int:
        return sum(span.days for span in self.pauses)

    def holiday_groups(self) -> list[tuple[str, date, date, int]]:
        """Consecutive skipped holidays of one name: (name, first, last, days)."""
        groups: list[tuple[str, date, date, int]] = []
        for day, name in self.holidays_skipped:
            if groups and groups[-1][0] == name and groups[-1][2] + ONE_DAY == day:
                g_name, first, _last, count = groups[-1]
                groups[-1] = (g_name, first, day, count + 1)
            else:
                groups.append((name, day, day, 1))
        return groups

    def _short(self, day: date) -> str:
        if day.year == self.start.year:
            return gettext("%(month)s/%(day)s") % {"month": day.month, "day": day.day}
        return gettext("%(month)s/%(day)s/%(year)s") % {
            "year": day.year,
            "month": day.month,
            "day": day.day,
        }

    def _span(self, first: date, last: date) -> str:
        if first == last:
            return self._short(first)
        return gettext("%(first)s to %(last)s") % {
            "first": self._short(first),
            "last": self._short(last),
        }

    @staticmethod
    def _days(count: int) -> str:
        return ngettext("%(count)s day", "%(count)s days", count) % {"count": count}

    def lines(self) -> list[str]:
        """The explanation in the active language, one fact per line."""
        out = [
            gettext("Start: %(date)s (counting starts the next day)")
            % {"date": self.start.isoformat()},
            gettext("Period: %(n)s %(unit)s") % {"n": self.n, "unit": self.unit.label},
        ]
        if self.holidays_skipped:
            groups = [
                gettext("%(name)s %(span)s (%(days)s)")
                % {"name": name, "span": self._span(first, last), "days": self._days(count)}
                for name, first, last, count in self.holiday_groups()
            ]
            out.append(
                gettext("Statutory holidays skipped: %(list)s")
                % {"list": gettext("; ").join(groups)}
            )
        if self.weekend_days_skipped:
            out.append(
                gettext("Weekend days skipped: %(days)s")
                % {"days": self._days(self.weekend_days_skipped)}
            )
        if self.makeup_days_counted:
            days = gettext(", ").join(
                gettext("%(date)s (%(weekday)s)")
                % {"date": self._short(day), "weekday": WEEKDAYS[day.weekday()]}
                for day, _name in self.makeup_days_counted
            )
            out.append(gettext("Make-up working days: %(list)s counted") % {"list": days})
        for span in self.pauses:
            pause = span.pause
            out.append(
                gettext("Paused: %(span)s (%(reason)s), %(days)s not counted")
                % {
                    "span": self._span(pause.start, pause.end),
                    "reason": pause.reason or gettext("no reason given"),
                    "days": self._days(span.days),
                }
            )
        if self.rolled_over_from is not None:
            out.append(
                gettext(
                    "The last day, %(date)s, is a rest day, so the period ends on the next "
                    "working day (民法典 第203条)"
                )
                % {"date": self.rolled_over_from.isoformat()}
            )
        out.append(
            gettext("Due: %(date)s (%(weekday)s)")
            % {"date": self.due.isoformat(), "weekday": WEEKDAYS[self.due.weekday()]}
        )
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form (API, benchmarks, stored snapshots)."""
        return {
            "start": self.start.isoformat(),
            "n": self.n,
            "unit": self.unit.value,
            "due": self.due.isoformat(),
            "holidays_skipped": [
                {"date": d.isoformat(), "name": name} for d, name in self.holidays_skipped
            ],
            "weekend_days_skipped": self.weekend_days_skipped,
            "makeup_days_counted": [
                {"date": d.isoformat(), "name": name} for d, name in self.makeup_days_counted
            ],
            "pauses": [
                {
                    "start": s.pause.start.isoformat(),
                    "end": s.pause.end.isoformat(),
                    "reason": s.pause.reason,
                    "days": s.days,
                }
                for s in self.pauses
            ],
            "rolled_over_from": self.rolled_over_from.isoformat()
            if self.rolled_over_from
            else None,
            "lines": self.lines(),
        }


def explain_deadline(
    start: date,
    n: int,
    unit: Unit | str = Unit.WORKING_DAYS,
    pauses: Iterable[Pause | tuple] = (),
    *,
    calendar: Calendar | None = None,
) -> DeadlineExplanation:
    """Compute the due date day by day and record why each day did or did not count.

    Counting starts the day after `start` (民法典 第201条). Days inside a pause
    never count. For calendar days a last day that is a rest day moves to the
    next working day (民法典 第203条).
    """
    start = _as_date(start)
    n = _check_n(n)
    unit = _check_unit(unit)
    pauses = _check_pauses(pauses)
    cal = _calendar(calendar)

    holidays: list[HolidayDay] = []
    makeup: list[HolidayDay] = []
    weekend = 0
    paused: dict[int, int] = {}

    def pause_index(day: date) -> int | None:
        for i, pause in enumerate(pauses):
            if pause.start <= day <= pause.end:
                return i
        return None

    def skip(day: date) -> None:
        nonlocal weekend
        if day in cal.holidays:
            holidays.append(HolidayDay(day, cal.holidays[day]))
        else:
            weekend += 1

    day, counted = start, 0
    while counted < n:
        day += ONE_DAY
        i = pause_index(day)
        if i is not None:
            paused[i] = paused.get(i, 0) + 1
            continue
        if unit == Unit.CALENDAR_DAYS:
            counted += 1
        elif cal.is_working_day(day):
            counted += 1
            if day in cal.makeup:
                makeup.append(HolidayDay(day, cal.makeup_names.get(day, "")))
        else:
            skip(day)

    rolled_from = None
    if unit == Unit.CALENDAR_DAYS and n > 0:
        # 民法典 第203条: the last day being a statutory rest day, the period
        # ends on the day after the rest days.
        last = day
        while not cal.is_working_day(day) or pause_index(day) is not None:
            i = pause_index(day)
            if i is not None:
                paused[i] = paused.get(i, 0) + 1
            else:
                skip(day)
            day += ONE_DAY
        if day != last:
            rolled_from = last

    return DeadlineExplanation(
        start=start,
        n=n,
        unit=unit,
        due=day,
        holidays_skipped=tuple(holidays),
        weekend_days_skipped=weekend,
        makeup_days_counted=tuple(makeup),
        pauses=tuple(PauseSpan(pauses[i], paused[i]) for i in sorted(paused)),
        rolled_over_from=rolled_from,
    )
