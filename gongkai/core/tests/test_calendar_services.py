"""calendar_year_save / calendar_year_delete, their validation, audit and recompute hook."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import translation
from wagtail.models import ModelLogEntry

from gongkai.core.calendar_seed import seed_calendar
from gongkai.core.deadlines import (
    RecomputeFailed,
    deadline_recomputers,
    recompute_open_deadlines,
    register_deadline_recomputer,
    unregister_deadline_recomputer,
)
from gongkai.core.models import CalendarAction, CalendarDay, CalendarYear
from gongkai.core.pagecache import purge_now
from gongkai.core.services import calendar_year_delete, calendar_year_save
from gongkai.core.workdays import CalendarYearMissing, add_working_days

D = date
SOURCE = "国办发明电〔2026〕9号"

# A plausible 2027: enough to test with, not a claim about the real notice.
GOOD_2027 = [
    (D(2027, 1, 1), "holiday", "元旦"),
    (D(2027, 2, 6), "makeup_workday", "春节"),
    (D(2027, 2, 7), "holiday", "春节"),
    (D(2027, 2, 8), "holiday", "春节"),
    (D(2027, 2, 9), "holiday", "春节"),
    (D(2027, 10, 1), "holiday", "国庆节"),
]


@pytest.fixture(autouse=True)
def seeded(db):
    if not CalendarYear.objects.filter(year=2026).exists():
        seed_calendar(CalendarYear, CalendarDay)


@pytest.fixture
def recomputed():
    """A recomputer registered for the test; records the years it was called with."""
    calls: list[set[int]] = []

    def recompute(years: set[int]) -> int:
        calls.append(years)
        return 3

    register_deadline_recomputer("test.deadlines", recompute)
    yield calls
    unregister_deadline_recomputer("test.deadlines")


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("calendar-editor", password="x" * 12)


def snapshot() -> list[tuple]:
    return list(
        CalendarDay.objects.order_by("date").values_list(
            "calendar_year__year", "date", "kind", "name"
        )
    ) + list(CalendarYear.objects.order_by("year").values_list("year", "source", "notes"))


def messages_of(error: ValidationError) -> str:
    with translation.override("zh-hans"):
        return "\n".join(str(m) for m in error.messages)


# --- saving -------------------------------------------------------------------------------------


def test_add_a_new_year(staff, recomputed, django_capture_on_commit_callbacks):
    with pytest.raises(CalendarYearMissing):
        add_working_days(D(2026, 12, 28), 5)
    with django_capture_on_commit_callbacks(execute=True):
        cal_year = calendar_year_save(
            year=2027, entries=GOOD_2027, source=f"  {SOURCE} ", notes="试运行", by=staff
        )
    assert cal_year.source == SOURCE
    assert cal_year.days.count() == 6
    # 12-29, 12-30, 12-31 (2026), then 2027-01-01 is 元旦: 01-04, 01-05.
    assert add_working_days(D(2026, 12, 28), 5) == D(2027, 1, 5)
    assert recomputed == [{2027}]

    entry = ModelLogEntry.objects.get(action=CalendarAction.SAVE)
    assert entry.user_id == staff.pk
    assert entry.object_id == str(cal_year.pk)
    assert entry.data["created"] is True
    assert entry.data["added"][0] == "2027-01-01"
    assert entry.data["days"] == 6


def test_replace_a_year_keeps_one_audit_entry_per_save(
    recomputed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        calendar_year_save(year=2027, entries=GOOD_2027, source=SOURCE)
    changed = [e for e in GOOD_2027 if e[0] != D(2027, 10, 1)] + [
        (D(2027, 2, 10), "holiday", "春节")
    ]
    with django_capture_on_commit_callbacks(execute=True):
        calendar_year_save(year=2027, entries=changed, source=SOURCE)
    days = set(CalendarDay.objects.filter(calendar_year__year=2027).values_list("date", flat=True))
    assert D(2027, 10, 1) not in days
    assert D(2027, 2, 10) in days
    entries = ModelLogEntry.objects.filter(action=CalendarAction.SAVE).order_by("pk")
    assert entries.count() == 2
    last = entries.last().data
    assert last["created"] is False
    assert last["added"] == ["2027-02-10"]
    assert last["removed"] == ["2027-10-01"]
    assert recomputed == [{2027}, {2027}]


def test_saving_the_same_days_does_not_recompute(recomputed, django_capture_on_commit_callbacks):
    days_2026 = list(
        CalendarDay.objects.filter(calendar_year__year=2026).values_list("date", "kind", "name")
    )
    with django_capture_on_commit_callbacks(execute=True):
        calendar_year_save(year=2026, entries=days_2026, source="国办发明电〔2025〕7号")
    assert CalendarYear.objects.get(year=2026).source == "国办发明电〔2025〕7号"
    assert recomputed == []
    assert ModelLogEntry.objects.filter(action=CalendarAction.SAVE).count() == 1


def test_recompute_waits_for_the_commit(recomputed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        calendar_year_save(year=2027, entries=GOOD_2027, source=SOURCE)
    assert recomputed == []
    # The page cache's purge waits for the commit too.
    queued = [c for c in callbacks if c is not purge_now]
    assert len(queued) == 1
    queued[0]()
    assert recomputed == [{2027}]


def test_recompute_task_runs_every_recomputer_even_after_a_failure(recomputed):
    def broken(years):
        raise RuntimeError("boom")

    register_deadline_recomputer("test.broken", broken)
    try:
        with pytest.raises(RecomputeFailed) as info:
            recompute_open_deadlines({2027})
        assert info.value.failed == ["test.broken"]
        assert info.value.results == {"test.deadlines": 3}
        assert recomputed == [{2027}]
    finally:
        unregister_deadline_recomputer("test.broken")
    assert "test.broken" not in deadline_recomputers()


def test_recompute_task_returns_counts(recomputed):
    from gongkai.core.tasks import recompute_deadlines

    result = recompute_deadlines.enqueue(years=[2026, 2027])
    assert result.return_value == {"test.deadlines": 3}
    assert recomputed == [{2026, 2027}]


def test_register_rejects_a_non_callable():
    with pytest.raises(TypeError):
        register_deadline_recomputer("test.bad", 42)  # type: ignore[arg-type]


# --- validation: every error, and nothing changes ---------------------------------------------


@pytest.mark.parametrize(
    ("year", "entries", "source", "expected"),
    [
        (2027, [("2027-13-01", "holiday", "元旦"), *GOOD_2027], SOURCE, "不是日期"),
        (2027, [(12345, "holiday", "元旦"), *GOOD_2027], SOURCE, "不是日期"),
        (2027, [(D(2026, 12, 31), "holiday", "元旦"), *GOOD_2027], SOURCE, "不在2027年"),
        (2027, [*GOOD_2027, (D(2027, 1, 1), "holiday", "元旦")], SOURCE, "重复"),
        (2027, [*GOOD_2027, (D(2027, 1, 1), "makeup_workday", "元旦")], SOURCE, "既是"),
        (2027, [*GOOD_2027, (D(2027, 2, 10), "makeup_workday", "春节")], SOURCE, "星期三"),
        (2027, [*GOOD_2027, (D(2027, 2, 10), "holiday", " ")], SOURCE, "节日名称"),
        (2027, [*GOOD_2027, (D(2027, 2, 10), "holiday", "节" * 51)], SOURCE, "50"),
        (2027, [*GOOD_2027, (D(2027, 2, 10), "weekend", "春节")], SOURCE, "weekend"),
        (2027, [*GOOD_2027, (D(2027, 2, 10), "holiday")], SOURCE, "日期, 类型, 名称"),
        (2027, GOOD_2027, "  ", "来源"),
        (2027, GOOD_2027, "文" * 201, "200"),
        (2027, [], SOURCE, "没有节假日"),
        (2027, [(D(2027, 2, 6), "makeup_workday", "春节")], SOURCE, "没有节假日"),
        ("2027", GOOD_2027, SOURCE, "不是有效的年份"),
        (1800, GOOD_2027, SOURCE, "不是有效的年份"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    year, entries, source, expected, recomputed, django_capture_on_commit_callbacks
):
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as info:
        calendar_year_save(year=year, entries=entries, source=source)
    assert expected in messages_of(info.value)
    assert snapshot() == before
    assert not ModelLogEntry.objects.filter(action=CalendarAction.SAVE).exists()
    assert recomputed == []


def test_bad_replacement_of_an_existing_year_changes_nothing():
    before = snapshot()
    bad = [(D(2026, 10, 1), "holiday", "国庆节"), (D(2026, 10, 1), "makeup_workday", "国庆节")]
    with pytest.raises(ValidationError):
        calendar_year_save(year=2026, entries=bad, source=SOURCE)
    assert snapshot() == before


def test_every_error_is_reported_at_once():
    entries = [
        (D(2027, 2, 10), "makeup_workday", "春节"),
        (D(2028, 1, 1), "holiday", "元旦"),
        (D(2027, 3, 1), "holiday", ""),
    ]
    with pytest.raises(ValidationError) as info:
        calendar_year_save(year=2027, entries=entries, source="")
    assert len(info.value.messages) == 4


# --- deleting ---------------------------------------------------------------------------------------


def test_delete_a_year(staff, recomputed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        calendar_year_save(year=2027, entries=GOOD_2027, source=SOURCE)
        calendar_year_delete(year=2027, by=staff)
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(date__year=2027).exists()
    entry = ModelLogEntry.objects.get(action=CalendarAction.DELETE)
    assert entry.user_id == staff.pk
    assert ["2027-01-01", "holiday", "元旦"] in entry.data["deleted"]
    assert recomputed == [{2027}, {2027}]


def test_delete_a_missing_year_is_an_error():
    with pytest.raises(ValidationError) as info:
        calendar_year_delete(year=2031)
    assert "2031" in messages_of(info.value)
