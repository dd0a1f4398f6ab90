"""The audit helper, the client IP on entries, sign-in events and the 审计日志 report."""

import csv
import datetime as dt
import io

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import path, reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry, Page, PageLogEntry

from gongkai import urls as project_urls
from gongkai.conftest import login_verified
from gongkai.core.audit import AuthAction, audit
from gongkai.core.audit_admin import can_view_audit_log
from gongkai.core.request_context import client_ip
from gongkai.org.models import Department
from gongkai.org.tests.factories import UserFactory

REPORT = "/admin/reports/audit-log/"


def audit_view(request: HttpRequest) -> HttpResponse:
    """A view that writes one audit entry, as every service does."""
    department = Department.objects.get(code="office")
    entry = audit(
        department, "wagtail.edit", user=request.user, data={"field": "phone"}, title="局办公室"
    )
    return HttpResponse(str(entry.pk))


urlpatterns = [path("audit-probe/", audit_view), *project_urls.urlpatterns]


# --- audit() and the IP ------------------------------------------------------------------


@pytest.mark.urls("gongkai.core.tests.test_audit")
def test_audit_during_a_request_records_user_and_ip(client, world):
    client.force_login(world.office_reviewer)
    response = client.get("/audit-probe/", REMOTE_ADDR="203.0.113.7")
    entry = ModelLogEntry.objects.get(pk=int(response.content))
    assert entry.user == world.office_reviewer
    assert entry.data == {"field": "phone", "ip": "203.0.113.7"}
    assert entry.label == "局办公室"
    assert entry.object_id == str(world.office.pk)


def test_audit_outside_a_request_has_no_ip(world):
    entry = audit(world.office, "wagtail.edit", data={"by": "command"})
    assert entry.user is None
    assert entry.data == {"by": "command"}
    assert "ip" not in entry.data


def test_audit_of_a_page_is_a_page_log_entry(world):
    root = Page.get_first_root_node()
    entry = audit(root, "wagtail.edit", user=world.site_admin)
    assert isinstance(entry, PageLogEntry)
    assert entry.page_id == root.pk


def test_audit_of_an_unsaved_object_fails_loudly(db):
    with pytest.raises(ValueError):
        audit(Department(name="x", code="x"), "wagtail.edit")


def test_anonymous_user_is_recorded_as_system(world):
    from django.contrib.auth.models import AnonymousUser

    entry = audit(world.office, "wagtail.edit", user=AnonymousUser())
    assert entry.user is None


@pytest.mark.parametrize(
    ("proxy_count", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "10.0.0.9"),  # no trusted proxy: the header is ignored
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # a spoofed left entry is ignored
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (2, "198.51.100.1", "10.0.0.9"),  # fewer entries than proxies: not via the proxies
        (1, "not-an-ip", "10.0.0.9"),
        (1, "", "10.0.0.9"),
    ],
)
def test_proxy_count_decides_which_forwarded_address_is_the_client(
    settings, proxy_count, forwarded, expected
):
    settings.PROXY_COUNT = proxy_count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_no_request_no_ip():
    assert client_ip() is None


@pytest.mark.urls("gongkai.core.tests.test_audit")
def test_proxy_count_reaches_the_audit_entry(client, world, settings):
    settings.PROXY_COUNT = 1
    client.force_login(world.office_reviewer)
    response = client.get(
        "/audit-probe/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.23"
    )
    assert ModelLogEntry.objects.get(pk=int(response.content)).data["ip"] == "198.51.100.23"


def test_sign_in_and_out_are_audited_with_ip(client, world):
    response = client.post(
        reverse("wagtailadmin_login"),
        {"username": "t-drafter", "password": "correct-horse-battery"},
        REMOTE_ADDR="192.0.2.5",
    )
    assert response.status_code == 302
    login = ModelLogEntry.objects.get(action=AuthAction.LOGIN)
    assert login.user == world.drafter and login.data["ip"] == "192.0.2.5"
    client.post(reverse("wagtailadmin_logout"))
    assert ModelLogEntry.objects.filter(action=AuthAction.LOGOUT, user=world.drafter).exists()


def test_failed_sign_in_to_an_existing_account_is_audited(client, world):
    client.post(reverse("wagtailadmin_login"), {"username": "t-drafter", "password": "wrong"})
    client.post(reverse("wagtailadmin_login"), {"username": "nobody", "password": "wrong"})
    entries = ModelLogEntry.objects.filter(action=AuthAction.LOGIN_FAILED)
    assert entries.count() == 1
    assert entries.get().object_id == str(world.drafter.pk) and entries.get().user is None


# --- the report -----------------------------------------------------------------------------


@pytest.fixture
def entries(world):
    """Three entries: two on models (one with an IP), one on a page."""
    old = audit(world.office, "wagtail.edit", user=world.office_reviewer, data={"ip": "10.1.2.3"})
    ModelLogEntry.objects.filter(pk=old.pk).update(
        timestamp=timezone.make_aware(dt.datetime(2024, 1, 10, 9, 0))
    )
    audit(world.policy, "wagtail.create", user=world.site_admin, data={"ip": "192.0.2.77"})
    audit(Page.get_first_root_node(), "wagtail.publish", user=world.leader)
    return world


def rows(response) -> str:
    return response.content.decode()


def test_report_lists_page_and_model_entries_with_ip(client, entries):
    login_verified(client, entries.site_admin)
    response = client.get(REPORT)
    assert response.status_code == 200
    html = rows(response)
    for text in ("局办公室", "政策法规科", "10.1.2.3", "192.0.2.77", "2024-01-10 09:00:00"):
        assert text in html
    assert Page.get_first_root_node().title in html  # the page entry


def test_report_filters(client, entries):
    login_verified(client, entries.site_admin)
    by_ip = rows(client.get(REPORT, {"ip": "192.0.2."}))
    assert "政策法规科" in by_ip and "10.1.2.3" not in by_ip

    by_user = rows(client.get(REPORT, {"user": entries.office_reviewer.pk}))
    assert "10.1.2.3" in by_user and "192.0.2.77" not in by_user

    by_action = rows(client.get(REPORT, {"action": "wagtail.create"}))
    assert "192.0.2.77" in by_action and "10.1.2.3" not in by_action

    by_date = rows(
        client.get(REPORT, {"timestamp_from": "2024-01-01", "timestamp_to": "2024-01-31"})
    )
    assert "10.1.2.3" in by_date and "192.0.2.77" not in by_date

    from django.contrib.contenttypes.models import ContentType

    department_type = ContentType.objects.get_for_model(Department)
    by_type = rows(client.get(REPORT, {"object_type": department_type.pk}))
    assert "10.1.2.3" in by_type and Page.get_first_root_node().title not in by_type


def test_report_exports_csv_with_local_time(client, entries):
    login_verified(client, entries.site_admin)
    response = client.get(REPORT, {"export": "csv", "ip": "10.1."})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    data = list(csv.reader(io.StringIO(body)))
    assert len(data) == 2
    assert data[1][0] == "2024-01-10 09:00:00"
    assert "10.1.2.3" in data[1]


def test_report_exports_xlsx(client, entries):
    login_verified(client, entries.site_admin)
    response = client.get(REPORT, {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )


def test_report_is_refused_to_a_drafter(client, entries):
    client.force_login(entries.drafter)
    response = client.get(REPORT)
    # Wagtail answers PermissionDenied in the admin with a redirect home and a message.
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert client.get(f"{REPORT}results/").status_code == 302
    assert client.get(REPORT, {"export": "csv"}).status_code == 302
    assert not can_view_audit_log(entries.drafter)
    menu = rows(client.get("/admin/"))
    assert REPORT not in menu


def test_report_is_open_to_superuser_and_shown_in_menu(client, entries):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    login_verified(client, admin)
    assert client.get(REPORT).status_code == 200
    assert REPORT in rows(client.get("/admin/"))


def test_report_needs_the_second_factor_first(client, entries):
    client.force_login(entries.site_admin)
    response = client.get(REPORT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account:two_factor_setup"))
