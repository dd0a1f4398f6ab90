"""In-app notifications (站内通知) and the mail outbox (待发邮件)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NotificationKind(models.TextChoices):
    """What a notice is about. Later modules add theirs (letters, applications...) by
    passing any short string as `kind`: the field does not restrict values, these are the
    ones with a label."""

    REVIEW_TASK = "review.task", _("Review task waiting")
    REVIEW_RETURNED = "review.returned", _("Draft sent back")
    REVIEW_PUBLISHED = "review.published", _("Draft published")
    REVIEW_COMPLETED = "review.completed", _("Review completed")
    DEADLINE = "deadline", _("Deadline")
    REMINDER = "reminder", _("Reminder")
    OTHER = "other", _("Other")


def kind_label(kind: str) -> str:
    try:
        return str(NotificationKind(kind).label)
    except ValueError:
        return kind


class Notification(models.Model):
    """One notice for one member of staff, shown in the admin until read."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=40, default=NotificationKind.OTHER)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # Reminders and other repeatable notices carry a key: a second notify() with the same
    # key for the same person does nothing (a reminder is sent once).
    key = models.CharField(_("dedupe key"), max_length=200, null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], name="notification_key_once_per_recipient"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)


class MailStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutgoingMail(models.Model):
    """One message in the outbox. Written in the transaction of what it tells about, sent
    by a task after the commit, retried with back-off; never deleted when sending fails."""

    to = models.EmailField(pgettext_lazy("mail", "to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MailStatus.choices, default=MailStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    notification = models.ForeignKey(
        Notification,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mails",
        verbose_name=_("notification"),
    )

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
