"""Writes of the core app. Every change to the working-day calendar goes through here."""

import contextlib
from collections.abc import Iterable
from datetime import date
from functools import partial
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from .audit import audit
from .models import CalendarAction, CalendarDay, CalendarYear, DayKind

MIN_YEAR = 1990
MAX_YEAR = 2100
NAME_MAX_LENGTH = CalendarDay._meta.get_field("name").max_length
SOURCE_MAX_LENGTH = CalendarYear._meta.get_field("source").max_length


class CalendarEntry(NamedTuple):
    """One line of a year's calendar: a holiday or a make-up working day."""

    date: date
    kind: str
    name: str


def _error(message: Any, **params: Any) -> ValidationError:
    return ValidationError(message, params=params)


def calendar_year_validate(
    *, year: Any, entries: Iterable[Any], source: Any
) -> tuple[int, list[CalendarEntry], str]:
    """Check a year's calendar the way `calendar_year_save` will.

    Returns (year, entries sorted by date, source stripped), or raises a
    ValidationError listing every problem in Chinese. Writes nothing; the
    admin forms call it to show errors before saving.
    """
    errors: list[ValidationError] = []
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            [_error(_("“%(year)s” is not a valid year."), year=year)], code="invalid_year"
        )
    source = str(source or "").strip()
    if not source:
        errors.append(_error(_("Enter the source notice, e.g. 国办发明电〔2025〕7号."), year=year))
    elif len(source) > SOURCE_MAX_LENGTH:
        errors.append(
            _error(
                _("The source notice is longer than %(max)s characters."),
                max=SOURCE_MAX_LENGTH,
            )
        )

    clean: dict[date, CalendarEntry] = {}
    for raw in entries:
        try:
            day, kind, name = raw
        except (TypeError, ValueError):
            errors.append(_error(_("“%(value)s” is not (date, kind, name)."), value=raw))
            continue
        if isinstance(day, str):
            with contextlib.suppress(ValueError):
                day = date.fromisoformat(day.strip())
        if not isinstance(day, date):
            errors.append(_error(_("“%(value)s” is not a date."), value=day))
            continue
        label = day.isoformat()
        name = str(name or "").strip()
        if kind not in DayKind.values:
            errors.append(
                _error(
                    _("%(date)s: “%(kind)s” is not a kind of day; use holiday or makeup_workday."),
                    date=label,
                    kind=kind,
                )
            )
            continue
        if day.year != year:
            errors.append(
                _error(
                    _("%(date)s is not in %(year)s; enter it under its own year."),
                    date=label,
                    year=year,
                )
            )
            continue
        if day in clean:
            if clean[day].kind != kind:
                errors.append(
                    _error(
                        _("%(date)s is entered both as a holiday and as a make-up working day."),
                        date=label,
                    )
                )
            else:
                errors.append(_error(_("%(date)s is entered twice."), date=label))
            continue
        if kind == DayKind.MAKEUP_WORKDAY and day.weekday() < 5:
            errors.append(
                _error(
                    _(
                        "%(date)s is a %(weekday)s: a make-up working day must be a "
                        "Saturday or a Sunday."
                    ),
                    date=label,
                    weekday=WEEKDAYS[day.weekday()],
                )
            )
        if not name:
            errors.append(_error(_("%(date)s: enter the holiday's name, e.g. 春节."), date=label))
        elif len(name) > NAME_MAX_LENGTH:
            errors.append(
                _error(
                    _("%(date)s: the name is longer than %(max)s characters."),
                    date=label,
                    max=NAME_MAX_LENGTH,
                )
            )
        clean[day] = CalendarEntry(day, str(kind), name)

    if not errors and not any(e.kind == DayKind.HOLIDAY for e in clean.values()):
        # Every State Council notice has holidays; an empty year would silently
        # make 春节 a working week.
        errors.append(
            _error(
                _("%(year)s has no holidays: enter the days from the State Council notice."),
                year=year,
            )
        )
    if errors:
        raise ValidationError(errors)
    return year, sorted(clean.values()), source


def _enqueue_recompute(years: set[int]) -> None:
    from .tasks import recompute_deadlines

    transaction.on_commit(partial(recompute_deadlines.enqueue, years=sorted(years)))


@transaction.atomic
def calendar_year_save(
    *,
    year: int,
    entries: Iterable[CalendarEntry | tuple[Any, Any, Any]],
    source: str,
    notes: str = "",
    by: Any = None,
) -> CalendarYear:
    """Create or replace one year of the working-day calendar.

    `entries` are (date, kind, name) for every holiday and make-up working
    day of `year`; the year's days become exactly these. Validates first
    (see `calendar_year_validate`); bad input raises ValidationError and
    changes nothing. Writes one audit entry (CalendarAction.SAVE, with the
    dates added, removed and changed) and, when the days changed, enqueues
    the recomputation of open deadlines for the year after commit.
    """
    year, clean, source = calendar_year_validate(year=year, entries=entries, source=source)
    notes = str(notes or "").strip()
    cal_year = CalendarYear.objects.select_for_update().filter(year=year).first()
    created = cal_year is None
    before: dict[date, tuple[str, str]] = {}
    if created:
        cal_year = CalendarYear.objects.create(year=year, source=source, notes=notes)
    else:
        before = {
            d: (k, n)
            for d, k, n in CalendarDay.objects.filter(calendar_year=cal_year).values_list(
                "date", "kind", "name"
            )
        }
        cal_year.source = source
        cal_year.notes = notes
        cal_year.save()
    after = {e.date: (e.kind, e.name) for e in clean}
    days_changed = before != after
    if days_changed:
        CalendarDay.objects.filter(calendar_year=cal_year).delete()
        CalendarDay.objects.bulk_create(
            CalendarDay(calendar_year=cal_year, date=e.date, kind=e.kind, name=e.name)
            for e in clean
        )

    audit(
        cal_year,
        CalendarAction.SAVE,
        user=by,
        data={
            "year": year,
            "created": created,
            "source": source,
            "days": len(after),
            "added": [d.isoformat() for d in sorted(after.keys() - before.keys())],
            "removed": [d.isoformat() for d in sorted(before.keys() - after.keys())],
            "changed": [
                d.isoformat() for d in sorted(after.keys() & before.keys()) if after[d] != before[d]
            ],
        },
    )
    if created or days_changed:
        _enqueue_recompute({year})
    return cal_year


@transaction.atomic
def calendar_year_delete(*, year: int, by: Any = None) -> None:
    """Delete one year of the calendar and its days.

    Deadlines reaching that year can no longer be computed until it is
    entered again, so this writes an audit entry (CalendarAction.DELETE, with
    the days that were deleted) and enqueues the recomputation for the year.
    Raises ValidationError if the year does not exist.
    """
    cal_year = CalendarYear.objects.select_for_update().filter(year=year).first()
    if cal_year is None:
        raise ValidationError(
            _("The calendar has no year %(year)s."), params={"year": year}, code="not_found"
        )
    days = list(
        CalendarDay.objects.filter(calendar_year=cal_year).values_list("date", "kind", "name")
    )
    audit(
        cal_year,
        CalendarAction.DELETE,
        user=by,
        data={
            "year": year,
            "source": cal_year.source,
            "deleted": [[d.isoformat(), k, n] for d, k, n in days],
        },
    )
    cal_year.delete()
    _enqueue_recompute({year})
