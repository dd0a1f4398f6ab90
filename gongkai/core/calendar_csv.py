"""Reading a year of the working-day calendar from CSV.

Format, one day a line: `date,kind,name`, e.g.

    date,kind,name
    2027-01-01,holiday,元旦
    2027-02-07,班,春节

- the header line is optional;
- kind is holiday / makeup_workday, or 休 / 班, or 放假 / 上班;
- dates are 2027-01-01, 2027/1/1 (as Excel writes them) or 2027年1月1日;
- UTF-8 with or without BOM. Excel in Chinese saves "CSV" as GBK, so a file
  that is not UTF-8 is read as GB18030 before giving up;
- blank lines and lines starting with # are ignored.

The parser checks each line on its own and names the line in its errors;
the year-level rules (dates in the year, duplicates, make-up days on
weekends) are `services.calendar_year_validate`'s.
"""

import csv
import io
import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import DayKind
from .services import CalendarEntry

MAX_LINES = 1000

KIND_ALIASES: dict[str, str] = {
    "holiday": DayKind.HOLIDAY,
    "休": DayKind.HOLIDAY,
    "放假": DayKind.HOLIDAY,
    "makeup_workday": DayKind.MAKEUP_WORKDAY,
    "班": DayKind.MAKEUP_WORKDAY,
    "上班": DayKind.MAKEUP_WORKDAY,
}
HEADER_FIRST_CELLS = {"date", "日期"}

_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_date(text: str) -> date | None:
    """2027-01-01, 2027/1/1, 2027.1.1 or 2027年1月1日; None if not a real date."""
    match = _DATE_RE.match(text.strip())
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def decode_csv(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("The file is not a text file in UTF-8."), code="encoding")


def parse_calendar_csv(data: str | bytes) -> list[CalendarEntry]:
    """Parse CSV text (or the bytes of an upload) into calendar entries.

    Raises ValidationError listing every bad line by number.
    """
    text = decode_csv(data) if isinstance(data, bytes) else data
    text = text.removeprefix("\ufeff")
    errors: list[ValidationError] = []
    entries: list[CalendarEntry] = []
    seen_content = False
    for line_no, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [cell.strip() for cell in row]
        # Excel pads short rows with commas; an empty name column stays a column.
        while len(cells) > 3 and not cells[-1]:
            cells.pop()
        if not any(cells):
            continue
        if not cells or cells[0].startswith("#"):
            continue
        if not seen_content:
            seen_content = True
            if cells[0].lower() in HEADER_FIRST_CELLS:
                continue
        if len(entries) + len(errors) >= MAX_LINES:
            errors.append(
                ValidationError(
                    _("Line %(line)s: more than %(max)s lines; one year has far fewer days."),
                    params={"line": line_no, "max": MAX_LINES},
                )
            )
            break
        if len(cells) != 3:
            errors.append(
                ValidationError(
                    _("Line %(line)s: expected 3 columns (date,kind,name), found %(count)s."),
                    params={"line": line_no, "count": len(cells)},
                )
            )
            continue
        raw_date, raw_kind, name = cells
        day = parse_date(raw_date)
        kind = KIND_ALIASES.get(raw_kind.lower())
        line_errors = []
        if day is None:
            line_errors.append(
                ValidationError(
                    _("Line %(line)s: “%(value)s” is not a date (write 2027-01-01)."),
                    params={"line": line_no, "value": raw_date},
                )
            )
        if kind is None:
            line_errors.append(
                ValidationError(
                    _(
                        "Line %(line)s: “%(value)s” is not a kind of day; write holiday or "
                        "makeup_workday (休 or 班, 放假 or 上班)."
                    ),
                    params={"line": line_no, "value": raw_kind},
                )
            )
        if not name:
            line_errors.append(
                ValidationError(
                    _("Line %(line)s: the holiday name is missing."),
                    params={"line": line_no},
                )
            )
        if line_errors:
            errors.extend(line_errors)
            continue
        entries.append(CalendarEntry(day, str(kind), name))
    if errors:
        raise ValidationError(errors)
    if not entries:
        raise ValidationError(_("The CSV has no days in it."), code="empty")
    return entries


def calendar_csv(entries: list[CalendarEntry]) -> str:
    """The inverse of parse_calendar_csv (for `calendar_year show --csv`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["date", "kind", "name"])
    for entry in entries:
        writer.writerow([entry.date.isoformat(), entry.kind, entry.name])
    return out.getvalue()
