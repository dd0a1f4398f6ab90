"""公开时效 (条例 第26条) and re-review dates (条例 第18条).

Lateness is counted from 信息形成日期 to the record's first publication, never to the editable
发布日期; the dashboard warns before day 20 with the real working-day calendar (国庆 2026).
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import lxml.html
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from gongkai.catalog.choices import DisclosureAttribute, WithholdingReason
from gongkai.catalog.imports import record_import_docx
from gongkai.catalog.models import CatalogRecord
from gongkai.catalog.services import record_first_publication_attest
from gongkai.catalog.tests.factories import column, record
from gongkai.catalog.tests.test_word_import import make_docx
from gongkai.catalog.timeliness import (
    late_count_by_department,
    late_records,
    lateness_warning,
    records_approaching_limit,
    records_timeliness,
    rereviews_due,
    rereviews_for,
)
from gongkai.conftest import login_verified
from gongkai.core.workdays import add_working_days, count_working_days
from gongkai.notifications.models import Notification
from gongkai.notifications.reminders import reminder_sources, reminders_run
from gongkai.org import roles
from gongkai.org.tests.factories import staff

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
FORMED = date(2026, 3, 2)


def at(day: date, hour: int = 10) -> datetime:
    """A moment on `day` in Asia/Shanghai, for time-machine."""
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def signed_in(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


@pytest.fixture
def results(world):
    return column()


@pytest.fixture
def dated(results, world):
    """Public since (history attested by the factory): on time (exactly 20 working days),
    late by 1 and by 8, another department, same day."""

    def make(title, days, department, formed=FORMED):
        # Published on the platform later; public since the 发布日期 (attested history).
        with time_machine.travel(at(date(2026, 12, 1)), tick=True):
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
    with time_machine.travel(at(date(2026, 12, 1)), tick=True):
        page = record(
            results,
            department=world.employment,
            formed_date=date(2026, 9, 30),
            publication_date=date(2026, 10, 9),
        )
    assert page.first_public_date == date(2026, 10, 9)
    (row,) = [r for r in records_timeliness() if r.record.pk == page.pk]
    assert row.working_days == 2  # 8 and 9 October


def test_department_filter_and_counts(dated, world):
    late = late_records(department=world.employment)
    assert {row.record.pk for row in late} == {dated["late_1"].pk, dated["late_8"].pk}
    assert late_count_by_department(late_records()) == [("市就业局", 2), ("政策法规科", 1)]


def test_the_limit_is_a_setting(dated, settings):
    settings.TIMELINESS_WORKING_DAYS = 25
    assert {row.record.pk for row in late_records()} == {dated["late_8"].pk}


def test_the_setting_is_documented():
    from gongkai.settings.env import REGISTRY

    assert REGISTRY["TIMELINESS_WORKING_DAYS"].default == 20
    assert "条例 第26条" in REGISTRY["TIMELINESS_WORKING_DAYS"].help


def test_drafts_and_records_without_dates_are_not_listed(results, world):
    record(results, publish=False, department=world.employment, formed_date=date(2025, 1, 2))
    assert late_records() == []


def test_a_year_missing_from_the_calendar_is_listed_as_not_computable(results, world, dated):
    # Published in 2027, a year the calendar does not have.
    with time_machine.travel(at(date(2027, 2, 1)), tick=True):
        page = record(
            results,
            title="跨年公开的通知",
            department=world.employment,
            formed_date=date(2026, 12, 20),
        )
    assert page.first_public_date == date(2027, 2, 1)
    rows = {row.record.pk: row for row in late_records()}
    assert page.pk in rows
    assert rows[page.pk].working_days is None
    assert not rows[page.pk].is_late and not rows[page.pk].computable
    # The others are still computed.
    assert rows[dated["late_8"].pk].working_days == 28


# --- a back-dated 发布日期 cannot hide lateness ------------------------------------------------


def _full_review(page, world):
    from gongkai.review.services import review_task_act, review_workflow_install

    review_workflow_install()
    page = CatalogRecord.objects.get(pk=page.pk)
    page.get_workflow().start(page, world.drafter)

    def approve(user, **data):
        state = CatalogRecord.objects.get(pk=page.pk).current_workflow_task_state.specific
        review_task_act(task_state=state, user=user, action="approve", data=data)

    approve(world.department_head)
    approve(
        world.office_reviewer,
        checklist={
            "state_secret": True,
            "work_secret": True,
            "trade_secret": True,
            "privacy": True,
            "security_stability": True,
        },
        disclosure=DisclosureAttribute.PROACTIVE,
    )
    approve(world.leader, comment="同意发布")
    return CatalogRecord.objects.get(pk=page.pk)


def test_a_back_dated_publication_date_cannot_hide_lateness(client, results, world):
    formed = date(2026, 9, 1)
    back_dated = add_working_days(formed, 5)  # well within the limit
    published = add_working_days(formed, 25)
    with time_machine.travel(at(formed), tick=True):
        draft = record(
            results,
            title="逾期公开的补贴通知",
            publish=False,
            department=world.employment,
            formed_date=formed,
            publication_date=back_dated,  # a date in the future when it was written
        )
    with time_machine.travel(at(published), tick=True):
        page = _full_review(draft, world)
    assert page.live
    assert page.first_public_date == published
    # The 发布日期 was raised to the day it went public, and the raising is in the audit log.
    assert page.publication_date == published
    assert page.index_number.split("/")[1].startswith("2026-")
    from wagtail.models import PageLogEntry

    entry = PageLogEntry.objects.get(page=page, action="catalog.record.publication_date_raised")
    assert entry.data["given"] == back_dated.isoformat()

    (row,) = [r for r in records_timeliness() if r.record.pk == page.pk]
    assert row.working_days == 25 and row.is_late and row.days_late == 5
    assert page.pk in {r.record.pk for r in late_records()}

    # Even a row written behind the model's back does not show an earlier date in public.
    CatalogRecord.objects.filter(pk=page.pk).update(publication_date=back_dated)
    html = client.get(page.url).content.decode()
    assert published.isoformat() in html
    assert back_dated.isoformat() not in html
    (row,) = [r for r in records_timeliness() if r.record.pk == page.pk]
    assert row.working_days == 25  # the count never looked at the 发布日期


def test_the_first_publication_cannot_be_moved_by_a_revision(results, world):
    page = record(results, department=world.employment)
    first = page.first_published_at
    page = CatalogRecord.objects.get(pk=page.pk)
    page.first_published_at = datetime(2020, 1, 1, tzinfo=SHANGHAI)
    page.title = "改过标题的通知"
    from gongkai.catalog.tests.factories import publish_reviewed

    publish_reviewed(page)
    page = CatalogRecord.objects.get(pk=page.pk)
    assert page.title == "改过标题的通知"
    assert page.first_published_at == first
    with pytest.raises(ValidationError):
        record_first_publication_attest(record=page, published_on=date(2020, 1, 1), note="补录")


def _publication_date_form(user, page, value):
    form_class = CatalogRecord.get_edit_handler().get_form_class()
    form = form_class(instance=page, for_user=user)
    form.cleaned_data = {"publication_date": value}
    return form


def test_the_editor_cannot_enter_a_date_before_publication(results, world):
    with time_machine.travel(at(date(2026, 10, 12)), tick=True):
        draft = record(results, publish=False, department=world.employment)
        form = _publication_date_form(world.drafter, draft, date(2026, 10, 9))
        with pytest.raises(ValidationError) as caught, _chinese():
            form.clean_publication_date()
        assert "发布日期" in str(caught.value.messages[0])
        assert "2026-10-12" in caught.value.messages[0]
        assert _publication_date_form(world.drafter, draft, None).clean_publication_date() is None
        ok = _publication_date_form(world.drafter, draft, date(2026, 10, 12))
        assert ok.clean_publication_date() == date(2026, 10, 12)
        live = record(results, department=world.employment)
    with time_machine.travel(at(date(2026, 11, 2)), tick=True):
        form = _publication_date_form(world.office_reviewer, live, date(2026, 10, 9))
        with pytest.raises(ValidationError) as caught, _chinese():
            form.clean_publication_date()
        assert "首次公开" in str(caught.value.messages[0])


def _chinese():
    from django.utils import translation

    return translation.override("zh-hans")


def test_the_editor_form_shows_the_error_in_chinese(results, world):
    draft = record(results, publish=False, department=world.employment)
    client = signed_in(world.drafter)
    url = reverse("wagtailadmin_pages:edit", args=[draft.pk])
    response = client.get(url)
    html = lxml.html.fromstring(response.content.decode())
    data = dict(next(f for f in html.forms if f.get("id") == "page-edit-form").form_values())
    data["publication_date"] = "2019-05-24"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "发布日期不能早于" in response.content.decode()
    assert CatalogRecord.objects.get(pk=draft.pk).publication_date is None


# --- the dashboard warns before day 20, across a holiday ---------------------------------------

# Formed on Tuesday 22 September 2026: 中秋 (25 September) and 国庆 (1–7 October) are not
# working days, the make-up Saturday 10 October is. Counting weekdays alone, 20 October would
# already be day 20; it is day 15.
HOLIDAY_FORMED = date(2026, 9, 22)


@pytest.fixture
def near_deadline(results, world):
    with time_machine.travel(at(HOLIDAY_FORMED), tick=True):
        ours = record(
            results,
            title="国庆前形成的就业通知",
            publish=False,
            department=world.employment,
            formed_date=HOLIDAY_FORMED,
        )
        theirs = record(
            results,
            title="政策法规科的待审文件",
            publish=False,
            department=world.policy,
            formed_date=HOLIDAY_FORMED,
        )
        fresh = record(
            results,
            title="刚形成的通知",
            publish=False,
            department=world.employment,
            formed_date=HOLIDAY_FORMED,
        )
    CatalogRecord.objects.filter(pk=fresh.pk).update(formed_date=date(2026, 10, 16))
    return {"ours": ours, "theirs": theirs, "fresh": fresh}


def test_the_real_calendar_around_national_day():
    assert count_working_days(HOLIDAY_FORMED, date(2026, 10, 19)) == 14
    assert count_working_days(HOLIDAY_FORMED, date(2026, 10, 20)) == 15
    assert add_working_days(HOLIDAY_FORMED, 20) == date(2026, 10, 27)


def test_the_dashboard_warns_from_day_15_across_the_holiday(near_deadline, world):
    client = signed_in(world.drafter)
    with time_machine.travel(at(date(2026, 10, 19)), tick=True):
        assert records_approaching_limit(world.drafter, date(2026, 10, 19)) == []
        assert "data-timeliness-pending" not in client.get("/admin/").content.decode()
    with time_machine.travel(at(date(2026, 10, 20)), tick=True):
        (row,) = records_approaching_limit(world.drafter, date(2026, 10, 20))
        assert row.record.pk == near_deadline["ours"].pk
        assert (row.working_day, row.remaining, row.overdue) == (15, 5, False)
        text = client.get("/admin/").content.decode()
    assert "国庆前形成的就业通知" in text
    assert "第15个工作日，还剩5个工作日" in text
    assert "政策法规科的待审文件" not in text  # another department
    assert "刚形成的通知" not in text  # day 2 only


def test_the_dashboard_marks_overdue_records_in_red(near_deadline, world):
    with time_machine.travel(at(date(2026, 10, 28)), tick=True):
        (row,) = records_approaching_limit(world.department_head, date(2026, 10, 28))
        assert (row.working_day, row.overdue, row.days_over) == (21, True, 1)
        text = signed_in(world.department_head).get("/admin/").content.decode()
    html = lxml.html.fromstring(text)
    (tr,) = html.xpath(
        f'//tr[@class="timeliness-overdue"][@data-record="{near_deadline["ours"].pk}"]'
    )
    assert "color:#b00" in lxml.html.tostring(tr, encoding="unicode")
    assert "第21个工作日" in tr.text_content() and "逾期" in tr.text_content()


def test_records_in_review_are_marked(near_deadline, world):
    from gongkai.review.services import review_workflow_install

    review_workflow_install()
    with time_machine.travel(at(date(2026, 10, 21)), tick=True):
        page = CatalogRecord.objects.get(pk=near_deadline["ours"].pk)
        page.get_workflow().start(page, world.drafter)
        rows = records_approaching_limit(world.drafter, date(2026, 10, 21))
    assert [(r.record.pk, r.in_review) for r in rows] == [(page.pk, True)]


def test_the_office_sees_every_department_grouped(near_deadline, world):
    with time_machine.travel(at(date(2026, 10, 20)), tick=True):
        rows = records_approaching_limit(world.office_reviewer, date(2026, 10, 20))
        text = signed_in(world.office_reviewer).get("/admin/").content.decode()
    assert {r.record.pk for r in rows} == {near_deadline["ours"].pk, near_deadline["theirs"].pk}
    html = lxml.html.fromstring(text)
    headings = [h.text_content().strip() for h in html.xpath('//h3[@class="w-h4"]')]
    assert "市就业局" in headings and "政策法规科" in headings


def test_a_missing_calendar_year_is_shown_as_not_computable(results, world):
    with time_machine.travel(at(date(2026, 12, 20)), tick=True):
        record(
            results,
            title="跨年的草稿",
            publish=False,
            department=world.employment,
            formed_date=date(2026, 12, 20),
        )
    with time_machine.travel(at(date(2027, 1, 5)), tick=True):
        (row,) = records_approaching_limit(world.drafter, date(2027, 1, 5))
        assert row.working_day is None and not row.computable
        text = signed_in(world.drafter).get("/admin/").content.decode()
    assert "无法计算" in text


def test_withheld_and_published_records_are_not_warned_about(results, world):
    with time_machine.travel(at(HOLIDAY_FORMED), tick=True):
        record(
            results,
            publish=False,
            department=world.employment,
            formed_date=HOLIDAY_FORMED,
            disclosure=DisclosureAttribute.WITHHELD,
            withholding_reason=WithholdingReason.choices[0][0],
            rereview_date=date(2027, 9, 1),
        )
        record(results, department=world.employment, formed_date=HOLIDAY_FORMED)
    assert records_approaching_limit(world.office_reviewer, date(2026, 10, 26)) == []


# --- the Word import warns of a date already past the limit ------------------------------------


def test_the_import_warns_when_the_document_is_already_late(results, world):
    with time_machine.travel(at(date(2026, 10, 30)), tick=True):
        late = record_import_docx(
            column=results,
            data=make_docx(signature_date="2026年9月22日"),
            filename="通知.docx",
            by=world.drafter,
            department=world.employment,
        )
        recent = record_import_docx(
            column=results,
            data=make_docx(signature_date="2026年10月20日", doc_number="毕人社发〔2026〕13号"),
            filename="通知2.docx",
            by=world.drafter,
            department=world.employment,
        )
    assert late.formed_date == date(2026, 9, 22)
    (warning,) = [w for w in late.import_warnings if "2026-09-22" in w]
    assert "23" in warning  # 23 working days (国庆 skipped), 3 over the limit of 20
    assert not [w for w in recent.import_warnings if "2026-10-20" in w]
    assert lateness_warning(date(2026, 9, 22), date(2026, 10, 27)) is None  # day 20: in time


def test_the_import_screen_shows_the_warning_in_chinese(results, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = signed_in(world.drafter)
    upload = SimpleUploadedFile("通知.docx", make_docx(signature_date="2026年9月22日"))
    with time_machine.travel(at(date(2026, 10, 30)), tick=True):
        response = client.post(
            reverse("catalog_word_import"),
            {"column": results.pk, "department": world.employment.pk, "file": upload},
            follow=True,
        )
    text = response.content.decode()
    assert "2026-09-22" in text and "逾期公开" in text and "23个工作日" in text


# --- 条例 第18条: re-review dates -----------------------------------------------------------------


@pytest.fixture
def withheld(results, world):
    def make(title, department, due):
        return record(
            results,
            title=title,
            publish=False,
            department=department,
            disclosure=DisclosureAttribute.WITHHELD,
            withholding_reason=WithholdingReason.choices[0][0],
            rereview_date=due,
        )

    return {
        "overdue": make("逾期复查的内部请示", world.employment, date(2026, 10, 1)),
        "soon": make("即将复查的会议纪要", world.employment, date(2026, 10, 20)),
        "later": make("明年复查的执法案卷", world.employment, date(2027, 6, 1)),
        "policy": make("政策法规科的内部文件", world.policy, date(2026, 10, 15)),
    }


def test_rereviews_due_is_the_reminder_source(withheld, world):
    today = date(2026, 10, 10)
    rows = rereviews_due(today, within_days=14)
    assert [r.record.pk for r in rows] == [
        withheld["overdue"].pk,
        withheld["policy"].pk,
        withheld["soon"].pk,
    ]
    overdue, policy, soon = rows
    assert overdue.overdue and overdue.days_left == -9
    assert soon.days_left == 10 and soon.due_soon and not soon.overdue
    assert policy.department_id == world.policy.pk
    assert [r.record.pk for r in rereviews_due(today, within_days=0)] == [withheld["overdue"].pk]


def test_rereviews_for_a_department_are_its_own(withheld, world):
    today = date(2026, 10, 10)
    assert {r.record.pk for r in rereviews_for(world.drafter, today)} == {
        withheld["overdue"].pk,
        withheld["soon"].pk,
        withheld["later"].pk,
    }
    assert len(rereviews_for(world.leader, today)) == 4
    policy_drafter = staff("t-drafter-policy", role=roles.DRAFTER, department=world.policy)
    assert [r.record.pk for r in rereviews_for(policy_drafter, today)] == [withheld["policy"].pk]


def test_the_rereview_list_is_sorted_and_marked(withheld, world):
    client = signed_in(world.drafter)
    with time_machine.travel(at(date(2026, 10, 10)), tick=True):
        response = client.get(reverse("catalog_rereviews"))
        descending = client.get(reverse("catalog_rereviews"), {"ordering": "-rereview_date"})
    assert response.status_code == 200
    titles = [r.title for r in response.context["object_list"]]
    assert titles == ["逾期复查的内部请示", "即将复查的会议纪要", "明年复查的执法案卷"]
    assert [r.title for r in descending.context["object_list"]] == titles[::-1]
    text = response.content.decode()
    assert "政策法规科的内部文件" not in text
    assert "逾期9天" in text and "10天后到期" in text


def test_the_dashboard_shows_rereviews_due(withheld, world):
    with time_machine.travel(at(date(2026, 10, 10)), tick=True):
        text = signed_in(world.office_reviewer).get("/admin/").content.decode()
    assert "data-rereviews-due" in text
    assert "逾期复查的内部请示" in text and "政策法规科的内部文件" in text
    assert "明年复查的执法案卷" not in text  # not due within 30 days


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


# --- who reaches the re-review list ---------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login(client, withheld):
    for name in ("catalog_rereviews", "catalog_rereviews_results"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize(
    ("role", "seen"),
    [
        ("drafter", {"overdue", "soon", "later"}),
        ("department_head", {"overdue", "soon", "later"}),
        ("policy_reviewer", {"policy"}),
        ("office_reviewer", {"overdue", "soon", "later", "policy"}),
        ("leader", {"overdue", "soon", "later", "policy"}),
        ("site_admin", {"overdue", "soon", "later", "policy"}),
    ],
)
def test_each_role_sees_its_departments_rereviews(withheld, world, role, seen):
    client = signed_in(getattr(world, role))
    for name in ("catalog_rereviews", "catalog_rereviews_results"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert {r.pk for r in response.context["object_list"]} == {withheld[key].pk for key in seen}


# --- reminders through the notification service -------------------------------------------


def _titles(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def test_the_sources_are_registered():
    assert {"catalog.timeliness", "catalog.rereview"} <= set(reminder_sources())


def test_day_15_reminds_the_department_once_and_overdue_again(near_deadline, world):
    CatalogRecord.objects.filter(pk=near_deadline["ours"].pk).update(owner=world.drafter)
    with time_machine.travel(at(date(2026, 10, 19)), tick=True):
        reminders_run(today=date(2026, 10, 19))  # day 14: nothing yet
    assert _titles(world.drafter) == []
    with time_machine.travel(at(date(2026, 10, 20)), tick=True):
        reminders_run(today=date(2026, 10, 20))
        reminders_run(today=date(2026, 10, 20))  # the job runs hourly: still once
    (warning,) = _titles(world.department_head)
    assert (
        warning == "《国庆前形成的就业通知》已到第15个工作日（时限20个工作日），请在5个工作日内公开"
    )
    assert _titles(world.drafter) == [warning]
    # another department's draft reaches its own people, not ours
    assert all("政策法规科" not in t for t in _titles(world.department_head))
    assert _titles(world.office_reviewer) == []
    with time_machine.travel(at(date(2026, 10, 28)), tick=True):
        reminders_run(today=date(2026, 10, 28))  # day 21
    titles = _titles(world.department_head)
    assert len(titles) == 2
    assert "《国庆前形成的就业通知》已超过公开时限1个工作日" in titles


def test_a_rereview_date_reminds_the_department_head_and_the_office(withheld, world):
    reminders_run(today=date(2026, 10, 10))
    head, office = _titles(world.department_head), _titles(world.office_reviewer)
    assert "《逾期复查的内部请示》应于2026-10-01复查，已逾期" in head
    assert "《即将复查的会议纪要》应于2026-10-20复查" in head
    assert not any("明年复查" in t for t in head)  # not due yet
    assert not any("政策法规科" in t for t in head)  # another department's
    assert any("政策法规科的内部文件" in t for t in office)  # the office hears of all
    # moving the date reminds again, once
    CatalogRecord.objects.filter(pk=withheld["soon"].pk).update(rereview_date=date(2026, 10, 22))
    reminders_run(today=date(2026, 10, 10))
    reminders_run(today=date(2026, 10, 10))
    assert _titles(world.department_head).count("《即将复查的会议纪要》应于2026-10-22复查") == 1
