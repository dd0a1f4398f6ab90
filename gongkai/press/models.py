"""The press list (新闻媒体): journalists who get a digest of new publications by e-mail."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class SubscriberStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting confirmation")
    ACTIVE = "active", _("Subscribed")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")


class Subscriber(models.Model):
    """A journalist or media outlet on the press list (新闻媒体订阅). Personal data: only the
    office and the information centre see it (press.view_subscriber)."""

    email = models.EmailField(_("e-mail"), max_length=254, unique=True)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    organisation = models.CharField(_("media outlet"), max_length=100)
    columns = models.JSONField(_("columns"), default=list)
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY
    )
    status = models.CharField(
        _("status"),
        max_length=15,
        choices=SubscriberStatus.choices,
        default=SubscriberStatus.PENDING,
        db_index=True,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    # Publications up to this moment have been considered for this subscriber's digests.
    digest_cursor = models.DateTimeField(_("digest covered until"), null=True, blank=True)
    last_digest_at = models.DateTimeField(_("last digest sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("press subscriber")
        verbose_name_plural = _("press subscribers")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.organisation}）"


class Digest(models.Model):
    """One digest mail sent to one subscriber: which window it covered, which mail it is."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="digests", verbose_name=_("subscriber")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    since = models.DateTimeField(_("from"))
    until = models.DateTimeField(_("until"))
    mail = models.ForeignKey(
        "notifications.OutgoingMail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mail"),
    )

    class Meta:
        verbose_name = _("press digest")
        verbose_name_plural = _("press digests")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.subscriber_id} {self.until:%Y-%m-%d %H:%M}"


class DigestEntry(models.Model):
    """One publication in one digest; a publication is sent to a subscriber once."""

    digest = models.ForeignKey(
        Digest, on_delete=models.CASCADE, related_name="entries", verbose_name=_("digest")
    )
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="+", verbose_name=_("subscriber")
    )
    item_key = models.CharField(pgettext_lazy("digest", "item"), max_length=100)
    column = models.CharField(_("column"), max_length=40)
    title = models.CharField(_("title"), max_length=255)
    url = models.CharField(_("link"), max_length=500)
    published_at = models.DateTimeField(_("published"))

    class Meta:
        verbose_name = _("digest entry")
        verbose_name_plural = _("digest entries")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "item_key"], name="press_item_once_per_subscriber"
            )
        ]

    def __str__(self) -> str:
        return self.title
