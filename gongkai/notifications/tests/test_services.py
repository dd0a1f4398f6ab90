"""The outbox and notify(): file mail by default, retries with back-off, crash safety,
dedupe, reminder sources."""

import os
import subprocess
import sys
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from gongkai.notifications.models import MailStatus, Notification, OutgoingMail
from gongkai.notifications.reminders import (
    Reminder,
    register_reminder_source,
    reminders_run,
    unregister_reminder_source,
)
from gongkai.notifications.selectors import unread_count
from gongkai.notifications.services import (
    BACKOFF_MINUTES,
    mail_enqueue,
    notify,
    outbox_sweep_run,
)
from gongkai.settings.mail import email_settings

pytestmark = pytest.mark.django_db
FAILING = "gongkai.notifications.tests.backends.FailingBackend"


def test_email_url_forms():
    smtp = email_settings("smtp://gk%40bureau:p%3Ass@mail.example.gov.cn:587?tls=1")
    assert smtp["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (smtp["EMAIL_HOST"], smtp["EMAIL_PORT"]) == ("mail.example.gov.cn", 587)
    assert (smtp["EMAIL_HOST_USER"], smtp["EMAIL_HOST_PASSWORD"]) == ("gk@bureau", "p:ss")
    assert smtp["EMAIL_USE_TLS"] and not smtp["EMAIL_USE_SSL"]
    smtps = email_settings("smtps://u:p@mail.example.gov.cn")
    assert smtps["EMAIL_USE_SSL"] and not smtps["EMAIL_USE_TLS"] and smtps["EMAIL_PORT"] == 465
    assert email_settings("file:///srv/mail")["EMAIL_FILE_PATH"] == "/srv/mail"
    assert email_settings("console:")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    with pytest.raises(ValueError):
        email_settings("sendmail://localhost")


def test_the_embedded_default_writes_mail_to_files_under_var(tmp_path):
    """Without EMAIL_URL the embedded setup writes each mail to a file in var/mail/."""
    env = {k: v for k, v in os.environ.items() if k not in ("EMAIL_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        GONGKAI_VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="gongkai.settings.local"
    )
    script = (
        "import django; django.setup();"
        "from django.core.mail import send_mail;"
        "send_mail('默认设置', '正文', None, ['someone@example.com'])"
    )
    subprocess.run([sys.executable, "-c", script], env=env, check=True, cwd=settings.BASE_DIR)
    [written] = list((tmp_path / "var" / "mail").iterdir())
    message = message_from_bytes(written.read_bytes().split(b"\n" + b"-" * 79)[0])
    assert str(make_header(decode_header(message["Subject"]))) == "默认设置"


def test_a_notice_goes_out_as_a_file_with_an_absolute_link(
    world, tmp_path, django_capture_on_commit_callbacks
):
    folder = tmp_path / "var" / "mail"
    with (
        override_settings(**email_settings(f"file://{folder}")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notify(
            recipients=[world.department_head],
            kind="other",
            title="测试通知",
            body="正文",
            url="/admin/pages/1/edit/",
        )
    files = list(Path(folder).iterdir())
    assert len(files) == 1
    message = message_from_bytes(files[0].read_bytes().split(b"\n" + b"-" * 79)[0])
    assert "测试通知" in str(make_header(decode_header(message["Subject"])))
    assert message["To"] == world.department_head.email
    text = message.get_payload()[0].get_payload(decode=True).decode()
    assert f"{settings.SITE_URL}/admin/pages/1/edit/" in text
    assert OutgoingMail.objects.get().status == MailStatus.SENT


@override_settings(EMAIL_BACKEND=FAILING, NOTIFICATIONS_MAX_ATTEMPTS=6)
def test_a_failing_server_is_retried_with_backoff_then_left_failed(
    world, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipients=[world.leader], kind="other", title="签发提醒")
        row = OutgoingMail.objects.get()
        assert row.status == MailStatus.PENDING and row.attempts == 1
        assert "SMTPServerDisconnected" in row.last_error
        assert row.next_attempt_at == start + timedelta(minutes=BACKOFF_MINUTES[0])
        # Not due yet: the sweep leaves it alone.
        assert outbox_sweep_run() == {}
        waits = []
        for _attempt in range(2, 7):
            row.refresh_from_db()
            waits.append(row.next_attempt_at - timezone.now())
            clock.move_to(row.next_attempt_at)
            outbox_sweep_run()
        row.refresh_from_db()
    assert [w.total_seconds() / 60 for w in waits] == [1, 5, 30, 120, 360]
    assert row.status == MailStatus.FAILED and row.attempts == 6
    assert OutgoingMail.objects.count() == 1  # never lost
    assert Notification.objects.get().title == "签发提醒"  # the in-app notice is there anyway
    # A failed row is no longer retried by the sweep.
    with time_machine.travel(start + timedelta(days=2), tick=False):
        assert outbox_sweep_run() == {}


def test_the_sweep_sends_a_row_that_was_never_enqueued(world):
    # Written and committed, but the process died before the on-commit enqueue ran:
    # (the test transaction never commits, so on_commit callbacks never fire here).
    mail_enqueue(to="reporter@example.com", subject="待发", body_text="正文")
    assert mail.outbox == []
    assert outbox_sweep_run() == {MailStatus.SENT: 1}
    assert [m.to for m in mail.outbox] == [["reporter@example.com"]]
    assert OutgoingMail.objects.get().status == MailStatus.SENT
    assert outbox_sweep_run() == {}  # and only once


def test_a_key_notifies_each_person_once(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            notify(
                recipients=[world.office_reviewer, world.leader, world.leader],
                kind="deadline",
                title="复核期限将至",
                key="rereview:42:2026-12-01",
            )
    assert Notification.objects.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.office_reviewer.email, world.leader.email]
    )


def test_inactive_users_and_users_without_address(world, django_capture_on_commit_callbacks):
    world.leader.is_active = False
    world.leader.save()
    world.office_reviewer.email = ""
    world.office_reviewer.save()
    with django_capture_on_commit_callbacks(execute=True):
        created = notify(recipients=[world.leader, world.office_reviewer], kind="other", title="x")
    assert [n.recipient for n in created] == [world.office_reviewer]  # in-app only
    assert mail.outbox == []


def test_reminder_sources_run_daily_and_remind_once(world, django_capture_on_commit_callbacks):
    seen_days = []

    def due_rereviews(today):
        seen_days.append(today)
        yield Reminder(
            recipients=[world.office_reviewer],
            key="record-7:2026-12-01",
            title="《某信息》不予公开复核到期",
            body="请复核是否可以公开（条例 第18条）。",
            url="/admin/pages/7/edit/",
        )

    def broken(today):
        raise RuntimeError("source bug")

    register_reminder_source("test.rereview", due_rereviews)
    register_reminder_source("test.broken", broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            first = reminders_run()
            second = reminders_run()
    finally:
        unregister_reminder_source("test.rereview")
        unregister_reminder_source("test.broken")
    assert first["test.rereview"] == 1 and second["test.rereview"] == 0
    assert first["test.broken"] == 0  # logged, and the other sources still ran
    assert seen_days == [timezone.localdate()] * 2
    notice = Notification.objects.get()
    assert notice.key == "test.rereview:record-7:2026-12-01"
    assert len(mail.outbox) == 1
    assert unread_count(world.office_reviewer) == 1
