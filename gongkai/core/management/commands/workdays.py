"""Compute a deadline, or count working days, from the command line."""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from gongkai.core.calendar_csv import parse_date
from gongkai.core.workdays import (
    Pause,
    Unit,
    WorkdayError,
    count_working_days,
    explain_deadline,
)


def _date(text: str) -> date:
    day = parse_date(text)
    if day is None:
        raise CommandError(_("“%(value)s” is not a date (write 2026-09-28).") % {"value": text})
    return day


def _pause(text: str) -> Pause:
    parts = text.split(":", 2)
    if len(parts) < 2:
        raise CommandError(
            _("“%(value)s” is not a pause; write FROM:TO or FROM:TO:REASON.") % {"value": text}
        )
    return Pause(_date(parts[0]), _date(parts[1]), parts[2] if len(parts) == 3 else "")


class Command(BaseCommand):
    help = (
        "Due date N working days after START, with its explanation "
        "(workdays 2026-09-28 20), or with --count the working days between two dates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("start", help="the day of the triggering event, YYYY-MM-DD")
        parser.add_argument("n", help="number of days, or with --count the end date")
        parser.add_argument(
            "--count",
            action="store_true",
            help="count the working days after START up to and including the second date",
        )
        parser.add_argument(
            "--calendar-days", action="store_true", help="N is in calendar days (自然日)"
        )
        parser.add_argument(
            "--pause",
            action="append",
            default=[],
            metavar="FROM:TO[:REASON]",
            help="a span when the clock stops (repeatable)",
        )
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **options) -> None:
        start = _date(options["start"])
        try:
            if options["count"]:
                end = _date(options["n"])
                count = count_working_days(start, end)
                if options["json"]:
                    payload = {"start": start.isoformat(), "end": end.isoformat(), "count": count}
                    self.stdout.write(json.dumps(payload, ensure_ascii=False))
                else:
                    self.stdout.write(
                        _("%(count)s working days after %(start)s up to and including %(end)s")
                        % {"count": count, "start": start.isoformat(), "end": end.isoformat()}
                    )
                return
            try:
                n = int(options["n"])
            except ValueError:
                raise CommandError(
                    _("“%(value)s” is not a whole number of days.") % {"value": options["n"]}
                ) from None
            unit = Unit.CALENDAR_DAYS if options["calendar_days"] else Unit.WORKING_DAYS
            pauses = [_pause(p) for p in options["pause"]]
            explanation = explain_deadline(start, n, unit, pauses)
        except WorkdayError as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            self.stdout.write(json.dumps(explanation.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(str(explanation))
