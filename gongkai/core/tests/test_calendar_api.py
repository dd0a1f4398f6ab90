"""/api/v1/workdays/."""

import pytest
from django.test import Client

from gongkai.core.calendar_seed import seed_calendar
from gongkai.core.models import CalendarDay, CalendarYear


@pytest.fixture(autouse=True)
def seeded(db):
    if not CalendarYear.objects.filter(year=2026).exists():
        seed_calendar(CalendarYear, CalendarDay)


@pytest.fixture
def api():
    return Client(HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_add(api):
    response = api.get("/api/v1/workdays/add", {"start": "2026-09-28", "n": "20"})
    assert response.status_code == 200
    data = response.json()
    assert data["due"] == "2026-10-30"
    assert data["unit"] == "working_days"
    assert data["weekend_days_skipped"] == 5
    assert data["makeup_days_counted"] == [{"date": "2026-10-10", "name": "国庆节"}]
    assert data["lines"][-1] == "届满日：2026-10-30（星期五）"


def test_add_calendar_days(api):
    response = api.get(
        "/api/v1/workdays/add", {"start": "2026-09-20", "n": "11", "unit": "calendar_days"}
    )
    assert response.json()["due"] == "2026-10-08"
    assert response.json()["rolled_over_from"] == "2026-10-01"


def test_count(api):
    response = api.get("/api/v1/workdays/count", {"start": "2026-09-28", "end": "2026-10-30"})
    assert response.json() == {"start": "2026-09-28", "end": "2026-10-30", "count": 20}


def test_day(api):
    assert api.get("/api/v1/workdays/day", {"date": "2026-10-10"}).json()["is_working_day"]
    data = api.get("/api/v1/workdays/day", {"date": "2026-10-01"}).json()
    assert data == {"date": "2026-10-01", "is_working_day": False, "holiday": "国庆节"}


def test_missing_year_is_a_400_naming_it(api):
    response = api.get("/api/v1/workdays/add", {"start": "2026-12-01", "n": "30"})
    assert response.status_code == 400
    assert "2027" in response.json()["detail"]
    assert "工作日历" in response.json()["detail"]
    response = api.get("/api/v1/workdays/day", {"date": "2031-01-01"})
    assert response.status_code == 400
    assert "2031" in response.json()["detail"]


@pytest.mark.parametrize(
    ("url", "params", "expected"),
    [
        ("add", {}, "start"),
        ("add", {"start": "2026-09-28"}, "n"),
        ("add", {"start": "tomorrow", "n": "3"}, "不是日期"),
        ("add", {"start": "2026-09-28", "n": "abc"}, "整数"),
        ("add", {"start": "2026-09-28", "n": "-1"}, "整数"),
        ("add", {"start": "2026-09-28", "n": "²"}, "整数"),
        ("add", {"start": "2026-09-28", "n": "99999999999999999999"}, "1000"),
        ("add", {"start": "2026-09-28", "n": "9" * 5000}, "1000"),
        ("add", {"start": "9999-12-31", "n": "1"}, "超出"),
        ("count", {"start": "0001-01-01", "end": "2026-01-01"}, "超出"),
        ("add", {"start": "2026-09-28", "n": "3", "unit": "weeks"}, "working_days"),
        ("count", {"start": "2026-09-28"}, "end"),
        ("count", {"start": "2026-10-30", "end": "2026-09-28"}, "早于"),
        ("day", {"date": "2026-02-30"}, "不是日期"),
    ],
)
def test_bad_input_is_a_400_with_chinese_detail(api, url, params, expected):
    response = api.get(f"/api/v1/workdays/{url}", params)
    assert response.status_code == 400
    assert expected in response.json()["detail"]


def test_openapi_lists_the_routes(api):
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/workdays/add", "/api/v1/workdays/count", "/api/v1/workdays/day"} <= set(paths)
