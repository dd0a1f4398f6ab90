"""The working-day functions (REGULATIONS.md §1)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.core.calendar_seed import chinese_calendar_entries, seed_calendar
from gongkai.core.models import CalendarDay, CalendarYear
from gongkai.core.workdays import (
    MAX_DAYS,
    Calendar,
    CalendarYearMissing,
    Pause,
    Unit,
    WorkdayError,
    add_days,
    add_working_days,
    count_working_days,
    explain_deadline,
    is_working_day,
)

D = date

VECTORS = [
    (D(2026, 9, 28), 20, D(2026, 10, 30)),
    (D(2026, 9, 28), 40, D(2026, 11, 27)),
    (D(2026, 2, 9), 20, D(2026, 3, 13)),
    (D(2026, 4, 27), 7, D(2026, 5, 9)),  # a make-up Saturday
]


@pytest.fixture(autouse=True)
def seeded(db):
    """The data migration seeds 2004–2026; restore it if a flushing test removed it."""
    if not CalendarYear.objects.filter(year=2026).exists():
        seed_calendar(CalendarYear, CalendarDay)


@pytest.fixture
def calendar() -> Calendar:
    return Calendar.load()


def package_calendar() -> Calendar:
    """The same data straight from chinese-calendar, for tests that need no database."""
    entries = chinese_calendar_entries()
    rows = [row for year_rows in entries.values() for row in year_rows]
    return Calendar.from_entries(rows, years=entries)


# --- the statutory vectors ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "n", "due"), VECTORS)
def test_regulation_vectors(start, n, due):
    assert add_working_days(start, n) == due
    assert add_days(start, n, Unit.WORKING_DAYS) == due
    assert explain_deadline(start, n).due == due
    assert count_working_days(start, due) == n


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "n", "due"), VECTORS)
def test_vectors_with_one_snapshot(calendar, start, n, due):
    assert add_working_days(start, n, calendar=calendar) == due


@pytest.mark.django_db
def test_2026_matches_the_regulations_table(calendar):
    holidays = {
        "元旦": (D(2026, 1, 1), D(2026, 1, 3)),
        "春节": (D(2026, 2, 15), D(2026, 2, 23)),
        "清明节": (D(2026, 4, 4), D(2026, 4, 6)),
        "劳动节": (D(2026, 5, 1), D(2026, 5, 5)),
        "端午节": (D(2026, 6, 19), D(2026, 6, 21)),
        "中秋节": (D(2026, 9, 25), D(2026, 9, 27)),
        "国庆节": (D(2026, 10, 1), D(2026, 10, 7)),
    }
    expected = {}
    for name, (first, last) in holidays.items():
        day = first
        while day <= last:
            expected[day] = name
            day += timedelta(days=1)
    actual = {d: n for d, n in calendar.holidays.items() if d.year == 2026}
    assert actual == expected
    makeup_2026 = {d for d in calendar.makeup if d.year == 2026}
    assert makeup_2026 == {
        D(2026, 1, 4),
        D(2026, 2, 14),
        D(2026, 2, 28),
        D(2026, 5, 9),
        D(2026, 9, 20),
        D(2026, 10, 10),
    }
    assert calendar.makeup_names[D(2026, 10, 10)] == "国庆节"


@pytest.mark.django_db
def test_seed_covers_2004_to_2026_with_chinese_names():
    assert set(CalendarYear.objects.values_list("year", flat=True)) >= set(range(2004, 2027))
    names = set(CalendarDay.objects.values_list("name", flat=True))
    assert names == {
        "元旦",
        "春节",
        "清明节",
        "劳动节",
        "端午节",
        "国庆节",
        "中秋节",
        "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
    }
    assert CalendarYear.objects.get(year=2026).source.startswith("chinese-calendar 1.")
    assert "国务院办公厅" in CalendarYear.objects.get(year=2026).source


@pytest.mark.django_db
def test_database_agrees_with_the_package_every_day(calendar):
    day = D(2004, 1, 1)
    while day <= D(2026, 12, 31):
        assert calendar.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


# --- missing years and bad input --------------------------------------------------------------


@pytest.mark.django_db
def test_missing_year_is_an_error_naming_the_year():
    with pytest.raises(CalendarYearMissing) as info:
        add_working_days(D(2026, 12, 1), 30)
    assert info.value.year == 2027
    with translation.override("zh-hans"):
        message = str(info.value)
    assert "2027" in message
    assert "工作日历" in message
    assert "calendar_year add 2027 --csv" in message
    assert isinstance(info.value, WorkdayError)
    assert isinstance(info.value, ValueError)


@pytest.mark.django_db
def test_missing_year_for_every_entry_point():
    with pytest.raises(CalendarYearMissing):
        is_working_day(D(2027, 1, 4))
    with pytest.raises(CalendarYearMissing):
        count_working_days(D(2026, 12, 1), D(2027, 1, 10))
    with pytest.raises(CalendarYearMissing):
        explain_deadline(D(2026, 12, 20), 20)
    with pytest.raises(CalendarYearMissing) as info:
        add_working_days(D(2003, 12, 30), 1)
    assert info.value.year == 2003


@pytest.mark.django_db
def test_the_start_year_itself_need_not_be_covered():
    # Counting starts the next day; 2003-12-31 itself is never looked up.
    assert add_working_days(D(2003, 12, 31), 1) == D(2004, 1, 2)


def test_a_gap_year_is_never_skipped_over():
    cal = package_calendar()
    gappy = Calendar(cal.holidays, cal.makeup, cal.years - {2025}, cal.makeup_names)
    with pytest.raises(CalendarYearMissing) as info:
        gappy.add_working_days(D(2024, 12, 20), 300)
    assert info.value.year == 2025
    with pytest.raises(CalendarYearMissing):
        gappy.count_working_days(D(2024, 12, 20), D(2026, 1, 5))


def test_an_empty_calendar_names_the_first_year_needed():
    with pytest.raises(CalendarYearMissing) as info:
        Calendar({}, frozenset(), frozenset()).add_working_days(D(2030, 5, 5), 3)
    assert info.value.year == 2030


@pytest.mark.parametrize("n", [-1, MAX_DAYS + 1, 10**9, 1.5, "20", True, None])
def test_bad_n_is_a_clear_error(n):
    cal = package_calendar()
    with pytest.raises(WorkdayError) as info:
        add_working_days(D(2026, 3, 2), n, calendar=cal)
    assert not isinstance(info.value, CalendarYearMissing)
    with translation.override("zh-hans"):
        assert str(info.value)


def test_bad_start_and_unit_are_clear_errors():
    cal = package_calendar()
    with pytest.raises(WorkdayError):
        add_working_days("2026-03-02", 5, calendar=cal)
    with pytest.raises(WorkdayError):
        add_days(D(2026, 3, 2), 5, "fortnights", calendar=cal)
    with pytest.raises(WorkdayError):
        count_working_days(D(2026, 3, 2), D(2026, 3, 1), calendar=cal)
    with pytest.raises(WorkdayError):
        explain_deadline(D(2026, 3, 2), 5, pauses=[(D(2026, 3, 9), D(2026, 3, 5))], calendar=cal)


def test_zero_days_is_the_start():
    cal = package_calendar()
    assert add_working_days(D(2026, 10, 3), 0, calendar=cal) == D(2026, 10, 3)
    assert count_working_days(D(2026, 10, 3), D(2026, 10, 3), calendar=cal) == 0


def test_a_timestamp_counts_from_its_local_day():
    cal = package_calendar()
    # 2026-09-27 20:00 UTC is 2026-09-28 04:00 in Asia/Shanghai.
    late = datetime(2026, 9, 27, 20, 0, tzinfo=ZoneInfo("UTC"))
    assert add_working_days(late, 20, calendar=cal) == D(2026, 10, 30)


def test_the_snapshot_is_immutable():
    cal = package_calendar()
    with pytest.raises(TypeError):
        cal.holidays[D(2026, 3, 2)] = "x"  # type: ignore[index]
    with pytest.raises(AttributeError):
        cal.years = frozenset()  # type: ignore[misc]


# --- properties ------------------------------------------------------------------------------

SNAPSHOT = package_calendar()
starts = st.dates(min_value=D(2004, 1, 1), max_value=D(2025, 12, 31))
ns = st.integers(min_value=1, max_value=200)


@settings(max_examples=300, deadline=None)
@given(start=starts, n=ns)
def test_counting_back_gives_n(start, n):
    due = add_working_days(start, n, calendar=SNAPSHOT)
    assert count_working_days(start, due, calendar=SNAPSHOT) == n


@settings(max_examples=300, deadline=None)
@given(start=starts, n=ns)
def test_the_due_date_is_a_working_day_and_the_first_such(start, n):
    due = add_working_days(start, n, calendar=SNAPSHOT)
    assert SNAPSHOT.is_working_day(due)
    assert due > start
    # One day earlier is not yet n working days.
    assert count_working_days(start, due - timedelta(days=1), calendar=SNAPSHOT) == n - 1


@settings(max_examples=200, deadline=None)
@given(start=starts, n=ns)
def test_the_fast_path_agrees_with_the_explanation(start, n):
    fast = add_working_days(start, n, calendar=SNAPSHOT)
    slow = explain_deadline(start, n, calendar=SNAPSHOT)
    assert fast == slow.due
    window = (slow.due - start).days
    assert window == n + len(slow.holidays_skipped) + slow.weekend_days_skipped


@settings(max_examples=100, deadline=None)
@given(day=st.sampled_from(sorted(SNAPSHOT.makeup)))
def test_a_makeup_weekend_day_counts(day):
    assert day.weekday() >= 5
    assert SNAPSHOT.is_working_day(day)
    assert count_working_days(day - timedelta(days=1), day, calendar=SNAPSHOT) == 1


@settings(max_examples=100, deadline=None)
@given(day=st.sampled_from(sorted(d for d in SNAPSHOT.holidays if d.weekday() < 5)))
def test_a_holiday_on_a_weekday_does_not_count(day):
    assert not SNAPSHOT.is_working_day(day)
    assert count_working_days(day - timedelta(days=1), day, calendar=SNAPSHOT) == 0


@pytest.mark.django_db
def test_properties_hold_on_the_database_calendar():
    cal = Calendar.load()

    @settings(max_examples=100, deadline=None)
    @given(start=starts, n=ns)
    def check(start, n):
        due = add_working_days(start, n, calendar=cal)
        assert cal.is_working_day(due)
        assert count_working_days(start, due, calendar=cal) == n

    check()


# --- explanations and pauses -------------------------------------------------------------------


@pytest.mark.django_db
def test_explanation_of_the_national_day_vector():
    exp = explain_deadline(D(2026, 9, 28), 20)
    assert exp.start == D(2026, 9, 28)
    assert exp.n == 20
    assert exp.unit == Unit.WORKING_DAYS
    assert exp.due == D(2026, 10, 30)
    assert [d for d, _n in exp.holidays_skipped] == [D(2026, 10, d) for d in range(1, 8)]
    assert {n for _d, n in exp.holidays_skipped} == {"国庆节"}
    assert exp.holiday_groups() == [("国庆节", D(2026, 10, 1), D(2026, 10, 7), 7)]
    assert exp.weekend_days_skipped == 5
    assert exp.makeup_days_counted == ((D(2026, 10, 10), "国庆节"),)
    assert exp.pauses == ()
    with translation.override("zh-hans"):
        text = str(exp)
        lines = exp.lines()
    assert lines[0] == "起算日：2026-09-28（次日起算）"
    assert "期限：20个工作日" in lines
    assert "跳过法定节假日：国庆节 10月1日至10月7日（7天）" in text
    assert "跳过周末：5天" in text
    assert "调休上班日：10月10日（星期六）计入" in text
    assert lines[-1] == "届满日：2026-10-30（星期五）"


@pytest.mark.django_db
def test_explanation_as_dict():
    data = explain_deadline(D(2026, 4, 27), 7).as_dict()
    assert data["due"] == "2026-05-09"
    assert data["makeup_days_counted"] == [{"date": "2026-05-09", "name": "劳动节"}]
    assert len(data["holidays_skipped"]) == 5
    assert data["lines"]


@pytest.mark.django_db
def test_pause_stops_the_clock():
    # 条例 第32条: consultation time does not count.
    pause = Pause(D(2026, 10, 12), D(2026, 10, 15), "征求第三方意见")
    exp = explain_deadline(D(2026, 9, 28), 20, pauses=[pause])
    assert exp.due == D(2026, 11, 5)  # four working days later than 10-30
    assert exp.paused_days == 4
    assert exp.pauses[0].pause == pause
    assert add_days(D(2026, 9, 28), 20, Unit.WORKING_DAYS, pauses=[pause]) == D(2026, 11, 5)
    with translation.override("zh-hans"):
        text = str(exp)
    assert "暂停计算：10月12日至10月15日（征求第三方意见），不计入4天" in text


@pytest.mark.django_db
def test_pauses_outside_the_window_change_nothing():
    before = Pause(D(2026, 9, 1), D(2026, 9, 10), "x")
    after = (D(2026, 12, 1), D(2026, 12, 2))
    exp = explain_deadline(D(2026, 9, 28), 20, pauses=[before, after])
    assert exp.due == D(2026, 10, 30)
    assert exp.pauses == ()


@pytest.mark.django_db
def test_calendar_days_roll_over_a_rest_day():
    # 民法典 第203条: the last day falls on 国庆节, so the period ends on 10-08.
    exp = explain_deadline(D(2026, 9, 20), 11, Unit.CALENDAR_DAYS)
    assert exp.due == D(2026, 10, 8)
    assert exp.rolled_over_from == D(2026, 10, 1)
    assert add_days(D(2026, 9, 20), 11, "calendar_days") == D(2026, 10, 8)
    with translation.override("zh-hans"):
        assert "民法典 第203条" in str(exp)


@pytest.mark.django_db
def test_calendar_days_on_a_working_day_do_not_roll():
    exp = explain_deadline(D(2026, 3, 2), 30, Unit.CALENDAR_DAYS)
    assert exp.due == D(2026, 4, 1)
    assert exp.rolled_over_from is None
    assert exp.holidays_skipped == ()


@pytest.mark.django_db
def test_one_query_pair_per_default_call(django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        add_working_days(D(2026, 9, 28), 20)
