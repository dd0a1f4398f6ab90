"""Writes of the press list: subscribe (double opt-in), confirm, unsubscribe, send digests.

Mail goes through the platform's outbox (gongkai.notifications.services.mail_enqueue), in
the same transaction as the change it belongs to, and is retried until sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.notifications.services import absolute_url, mail_enqueue

from .models import Digest, DigestEntry, Frequency, Subscriber, SubscriberStatus
from .selectors import column_titles
from .sources import DigestItem, new_items

logger = logging.getLogger(__name__)

CONFIRM_SALT = "gongkai.press.confirm"
UNSUBSCRIBE_SALT = "gongkai.press.unsubscribe"
CONFIRM_MAX_AGE = timedelta(days=3)
# One confirmation mail per address per this long, however often the form is sent
# (nobody can use the form to flood someone's mailbox).
RESEND_AFTER = timedelta(minutes=10)
PERIODS = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7)}
# The digest job runs hourly: a subscriber is due a little before the full period, so a
# daily digest does not slide by an hour a day.
DUE_SLACK = timedelta(minutes=30)
# Each digest looks this far back before the last one's end, for publications stamped
# before it but committed after it; the entries table keeps them from coming twice.
OVERLAP = timedelta(hours=1)


class PressTokenError(Exception):
    """A confirmation or unsubscribe link that is invalid or expired (message in Chinese)."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def confirm_token(subscriber: Subscriber, request: dict) -> str:
    return signing.dumps(
        {"s": subscriber.pk, "e": subscriber.email, **request}, salt=CONFIRM_SALT, compress=True
    )


def unsubscribe_token(subscriber: Subscriber) -> str:
    return signing.dumps({"s": subscriber.pk, "e": subscriber.email}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(subscriber: Subscriber) -> str:
    return absolute_url(reverse("press:unsubscribe", args=[unsubscribe_token(subscriber)]))


@dataclass(frozen=True)
class SubscribeResult:
    subscriber: Subscriber
    mail_sent: bool


@transaction.atomic
def subscriber_request(
    *, name: str, organisation: str, email: str, columns: list[str], frequency: str
) -> SubscribeResult:
    """Ask to subscribe `email` (or change its subscription): a confirmation mail goes out.

    A new address is stored as pending (inactive). Nothing changes for an existing one
    until the link in the mail is followed: the link carries the request, signed. At most
    one confirmation per address per RESEND_AFTER (mail_sent is then False).
    """
    email = normalise_email(email)
    request = {"n": name, "o": organisation, "c": list(columns), "f": frequency}
    subscriber, created = Subscriber.objects.select_for_update().get_or_create(
        email=email,
        defaults={
            "name": name,
            "organisation": organisation,
            "columns": list(columns),
            "frequency": frequency,
        },
    )
    now = timezone.now()
    if (
        not created
        and subscriber.confirmation_sent_at
        and now - subscriber.confirmation_sent_at < RESEND_AFTER
    ):
        return SubscribeResult(subscriber, mail_sent=False)
    link = absolute_url(reverse("press:confirm", args=[confirm_token(subscriber, request)]))
    context = {
        "name": name,
        "organisation": organisation,
        "link": link,
        "columns": [column_titles().get(key, key) for key in columns],
        "frequency": Frequency(frequency).label,
        "days": CONFIRM_MAX_AGE.days,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "active": subscriber.status == SubscriberStatus.ACTIVE,
    }
    mail_enqueue(
        to=email,
        subject=_("[%(site)s] Please confirm your press subscription")
        % {"site": settings.WAGTAIL_SITE_NAME},
        body_text=render_to_string("press/confirm_mail.txt", context).strip() + "\n",
    )
    subscriber.confirmation_sent_at = now
    subscriber.save(update_fields=["confirmation_sent_at"])
    return SubscribeResult(subscriber, mail_sent=True)


def _load(token: str, salt: str, max_age: timedelta | None) -> dict:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise PressTokenError(
            _("This link has expired. Please subscribe again to get a new one.")
        ) from None
    except signing.BadSignature:
        raise PressTokenError(
            _("This link is not valid. Please copy the whole link from the mail.")
        ) from None
    if not isinstance(data, dict) or "s" not in data or "e" not in data:
        raise PressTokenError(
            _("This link is not valid. Please copy the whole link from the mail.")
        )
    return data


def _subscriber(data: dict) -> Subscriber:
    subscriber = (
        Subscriber.objects.select_for_update().filter(pk=data["s"], email=data["e"]).first()
    )
    if subscriber is None:
        raise PressTokenError(_("This subscription no longer exists."))
    return subscriber


def check_confirm_token(token: str) -> dict:
    return _load(token, CONFIRM_SALT, CONFIRM_MAX_AGE)


@transaction.atomic
def subscriber_confirm(*, token: str) -> Subscriber:
    """Follow a confirmation link: the subscription becomes active with what was asked for.

    A newly active subscriber's first digest covers what is published from now on.
    """
    data = check_confirm_token(token)
    subscriber = _subscriber(data)
    now = timezone.now()
    was_active = subscriber.status == SubscriberStatus.ACTIVE
    subscriber.name = str(data.get("n", subscriber.name))[:50]
    subscriber.organisation = str(data.get("o", subscriber.organisation))[:100]
    subscriber.columns = [str(key) for key in data.get("c", subscriber.columns)]
    if data.get("f") in Frequency.values:
        subscriber.frequency = data["f"]
    subscriber.status = SubscriberStatus.ACTIVE
    subscriber.confirmed_at = now
    subscriber.unsubscribed_at = None
    if not was_active:
        subscriber.digest_cursor = now
    subscriber.save()
    return subscriber


def check_unsubscribe_token(token: str) -> dict:
    return _load(token, UNSUBSCRIBE_SALT, None)


@transaction.atomic
def subscriber_unsubscribe(*, token: str) -> Subscriber:
    """Follow an unsubscribe link (or its RFC 8058 one-click POST): no more digests."""
    subscriber = _subscriber(check_unsubscribe_token(token))
    if subscriber.status != SubscriberStatus.UNSUBSCRIBED:
        subscriber.status = SubscriberStatus.UNSUBSCRIBED
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["status", "unsubscribed_at"])
    return subscriber


def _due(subscriber: Subscriber, now: datetime) -> bool:
    period = PERIODS.get(subscriber.frequency, PERIODS[Frequency.DAILY])
    cursor = subscriber.digest_cursor or subscriber.confirmed_at or now
    return now - cursor >= period - DUE_SLACK


def _digest_mail(subscriber: Subscriber, items: list[DigestItem], now: datetime) -> dict[str, Any]:
    titles = column_titles()
    groups: dict[str, list[dict]] = {}
    for item in items:
        groups.setdefault(item.column, []).append(
            {
                "title": item.title,
                "url": absolute_url(item.url),
                "date": timezone.localtime(item.published_at).strftime("%Y-%m-%d"),
                "summary": item.summary,
            }
        )
    unsubscribe = unsubscribe_url(subscriber)
    context = {
        "subscriber": subscriber,
        "groups": [(titles.get(key, key), entries) for key, entries in groups.items()],
        "count": len(items),
        "unsubscribe": unsubscribe,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "site_url": settings.SITE_URL,
        "date": timezone.localtime(now).strftime("%Y-%m-%d"),
    }
    return {
        "subject": _("[%(site)s] %(count)s new publications (%(date)s)")
        % {"site": settings.WAGTAIL_SITE_NAME, "count": len(items), "date": context["date"]},
        "body_text": render_to_string("press/digest_mail.txt", context).strip() + "\n",
        "body_html": render_to_string("press/digest_mail.html", context),
        # RFC 2369 and RFC 8058: mail clients offer one-click unsubscribe.
        "headers": {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    }


@transaction.atomic
def _digest_one(*, subscriber_id: int, items: list[DigestItem], now: datetime) -> Digest | None:
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber_id)
    if subscriber.status != SubscriberStatus.ACTIVE or not _due(subscriber, now):
        return None
    since = (subscriber.digest_cursor or now) - OVERLAP
    sent = set(DigestEntry.objects.filter(subscriber=subscriber).values_list("item_key", flat=True))
    wanted = [
        item
        for item in items
        if item.column in subscriber.columns
        and item.published_at > since
        and item.key not in sent
        # published before they confirmed: not "new" to this subscriber
        and (subscriber.confirmed_at is None or item.published_at > subscriber.confirmed_at)
    ]
    subscriber.digest_cursor = now
    if not wanted:
        subscriber.save(update_fields=["digest_cursor"])
        return None
    mail = mail_enqueue(to=subscriber.email, **_digest_mail(subscriber, wanted, now))
    digest = Digest.objects.create(subscriber=subscriber, since=since, until=now, mail=mail)
    DigestEntry.objects.bulk_create(
        DigestEntry(
            digest=digest,
            subscriber=subscriber,
            item_key=item.key,
            column=item.column,
            title=item.title[:255],
            url=item.url[:500],
            published_at=item.published_at,
        )
        for item in wanted
    )
    subscriber.last_digest_at = now
    subscriber.save(update_fields=["digest_cursor", "last_digest_at"])
    return digest


def press_digest_run(*, now: datetime | None = None) -> dict[str, int]:
    """Send each active subscriber who is due the publications new since their last digest,
    in their columns; no mail when there is nothing new. Each subscriber in one transaction
    (digest, its entries and the outbox row together)."""
    now = now or timezone.now()
    due = [
        subscriber
        for subscriber in Subscriber.objects.filter(status=SubscriberStatus.ACTIVE)
        if _due(subscriber, now)
    ]
    if not due:
        return {"due": 0, "sent": 0}
    earliest = min((s.digest_cursor or now) for s in due) - OVERLAP
    items = new_items(earliest, now)
    sent = 0
    for subscriber in due:
        if _digest_one(subscriber_id=subscriber.pk, items=items, now=now) is not None:
            sent += 1
    return {"due": len(due), "sent": sent}
