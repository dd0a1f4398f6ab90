"""List, show, add and delete years of the working-day calendar (工作日历)."""

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.core.calendar_csv import calendar_csv, parse_calendar_csv, parse_date
from gongkai.core.models import CalendarDay, CalendarYear, DayKind
from gongkai.core.services import (
    CalendarEntry,
    calendar_year_delete,
    calendar_year_save,
)


def _messages(error: ValidationError) -> str:
    return "\n".join(str(m) for m in error.messages)


def _typed_entries(values: list[str], kind: str) -> list[CalendarEntry]:
    """`2027-01-01:元旦` or a range `2027-10-01..2027-10-07:国庆节`."""
    entries = []
    for value in values:
        when, sep, name = value.partition(":")
        first_text, _dots, last_text = when.partition("..")
        first = parse_date(first_text)
        last = parse_date(last_text) if last_text else first
        if not sep or first is None or last is None or last < first:
            raise CommandError(
                _("“%(value)s” is not DATE:NAME or FIRST..LAST:NAME, e.g. 2027-01-01:元旦.")
                % {"value": value}
            )
        day = first
        while day <= last:
            entries.append(CalendarEntry(day, kind, name.strip()))
            day += timedelta(days=1)
    return entries


class Command(BaseCommand):
    help = "Manage the working-day calendar: list, show YEAR, add YEAR, delete YEAR."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="every year in the calendar")

        show = sub.add_parser("show", help="the holidays and make-up working days of a year")
        show.add_argument("year", type=int)
        show.add_argument("--csv", action="store_true", help="print as CSV (date,kind,name)")

        add = sub.add_parser("add", help="add a year (or with --replace, replace it) from a notice")
        add.add_argument("year", type=int)
        add.add_argument("--csv", metavar="FILE", help="CSV file: date,kind,name")
        add.add_argument(
            "--holiday",
            action="append",
            default=[],
            metavar="DATE[..DATE]:NAME",
            help="a holiday, e.g. 2027-01-01:元旦 or 2027-10-01..2027-10-07:国庆节",
        )
        add.add_argument(
            "--makeup",
            action="append",
            default=[],
            metavar="DATE:NAME",
            help="a make-up working day, e.g. 2027-02-07:春节",
        )
        add.add_argument("--source", required=True, help="the State Council notice")
        add.add_argument("--notes", default="")
        add.add_argument("--replace", action="store_true", help="replace an existing year")

        delete = sub.add_parser("delete", help="delete a year")
        delete.add_argument("year", type=int)
        delete.add_argument("--yes", action="store_true", help="confirm the deletion")

    def handle(self, *args, **options) -> None:
        getattr(self, f"do_{options['action']}")(options)

    def do_list(self, options) -> None:
        years = CalendarYear.objects.annotate(
            holidays=Count("days", filter=Q(days__kind=DayKind.HOLIDAY)),
            makeup=Count("days", filter=Q(days__kind=DayKind.MAKEUP_WORKDAY)),
        ).order_by("year")
        self.stdout.write(_("year  holidays  make-up days  source"))
        for y in years:
            self.stdout.write(f"{y.year}  {y.holidays:>8}  {y.makeup:>12}  {y.source}")
        if not years:
            self.stdout.write(_("The calendar is empty."))
        next_year = timezone.localdate().year + 1
        if not CalendarYear.objects.filter(year=next_year).exists():
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "%(year)s is not in the calendar yet: deadlines that reach it cannot be "
                        "computed. Add it when the State Council notice is out."
                    )
                    % {"year": next_year}
                )
            )

    def _year(self, year: int) -> CalendarYear:
        cal_year = CalendarYear.objects.filter(year=year).first()
        if cal_year is None:
            raise CommandError(_("The calendar has no year %(year)s.") % {"year": year})
        return cal_year

    def do_show(self, options) -> None:
        cal_year = self._year(options["year"])
        days = list(CalendarDay.objects.filter(calendar_year=cal_year).order_by("date"))
        if options["csv"]:
            self.stdout.write(
                calendar_csv([CalendarEntry(d.date, d.kind, d.name) for d in days]), ending=""
            )
            return
        self.stdout.write(
            _("%(year)s — source: %(source)s") % {"year": cal_year.year, "source": cal_year.source}
        )
        if cal_year.notes:
            self.stdout.write(cal_year.notes)
        for day in days:
            self.stdout.write(f"{day.date:%Y-%m-%d}  {day.get_kind_display()}  {day.name}")

    def do_add(self, options) -> None:
        year = options["year"]
        entries: list[CalendarEntry] = []
        try:
            if options["csv"]:
                path = Path(options["csv"])
                try:
                    data = path.read_bytes()
                except OSError as error:
                    raise CommandError(
                        _("Cannot read %(path)s: %(error)s")
                        % {"path": path, "error": error.strerror}
                    ) from None
                entries += parse_calendar_csv(data)
            entries += _typed_entries(options["holiday"], DayKind.HOLIDAY)
            entries += _typed_entries(options["makeup"], DayKind.MAKEUP_WORKDAY)
            if not entries:
                raise CommandError(_("Give the days with --csv FILE or --holiday/--makeup."))
            if not options["replace"] and CalendarYear.objects.filter(year=year).exists():
                raise CommandError(
                    _("%(year)s is already in the calendar; add --replace to replace its days.")
                    % {"year": year}
                )
            calendar_year_save(
                year=year, entries=entries, source=options["source"], notes=options["notes"]
            )
        except ValidationError as error:
            raise CommandError(_messages(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("Saved %(year)s: %(count)s days.") % {"year": year, "count": len(entries)}
            )
        )

    def do_delete(self, options) -> None:
        year = options["year"]
        self._year(year)
        if not options["yes"]:
            raise CommandError(
                _("Deleting %(year)s stops every deadline that reaches it; add --yes to confirm.")
                % {"year": year}
            )
        try:
            calendar_year_delete(year=year)
        except ValidationError as error:
            raise CommandError(_messages(error)) from None
        self.stdout.write(self.style.SUCCESS(_("Deleted %(year)s.") % {"year": year}))
