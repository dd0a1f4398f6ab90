"""Seed data for the working-day calendar from the `chinese-calendar` package.

The package transcribes the State Council's yearly holiday notices
(国务院办公厅关于部分节假日安排的通知). This module only reads it; the data
migration `0002_seed_calendar` writes it with the historical models, so it
must not import gongkai's models.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

import chinese_calendar
from chinese_calendar import constants

# The years the seed covers. Fixed rather than "whatever the package has", so
# that a newer package cannot make the same migration write different data.
SEED_FIRST_YEAR = 2004
SEED_LAST_YEAR = 2026

# The package's English holiday names (constants.Holiday values) in Chinese.
HOLIDAY_NAMES: dict[str, str] = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}

HOLIDAY = "holiday"
MAKEUP_WORKDAY = "makeup_workday"


def seed_source() -> str:
    return f"chinese-calendar {chinese_calendar.__version__} (国务院办公厅节假日安排通知)"


def chinese_calendar_entries(
    first: int = SEED_FIRST_YEAR, last: int = SEED_LAST_YEAR
) -> dict[int, list[tuple[date, str, str]]]:
    """{year: [(date, kind, Chinese name), ...]} for every year in [first, last].

    Raises LookupError if the package lacks a year or uses a holiday name
    this module cannot translate: better a failed migration than a guess.
    """
    by_year: dict[int, list[tuple[date, str, str]]] = defaultdict(list)
    sources: Iterable[tuple[str, dict[date, str]]] = (
        (HOLIDAY, constants.holidays),
        (MAKEUP_WORKDAY, constants.workdays),
    )
    for kind, table in sources:
        for day, english in table.items():
            if not first <= day.year <= last:
                continue
            try:
                name = HOLIDAY_NAMES[english]
            except KeyError:
                raise LookupError(f"chinese-calendar: unknown holiday name {english!r}") from None
            by_year[day.year].append((day, kind, name))
    missing = [y for y in range(first, last + 1) if y not in by_year]
    if missing:
        raise LookupError(f"chinese-calendar {chinese_calendar.__version__} lacks {missing}")
    return {year: sorted(by_year[year]) for year in sorted(by_year)}


def seed_calendar(calendar_year_model, calendar_day_model) -> int:
    """Create every seed year that is not in the database yet; return how many.

    Takes the model classes so that a migration can pass its historical ones.
    Years already present (typed in by an admin) are left alone.
    """
    existing = set(calendar_year_model.objects.values_list("year", flat=True))
    source = seed_source()
    created = 0
    for year, entries in chinese_calendar_entries().items():
        if year in existing:
            continue
        cal_year = calendar_year_model.objects.create(year=year, source=source)
        calendar_day_model.objects.bulk_create(
            calendar_day_model(calendar_year=cal_year, date=day, kind=kind, name=name)
            for day, kind, name in entries
        )
        created += 1
    return created
