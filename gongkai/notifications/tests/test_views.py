"""我的通知 and the outbox in the admin: only one's own notices; the outbox for 信息中心."""

import json

import pytest
from django.core import mail
from django.test import Client, override_settings

from gongkai.conftest import login_verified
from gongkai.notifications.models import MailStatus, Notification, OutgoingMail
from gongkai.notifications.services import notify, outbox_sweep_run

pytestmark = pytest.mark.django_db


def _in_menu(label: str, page: str) -> bool:
    """The admin menu is JSON inside the page (Chinese as \\u escapes)."""
    return json.dumps(label)[1:-1] in page


def _client(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def test_unread_count_in_the_menu_and_the_dashboard(world):
    notify(recipients=[world.department_head], kind="review.task", title="待初审：一号文件")
    notify(recipients=[world.department_head], kind="review.task", title="待初审：二号文件")
    client = _client(world.department_head)
    home = client.get("/admin/").content.decode()
    assert _in_menu("我的通知（2）", home)  # the bell in the menu
    assert "待初审：二号文件" in home  # the dashboard panel
    Notification.objects.filter(title="待初审：一号文件").update(read_at="2026-01-01T00:00Z")
    assert _in_menu("我的通知（1）", client.get("/admin/").content.decode())
    # Someone with nothing unread sees no count.
    leader_home = _client(world.leader).get("/admin/").content.decode()
    assert _in_menu("我的通知", leader_home) and not _in_menu("我的通知（", leader_home)


def test_the_list_shows_only_ones_own_and_marks_read(world):
    mine = notify(
        recipients=[world.department_head], kind="review.task", title="我的待办", url="/admin/"
    )[0]
    other = notify(recipients=[world.leader], kind="review.task", title="别人的待办")[0]
    client = _client(world.department_head)
    page = client.get("/admin/notifications/").content.decode()
    assert "我的待办" in page and "别人的待办" not in page
    # Another person's notice cannot be opened or marked: 404, like one that does not exist.
    assert client.get(f"/admin/notifications/{other.pk}/open/").status_code == 404
    assert client.post(f"/admin/notifications/{other.pk}/read/").status_code == 404
    other.refresh_from_db()
    assert other.read_at is None
    # Opening one's own follows its link and marks it read.
    response = client.get(f"/admin/notifications/{mine.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert "我的待办" not in client.get("/admin/notifications/?unread=1").content.decode()
    # Mark read is POST only.
    assert client.get(f"/admin/notifications/{mine.pk}/read/").status_code == 405


def test_mark_all_read(world):
    for n in range(3):
        notify(recipients=[world.office_reviewer], kind="other", title=f"通知{n}")
    notify(recipients=[world.leader], kind="other", title="领导的")
    client = _client(world.office_reviewer)
    response = client.post("/admin/notifications/read-all/")
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=world.office_reviewer, read_at=None).exists()
    assert Notification.objects.get(recipient=world.leader).read_at is None


def test_a_link_elsewhere_is_not_followed(world):
    notice = notify(
        recipients=[world.drafter], kind="other", title="x", url="https://evil.example/"
    )[0]
    response = _client(world.drafter).get(f"/admin/notifications/{notice.pk}/open/")
    assert response["Location"] == "/admin/notifications/"


@override_settings(EMAIL_BACKEND="gongkai.notifications.tests.backends.FailingBackend")
def test_the_information_centre_sees_failed_mail_and_retries(world):
    notify(recipients=[world.leader], kind="other", title="发不出去的通知")
    OutgoingMail.objects.update(next_attempt_at="2000-01-01T00:00Z")
    outbox_sweep_run()
    OutgoingMail.objects.update(status=MailStatus.FAILED)
    row = OutgoingMail.objects.get()
    admin = _client(world.site_admin)
    page = admin.get("/admin/notifications/outbox/").content.decode()
    assert "发不出去的通知" in page and "SMTPServerDisconnected" in page
    assert _in_menu("待发邮件（1）", admin.get("/admin/").content.decode())  # settings menu
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        response = admin.post(f"/admin/notifications/outbox/{row.pk}/retry/")
        assert response.status_code == 302
        row.refresh_from_db()
        assert row.status == MailStatus.PENDING and row.attempts == 0
        outbox_sweep_run()
    row.refresh_from_db()
    assert row.status == MailStatus.SENT
    assert len(mail.outbox) == 1


def test_only_the_information_centre_reaches_the_outbox(world):
    row = OutgoingMail.objects.create(
        to="a@example.com", subject="s", body_text="b", status=MailStatus.FAILED
    )
    for user in (world.drafter, world.department_head, world.office_reviewer, world.leader):
        client = _client(user)
        # Wagtail answers a refused admin view with a redirect to the dashboard.
        for response in (
            client.get("/admin/notifications/outbox/"),
            client.post(f"/admin/notifications/outbox/{row.pk}/retry/"),
        ):
            assert (response.status_code, response["Location"]) == (302, "/admin/")
        row.refresh_from_db()
        assert row.status == MailStatus.FAILED
    assert Client().get("/admin/notifications/outbox/").status_code == 302  # to the login
    assert Client().get("/admin/notifications/").status_code == 302
