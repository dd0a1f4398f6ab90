"""The 工作日历 admin screens: list, create/edit through the service, CSV import, 计算期限."""

from datetime import date

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from wagtail.models import ModelLogEntry

from gongkai.core.calendar_seed import seed_calendar
from gongkai.core.models import CalendarAction, CalendarDay, CalendarYear

SOURCE = "国办发明电〔2026〕9号"


@pytest.fixture(autouse=True)
def seeded(db):
    if not CalendarYear.objects.filter(year=2026).exists():
        seed_calendar(CalendarYear, CalendarDay)


def make_client(username: str, *perms: str) -> Client:
    user = get_user_model().objects.create_user(username, password="x" * 12)
    for dotted in ("wagtailadmin.access_admin", *perms):
        app_label, codename = dotted.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def editor() -> Client:
    return make_client(
        "editor",
        "core.view_calendaryear",
        "core.add_calendaryear",
        "core.change_calendaryear",
        "core.delete_calendaryear",
    )


@pytest.fixture
def viewer() -> Client:
    return make_client("viewer", "core.view_calendaryear")


@pytest.fixture
def outsider() -> Client:
    return make_client("outsider")


def year_form(year, source, days, existing=0) -> dict:
    data = {
        "year": str(year),
        "source": source,
        "notes": "",
        "days-TOTAL_FORMS": str(len(days)),
        "days-INITIAL_FORMS": str(existing),
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
    }
    for i, (day, kind, name, *rest) in enumerate(days):
        data.update(
            {
                f"days-{i}-date": day,
                f"days-{i}-kind": kind,
                f"days-{i}-name": name,
                f"days-{i}-ORDER": str(i + 1),
                f"days-{i}-DELETE": "",
            }
        )
        if rest:
            data[f"days-{i}-id"] = str(rest[0])
    return data


# --- listing and permissions -------------------------------------------------------------------------


@time_machine.travel("2026-11-27 10:00 +0800", tick=False)
def test_index_lists_years_and_warns_about_next_year(viewer):
    response = viewer.get("/admin/calendar/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026" in html and "2004" in html
    assert "2027年尚未录入" in html
    assert "计算期限" in html
    assert "/admin/calendar/deadline/" in html
    assert "/admin/calendar/import/" not in html  # a viewer cannot import


def test_settings_menu_has_the_calendar(editor):
    html = editor.get("/admin/").content.decode()
    # The sidebar is rendered from JSON, so look for the item's URL and escaped label.
    assert "/admin/calendar/" in html
    assert "\\u5de5\\u4f5c\\u65e5\\u5386" in html or "工作日历" in html


def test_without_permission_the_screens_are_closed(outsider):
    for url in (
        "/admin/calendar/",
        "/admin/calendar/new/",
        "/admin/calendar/import/",
        "/admin/calendar/deadline/",
    ):
        response = outsider.get(url)
        assert response.status_code in (302, 403), url


def test_anonymous_is_sent_to_login():
    response = Client().get("/admin/calendar/deadline/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_viewer_cannot_add_edit_delete_or_import(viewer):
    pk = CalendarYear.objects.get(year=2026).pk
    assert viewer.get("/admin/calendar/new/").status_code in (302, 403)
    assert viewer.get(f"/admin/calendar/edit/{pk}/").status_code in (302, 403)
    assert viewer.get(f"/admin/calendar/delete/{pk}/").status_code in (302, 403)
    assert viewer.get("/admin/calendar/import/").status_code in (302, 403)
    response = viewer.post("/admin/calendar/new/", year_form(2027, SOURCE, []))
    assert response.status_code in (302, 403)
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_viewer_can_inspect_a_year(viewer):
    pk = CalendarYear.objects.get(year=2026).pk
    response = viewer.get(f"/admin/calendar/inspect/{pk}/")
    assert response.status_code == 200
    assert "2026-10-10" in response.content.decode()


# --- create and edit ---------------------------------------------------------------------------------


def test_create_a_year_through_the_service(editor):
    days = [("2027-01-01", "holiday", "元旦"), ("2027-02-06", "makeup_workday", "春节")]
    response = editor.post("/admin/calendar/new/", year_form(2027, SOURCE, days))
    assert response.status_code == 302, response.content.decode()[:2000]
    cal_year = CalendarYear.objects.get(year=2027)
    assert cal_year.source == SOURCE
    assert cal_year.days.count() == 2
    entries = ModelLogEntry.objects.filter(object_id=str(cal_year.pk))
    assert [e.action for e in entries] == [CalendarAction.SAVE]
    assert entries[0].user_id == editor.user.pk


@pytest.mark.parametrize(
    ("days", "source", "expected"),
    [
        (
            [("2027-01-01", "holiday", "元旦"), ("2027-02-10", "makeup_workday", "春节")],
            SOURCE,
            "星期六",
        ),
        ([("2028-01-01", "holiday", "元旦")], SOURCE, "不在2027年"),
        (
            [("2027-01-01", "holiday", "元旦"), ("2027-01-01", "makeup_workday", "元旦")],
            SOURCE,
            "既是",
        ),
        ([("2027-01-01", "holiday", "元旦")], "", ""),
        ([], SOURCE, "没有节假日"),
    ],
)
def test_create_with_bad_days_shows_errors_and_saves_nothing(editor, days, source, expected):
    response = editor.post("/admin/calendar/new/", year_form(2027, source, days))
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not ModelLogEntry.objects.filter(action=CalendarAction.SAVE).exists()


def test_create_an_existing_year_is_refused(editor):
    response = editor.post(
        "/admin/calendar/new/", year_form(2026, SOURCE, [("2026-01-01", "holiday", "元旦")])
    )
    assert response.status_code == 200
    assert CalendarYear.objects.get(year=2026).days.count() > 1


def test_edit_a_year_through_the_service(editor):
    cal_year = CalendarYear.objects.get(year=2026)
    days = [
        (d.date.isoformat(), d.kind, d.name, d.pk)
        for d in CalendarDay.objects.filter(calendar_year=cal_year)
    ]
    data = year_form(2026, "国办发明电〔2025〕7号", days, existing=len(days))
    # Drop 2026-10-07 from 国庆节 (a made-up change, to see it saved).
    index = next(i for i, d in enumerate(days) if d[0] == "2026-10-07")
    data[f"days-{index}-DELETE"] = "1"
    response = editor.get(f"/admin/calendar/edit/{cal_year.pk}/")
    assert response.status_code == 200
    response = editor.post(f"/admin/calendar/edit/{cal_year.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    cal_year.refresh_from_db()
    assert cal_year.source == "国办发明电〔2025〕7号"
    assert not CalendarDay.objects.filter(date=date(2026, 10, 7)).exists()
    entry = ModelLogEntry.objects.get(action=CalendarAction.SAVE)
    assert entry.data["removed"] == ["2026-10-07"]


def test_edit_cannot_move_a_year(editor):
    cal_year = CalendarYear.objects.get(year=2025)
    days = [
        (d.date.isoformat(), d.kind, d.name, d.pk)
        for d in CalendarDay.objects.filter(calendar_year=cal_year)
    ]
    data = year_form(2030, cal_year.source, days, existing=len(days))
    editor.post(f"/admin/calendar/edit/{cal_year.pk}/", data)
    assert CalendarYear.objects.filter(year=2025).exists()
    assert not CalendarYear.objects.filter(year=2030).exists()


def test_delete_through_the_service(editor):
    pk = CalendarYear.objects.get(year=2004).pk
    assert editor.get(f"/admin/calendar/delete/{pk}/").status_code == 200
    response = editor.post(f"/admin/calendar/delete/{pk}/")
    assert response.status_code == 302
    assert not CalendarYear.objects.filter(year=2004).exists()
    assert ModelLogEntry.objects.filter(action=CalendarAction.DELETE).count() == 1


# --- CSV import ---------------------------------------------------------------------------------------


def test_import_pasted_csv(editor):
    assert editor.get("/admin/calendar/import/").status_code == 200
    response = editor.post(
        "/admin/calendar/import/",
        {"year": "2027", "source": SOURCE, "csv_text": "2027-01-01,休,元旦\n2027-02-06,班,春节"},
    )
    assert response.status_code == 302
    assert CalendarDay.objects.filter(calendar_year__year=2027).count() == 2


def test_import_uploaded_csv_with_bom(editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "2027.csv", "date,kind,name\n2027-01-01,holiday,元旦\n".encode("utf-8-sig")
    )
    response = editor.post(
        "/admin/calendar/import/", {"year": "2027", "source": SOURCE, "csv_file": upload}
    )
    assert response.status_code == 302
    assert CalendarYear.objects.filter(year=2027).exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"csv_text": "2027-01-01,休,元旦\n2027-02-30,休,春节"}, "第2行"),
        ({"csv_text": "2027-01-01,休,元旦\n2027-02-10,班,春节"}, "星期六"),
        ({"csv_text": ""}, "CSV"),
        ({"year": "2026", "csv_text": "2026-01-01,休,元旦"}, "替换"),
        ({"source": "", "csv_text": "2027-01-01,休,元旦"}, "必需"),
    ],
)
def test_import_errors_change_nothing(editor, data, expected):
    before = CalendarDay.objects.count()
    response = editor.post("/admin/calendar/import/", {"year": "2027", "source": SOURCE, **data})
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert CalendarDay.objects.count() == before
    assert not ModelLogEntry.objects.filter(action=CalendarAction.SAVE).exists()


def test_import_replace_needs_change_permission():
    adder = make_client("adder", "core.add_calendaryear")
    response = adder.post(
        "/admin/calendar/import/",
        {"year": "2026", "source": SOURCE, "csv_text": "2026-01-01,休,元旦", "replace": "on"},
    )
    assert response.status_code == 200
    assert CalendarYear.objects.get(year=2026).days.count() > 1


# --- 计算期限 -------------------------------------------------------------------------------------


def test_deadline_calculator(viewer):
    response = viewer.get("/admin/calendar/deadline/")
    assert response.status_code == 200
    response = viewer.get(
        "/admin/calendar/deadline/", {"start": "2026-09-28", "n": "20", "unit": "working_days"}
    )
    html = response.content.decode()
    assert "届满日：2026-10-30（星期五）" in html
    assert "调休上班日：10月10日（星期六）计入" in html


def test_deadline_calculator_with_a_pause(viewer):
    response = viewer.get(
        "/admin/calendar/deadline/",
        {
            "start": "2026-09-28",
            "n": "20",
            "unit": "working_days",
            "pause_from": "2026-10-12",
            "pause_to": "2026-10-15",
            "pause_reason": "征求第三方意见",
        },
    )
    assert "届满日：2026-11-05" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"start": "2026-12-01", "n": "30", "unit": "working_days"}, "2027"),
        ({"start": "2026-09-28", "n": "5000", "unit": "working_days"}, "1000"),
        (
            {"start": "2026-09-28", "n": "3", "unit": "working_days", "pause_from": "2026-10-12"},
            "暂停",
        ),
    ],
)
def test_deadline_calculator_errors(viewer, params, expected):
    response = viewer.get("/admin/calendar/deadline/", params)
    assert response.status_code == 200
    assert expected in response.content.decode()
