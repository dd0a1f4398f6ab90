"""公开时效 (条例 第26条): records published more than 20 working days after forming."""

from datetime import date

import pytest
from django.urls import reverse

from gongkai.catalog.tests.factories import column, record
from gongkai.catalog.timeliness import late_count_by_department, late_records, records_timeliness
from gongkai.conftest import login_verified
from gongkai.core.workdays import add_working_days

pytestmark = pytest.mark.django_db

FORMED = date(2026, 3, 2)


@pytest.fixture
def results(world):
    return column()


@pytest.fixture
def dated(results, world):
    """On time (exactly 20 working days), late by 1 and by 8, another department, undated."""

    def make(title, days, department, formed=FORMED):
        return record(
            results,
            title=title,
            department=department,
            formed_date=formed,
            publication_date=add_working_days(formed, days),
        )

    return {
        "on_time": make("按时公开的通知", 20, world.employment),
        "late_1": make("晚了一天的通知", 21, world.employment),
        "late_8": make("第一季度就业补贴发放公示", 28, world.employment),
        "policy_late": make("政策文件", 25, world.policy),
        "same_day": make("当天公开的通知", 0, world.policy),
    }


def test_records_over_twenty_working_days_are_late(dated):
    rows = {row.record.pk: row for row in records_timeliness()}
    assert rows[dated["on_time"].pk].working_days == 20
    assert not rows[dated["on_time"].pk].is_late
    assert rows[dated["late_1"].pk].is_late and rows[dated["late_1"].pk].days_late == 1
    assert rows[dated["late_8"].pk].working_days == 28
    assert rows[dated["late_8"].pk].days_late == 8
    assert rows[dated["same_day"].pk].working_days == 0
    late = {row.record.pk for row in late_records()}
    assert late == {dated["late_1"].pk, dated["late_8"].pk, dated["policy_late"].pk}


def test_holidays_do_not_count(results, world):
    # 2026 National Day holiday: 1–7 October are not working days.
    page = record(
        results,
        department=world.employment,
        formed_date=date(2026, 9, 30),
        publication_date=date(2026, 10, 9),
    )
    (row,) = [r for r in records_timeliness() if r.record.pk == page.pk]
    assert row.working_days < 7


def test_department_filter_and_counts(dated, world):
    late = late_records(department=world.employment)
    assert {row.record.pk for row in late} == {dated["late_1"].pk, dated["late_8"].pk}
    assert late_count_by_department(late_records()) == [("市就业局", 2), ("政策法规科", 1)]


def test_the_limit_is_a_setting(dated, settings):
    settings.TIMELINESS_WORKING_DAYS = 25
    assert {row.record.pk for row in late_records()} == {dated["late_8"].pk}


def test_drafts_and_records_without_dates_are_not_listed(results, world):
    record(results, publish=False, department=world.employment, formed_date=date(2025, 1, 2))
    assert late_records() == []


def test_a_year_missing_from_the_calendar_is_listed_as_not_computable(results, world, dated):
    page = record(
        results,
        title="跨年公开的通知",
        department=world.employment,
        formed_date=date(2026, 12, 20),
        publication_date=date(2027, 2, 1),  # 2027 is not in the calendar
    )
    rows = {row.record.pk: row for row in late_records()}
    assert page.pk in rows
    assert rows[page.pk].working_days is None
    assert not rows[page.pk].is_late and not rows[page.pk].computable
    # The others are still computed.
    assert rows[dated["late_8"].pk].working_days == 28


# --- the admin report --------------------------------------------------------------------------


def test_the_report_lists_late_records_with_a_summary(client, dated, world):
    login_verified(client, world.office_reviewer)
    response = client.get(reverse("catalog_timeliness"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "第一季度就业补贴发放公示" in text
    assert "晚了一天的通知" in text
    assert "按时公开的通知" not in text
    assert "data-timeliness-summary" in text
    assert response.context["summary"] == [("市就业局", 2), ("政策法规科", 1)]
    assert reverse("catalog_timeliness") in client.get("/admin/").content.decode()


def test_the_report_filters_by_department(client, dated, world):
    login_verified(client, world.site_admin)
    response = client.get(reverse("catalog_timeliness"), {"department": world.policy.pk})
    assert response.status_code == 200
    text = response.content.decode()
    assert "政策文件" in text
    assert "第一季度就业补贴发放公示" not in text
    assert response.context["summary"] == [("政策法规科", 1)]


def test_the_report_marks_what_cannot_be_computed(client, results, world):
    record(
        results,
        title="跨年公开的通知",
        department=world.employment,
        formed_date=date(2026, 12, 20),
        publication_date=date(2027, 2, 1),
    )
    login_verified(client, world.office_reviewer)
    response = client.get(reverse("catalog_timeliness"))
    rows = list(response.context["object_list"])
    assert [row.working_days for row in rows] == [None]
    assert response.context["summary"] == []


def test_the_report_exports(client, dated, world):
    login_verified(client, world.office_reviewer)
    response = client.get(reverse("catalog_timeliness"), {"export": "csv"})
    assert response.status_code == 200
    assert "第一季度就业补贴发放公示" in response.getvalue().decode("utf-8-sig")


@pytest.mark.parametrize("role", ["drafter", "department_head", "leader"])
def test_other_staff_cannot_see_the_report(client, dated, world, role):
    login_verified(client, getattr(world, role))
    response = client.get(reverse("catalog_timeliness"))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert reverse("catalog_timeliness") not in client.get("/admin/").content.decode()
