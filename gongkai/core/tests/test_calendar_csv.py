"""The calendar CSV format (date,kind,name)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from gongkai.core.calendar_csv import calendar_csv, parse_calendar_csv, parse_date
from gongkai.core.services import CalendarEntry

D = date


def errors(data) -> list[str]:
    with pytest.raises(ValidationError) as info:
        parse_calendar_csv(data)
    with translation.override("zh-hans"):
        return [str(m) for m in info.value.messages]


def test_with_header_and_english_kinds():
    text = "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-06,makeup_workday,春节\n"
    assert parse_calendar_csv(text) == [
        CalendarEntry(D(2027, 1, 1), "holiday", "元旦"),
        CalendarEntry(D(2027, 2, 6), "makeup_workday", "春节"),
    ]


def test_without_header_with_chinese_kinds_blank_lines_and_comments():
    text = "# 2027年\n\n2027-01-01,休,元旦\n2027-02-06,班,春节\n2027-02-07,放假,春节\n2027-02-20,上班,春节\n"
    kinds = [e.kind for e in parse_calendar_csv(text)]
    assert kinds == ["holiday", "makeup_workday", "holiday", "makeup_workday"]


def test_chinese_header_is_recognised():
    assert len(parse_calendar_csv("日期,类型,名称\n2027-01-01,休,元旦")) == 1


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_bytes_in_utf8_with_or_without_bom_and_excel_gbk(encoding):
    data = "date,kind,name\r\n2027/1/1,休,元旦\r\n".encode(encoding)
    assert parse_calendar_csv(data) == [CalendarEntry(D(2027, 1, 1), "holiday", "元旦")]


def test_a_bom_in_pasted_text_is_ignored():
    assert parse_calendar_csv("\ufeffdate,kind,name\n2027-01-01,休,元旦")[0].name == "元旦"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-1-1", D(2027, 1, 1)),
        ("2027/01/01", D(2027, 1, 1)),
        ("2027年1月1日", D(2027, 1, 1)),
        ("2027.10.7", D(2027, 10, 7)),
        ("2027-02-30", None),
        ("27-1-1", None),
        ("元旦", None),
    ],
)
def test_date_formats(text, expected):
    assert parse_date(text) == expected


def test_errors_name_the_line_number():
    text = (
        "date,kind,name\n"
        "2027-01-01,休,元旦\n"
        "2027-02-30,休,春节\n"
        "2027-02-06,周末,春节\n"
        "2027-02-07,休\n"
        "2027-02-08,休,\n"
    )
    found = errors(text)
    assert found[0].startswith("第3行：")
    assert "2027-02-30" in found[0]
    assert found[1].startswith("第4行：") and "周末" in found[1]
    assert found[2].startswith("第5行：") and "3列" in found[2]
    assert found[3].startswith("第6行：") and "节日名称" in found[3]


def test_empty_and_undecodable_input():
    assert "没有" in errors("date,kind,name\n\n")[0]
    assert errors(b"\xff\xfe\x00\x00\x81")  # neither UTF-8 nor GB18030


def test_too_many_lines():
    text = "\n".join("2027-01-01,休,元旦" for _ in range(1002))
    assert "1000" in errors(text)[-1]


def test_round_trip():
    entries = [
        CalendarEntry(D(2027, 1, 1), "holiday", "元旦"),
        CalendarEntry(D(2027, 2, 6), "makeup_workday", "春节"),
    ]
    assert parse_calendar_csv(calendar_csv(entries)) == entries
