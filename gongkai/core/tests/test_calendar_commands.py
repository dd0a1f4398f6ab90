"""manage.py workdays and manage.py calendar_year."""

import json
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from gongkai.core.calendar_seed import seed_calendar
from gongkai.core.models import CalendarDay, CalendarYear


@pytest.fixture(autouse=True)
def seeded(db):
    if not CalendarYear.objects.filter(year=2026).exists():
        seed_calendar(CalendarYear, CalendarDay)


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def fails(*args: str) -> str:
    with pytest.raises(CommandError) as info:
        run(*args)
    return str(info.value)


# --- workdays --------------------------------------------------------------------------------


def test_workdays_prints_the_due_date_and_its_explanation():
    out = run("workdays", "2026-09-28", "20")
    assert "届满日：2026-10-30（星期五）" in out
    assert "国庆节 10月1日至10月7日" in out
    assert "调休上班日：10月10日（星期六）计入" in out


def test_workdays_with_a_pause_and_json():
    out = run("workdays", "2026-09-28", "20", "--pause", "2026-10-12:2026-10-15:征求意见", "--json")
    data = json.loads(out)
    assert data["due"] == "2026-11-05"
    assert data["pauses"][0]["reason"] == "征求意见"


def test_workdays_in_calendar_days():
    assert "届满日：2026-10-08" in run("workdays", "2026-09-20", "11", "--calendar-days")


def test_workdays_count():
    assert run("workdays", "--count", "2026-09-28", "2026-10-30").startswith("20")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("2026-12-01", "30"), "2027"),
        (("2026-02-30", "3"), "不是日期"),
        (("2026-09-28", "x"), "整数"),
        (("2026-09-28", "-3"), "负数"),
        (("2026-09-28", "5000"), "1000"),
        (("2026-09-28", "5", "--pause", "2026-10-12"), "暂停"),
        (("--count", "2026-10-30", "2026-09-28"), "早于"),
    ],
)
def test_workdays_errors_are_chinese_command_errors(args, expected):
    assert expected in fails("workdays", *args)


# --- calendar_year -------------------------------------------------------------------------------


@time_machine.travel("2026-11-27 10:00 +0800", tick=False)
def test_list_warns_about_next_year():
    out = run("calendar_year", "list")
    assert "2004" in out and "2026" in out
    assert "2027年尚未录入" in out


def test_show_and_show_csv():
    out = run("calendar_year", "show", "2026")
    assert "2026-10-10" in out and "调休上班日" in out
    csv_out = run("calendar_year", "show", "2026", "--csv")
    assert csv_out.startswith("date,kind,name\n2026-01-01,holiday,元旦\n")


def test_show_a_missing_year():
    assert "2031" in fails("calendar_year", "show", "2031")


def test_add_from_csv(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(
        "date,kind,name\n2027-01-01,休,元旦\n2027-02-06,班,春节\n", encoding="utf-8-sig"
    )
    out = run(
        "calendar_year", "add", "2027", "--csv", str(path), "--source", "国办发明电〔2026〕9号"
    )
    assert "2027" in out
    assert CalendarDay.objects.filter(calendar_year__year=2027).count() == 2
    assert "已在" in fails("calendar_year", "add", "2027", "--csv", str(path), "--source", "x")
    run("calendar_year", "add", "2027", "--csv", str(path), "--source", "x", "--replace")
    assert CalendarYear.objects.get(year=2027).source == "x"


def test_add_typed_in_with_a_range():
    run(
        "calendar_year",
        "add",
        "2027",
        "--holiday",
        "2027-01-01:元旦",
        "--holiday",
        "2027-10-01..2027-10-07:国庆节",
        "--makeup",
        "2027-02-07:春节",
        "--source",
        "国办发明电〔2026〕9号",
    )
    days = CalendarDay.objects.filter(calendar_year__year=2027)
    assert days.filter(kind="holiday").count() == 8
    assert days.get(kind="makeup_workday").name == "春节"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--holiday", "2027-01-01", "--source", "x"), "DATE:NAME"),
        (
            ("--makeup", "2027-02-10:春节", "--holiday", "2027-01-01:元旦", "--source", "x"),
            "星期六",
        ),
        (("--holiday", "2028-01-01:元旦", "--source", "x"), "不在2027年"),
        (("--source", "x"), "--csv"),
        (("--csv", "/nonexistent/2027.csv", "--source", "x"), "无法读取"),
    ],
)
def test_add_errors(args, expected):
    assert expected in fails("calendar_year", "add", "2027", *args)
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_add_csv_with_bad_lines_names_them(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("2027-01-01,休,元旦\n2027-13-01,休,春节\n", encoding="utf-8")
    assert "第2行" in fails("calendar_year", "add", "2027", "--csv", str(path), "--source", "x")


def test_delete_needs_confirmation():
    assert "--yes" in fails("calendar_year", "delete", "2004")
    run("calendar_year", "delete", "2004", "--yes")
    assert not CalendarYear.objects.filter(year=2004).exists()
