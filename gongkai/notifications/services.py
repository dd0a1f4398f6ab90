"""Writes of the notifications app: notify staff, queue and send mail, mark notices read.

Every notice of the platform goes through `notify()` (staff: in-app and mail) or
`mail_enqueue()` (anyone with an address: mail only, e.g. press digests). Both write in the
caller's transaction, so a notice exists exactly when what it tells about was committed, and
hand sending to a task after the commit. Sending is retried with back-off; a mail that keeps
failing stays in the outbox as failed, where the information centre sees and retries it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import MailStatus, Notification, OutgoingMail

logger = logging.getLogger(__name__)

# Minutes to wait after the 1st, 2nd... failed attempt; the last value repeats.
BACKOFF_MINUTES = (1, 5, 30, 120, 360)
# A claimed mail is not picked up again for this long (a worker that died mid-send).
CLAIM_SECONDS = 600
SWEEP_BATCH = 200


def absolute_url(url: str) -> str:
    """`url` as a link that works from a mail: paths are joined to settings.SITE_URL."""
    if not url or url.startswith(("http://", "https://", "mailto:")):
        return url
    return settings.SITE_URL.rstrip("/") + "/" + url.lstrip("/")


def max_attempts() -> int:
    return max(1, int(getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", 6)))


def backoff(attempts: int) -> timedelta:
    """How long to wait after `attempts` failed attempts."""
    index = min(max(attempts, 1), len(BACKOFF_MINUTES)) - 1
    return timedelta(minutes=BACKOFF_MINUTES[index])


def _enqueue_after_commit(mail_ids: list[int]) -> None:
    def enqueue() -> None:
        from .tasks import send_mail_task

        try:
            send_mail_task.enqueue(mail_ids)
        except Exception:
            # The rows are committed and pending: the sweep sends them within a minute.
            logger.exception("notifications: could not enqueue mail %s", mail_ids)

    transaction.on_commit(enqueue)


@transaction.atomic
def mail_enqueue(
    *,
    to: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    headers: dict[str, str] | None = None,
    notification: Notification | None = None,
    send: bool = True,
) -> OutgoingMail:
    """Put one message in the outbox (in the caller's transaction); it is sent after the
    commit. With send=False only the sweep sends it (callers that batch)."""
    mail = OutgoingMail.objects.create(
        to=to,
        subject=subject[:255],
        body_text=body_text,
        body_html=body_html,
        headers=dict(headers or {}),
        notification=notification,
    )
    if send:
        _enqueue_after_commit([mail.pk])
    return mail


def _render_mail(notification: Notification, recipient: Any) -> tuple[str, str, str]:
    from gongkai.org.selectors import staff_name

    context = {
        "notification": notification,
        "name": staff_name(recipient),
        "link": absolute_url(notification.url),
        "site_name": getattr(settings, "WAGTAIL_SITE_NAME", ""),
        "inbox": absolute_url("/admin/notifications/"),
    }
    subject = f"【{context['site_name']}】{notification.title}" if context["site_name"] else ""
    text = render_to_string("notifications/mail.txt", context).strip() + "\n"
    html = render_to_string("notifications/mail.html", context)
    return subject or notification.title, text, html


@transaction.atomic
def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    key: str | None = None,
    email: bool = True,
) -> list[Notification]:
    """Notify each of `recipients` (users) in the admin and, with email=True, by mail.

    Writes one Notification per active recipient and one outbox row per recipient with an
    address, in the caller's transaction; sending starts after the commit. With a `key`,
    a recipient who already has a notice with that key gets nothing (reminders are sent
    once). Returns the notices created.
    """
    created: list[Notification] = []
    mail_ids: list[int] = []
    seen: set[int] = set()
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        if key and Notification.objects.filter(recipient=user, key=key).exists():
            continue
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=user,
                    kind=str(kind),
                    title=str(title)[:255],
                    body=str(body),
                    url=url,
                    key=key or None,
                )
        except IntegrityError:  # the same key written at the same moment elsewhere
            continue
        created.append(notification)
        if email and user.email:
            subject, text, html = _render_mail(notification, user)
            mail = mail_enqueue(
                to=user.email,
                subject=subject,
                body_text=text,
                body_html=html,
                notification=notification,
                send=False,
            )
            mail_ids.append(mail.pk)
    if mail_ids:
        _enqueue_after_commit(mail_ids)
    return created


def _claim(mail_id: int, now) -> bool:
    return bool(
        OutgoingMail.objects.filter(
            pk=mail_id, status=MailStatus.PENDING, next_attempt_at__lte=now
        ).update(next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS))
    )


def _message(mail: OutgoingMail, connection) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to],
        headers=dict(mail.headers or {}),
        connection=connection,
    )
    if mail.body_html:
        message.attach_alternative(mail.body_html, "text/html")
    return message


def mail_send(*, mail_id: int, connection=None) -> str:
    """Try to send one pending mail that is due; returns its status afterwards.

    The row is claimed first (so two workers never send it twice). A failure records the
    error and schedules the next attempt (BACKOFF_MINUTES); after NOTIFICATIONS_MAX_ATTEMPTS
    the row is left failed. A row not due or not pending is left alone ("skipped").
    """
    now = timezone.now()
    if not _claim(mail_id, now):
        return "skipped"
    mail = OutgoingMail.objects.get(pk=mail_id)
    attempts = mail.attempts + 1
    try:
        sent = _message(mail, connection or get_connection()).send(fail_silently=False)
        if sent != 1:
            raise RuntimeError("the mail backend accepted no message")
    except Exception as exc:  # any backend error: SMTP, network, a full disk
        error = f"{type(exc).__name__}: {exc}"[:2000]
        failed = attempts >= max_attempts()
        OutgoingMail.objects.filter(pk=mail_id).update(
            attempts=attempts,
            last_error=error,
            status=MailStatus.FAILED if failed else MailStatus.PENDING,
            next_attempt_at=timezone.now() + backoff(attempts),
        )
        logger.warning(
            "notifications: mail %s to %s failed (attempt %s%s): %s",
            mail_id,
            mail.to,
            attempts,
            ", giving up" if failed else "",
            error,
        )
        return MailStatus.FAILED if failed else MailStatus.PENDING
    OutgoingMail.objects.filter(pk=mail_id).update(
        attempts=attempts, status=MailStatus.SENT, sent_at=timezone.now(), last_error=""
    )
    return MailStatus.SENT


def mail_send_many(*, mail_ids: Iterable[int]) -> dict[str, int]:
    """Send several mails over one connection; counts by resulting status."""
    counts: dict[str, int] = {}
    connection = get_connection()
    try:
        for mail_id in mail_ids:
            status = mail_send(mail_id=mail_id, connection=connection)
            counts[status] = counts.get(status, 0) + 1
    finally:
        try:
            connection.close()
        except Exception:  # closing a broken connection must not hide the results
            logger.debug("notifications: closing the mail connection failed", exc_info=True)
    return counts


def outbox_sweep_run(*, now=None) -> dict[str, int]:
    """Send every pending mail that is due: retries after back-off, and rows whose task was
    never enqueued (a crash between the commit and the enqueue). Run every minute."""
    now = now or timezone.now()
    due = list(
        OutgoingMail.objects.filter(status=MailStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    return mail_send_many(mail_ids=due) if due else {}


@transaction.atomic
def mail_retry(*, mail: OutgoingMail, by: Any) -> OutgoingMail:
    """Put a failed (or waiting) mail back in the queue now, with a fresh set of attempts."""
    from .permissions import can_manage_outbox

    if not can_manage_outbox(by):
        raise PermissionDenied
    if mail.status == MailStatus.SENT:
        return mail
    mail.status = MailStatus.PENDING
    mail.attempts = 0
    mail.next_attempt_at = timezone.now()
    mail.save(update_fields=["status", "attempts", "next_attempt_at"])
    _enqueue_after_commit([mail.pk])
    return mail


@transaction.atomic
def notification_mark_read(*, notification: Notification, user: Any) -> Notification:
    """Mark one of `user`'s own notices read (someone else's: PermissionDenied)."""
    if notification.recipient_id != user.pk:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notification_mark_all_read(*, user: Any) -> int:
    """Mark every unread notice of `user` read; returns how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
