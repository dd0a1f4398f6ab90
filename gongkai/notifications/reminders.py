"""Reminder sources: deadlines and dates that staff must be told about, once.

An app that has dates to remind of registers a source from its ``AppConfig.ready()``::

    from gongkai.notifications.reminders import Reminder, register_reminder_source

    def approaching_day_20(today):
        for record in drafts_near_their_limit(today):            # the app's own selector
            yield Reminder(
                recipients=department_heads(record.department),   # users (any iterable)
                key=f"timeliness:{record.pk}:{record.limit_date}", # stable: sent once per key
                title=f"《{record.title}》将于 {record.limit_date} 超过公开时限",
                body="……",                                        # plain text, optional
                url=reverse("wagtailadmin_pages:edit", args=[record.pk]),  # path or URL
            )

    register_reminder_source("catalog.timeliness", approaching_day_20)

A source is a function ``fn(today: date) -> Iterable[Reminder]`` (a generator is fine). It
is called by the daily job (``reminders_run``, run hourly by ``core.periodic``; calling it
more often is harmless) with the local date (Asia/Shanghai). Each reminder goes through
``notify()`` (in the admin and by mail) with its ``key`` as the dedupe key, so a reminder
already delivered to a person is not sent to them again, however often the job runs;
include the date the reminder is about in the key when the same thing should remind again
later (e.g. a re-review date that moves). A source that raises is logged and skipped; the
others still run. Registering a name again replaces the source.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import NotificationKind

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reminder:
    recipients: Iterable[Any]
    key: str
    title: str
    body: str = ""
    url: str = ""
    kind: str = NotificationKind.REMINDER
    email: bool = True
    extra: dict = field(default_factory=dict, compare=False)


ReminderSource = Callable[[date], Iterable[Reminder]]
_sources: dict[str, ReminderSource] = {}


def register_reminder_source(name: str, fn: ReminderSource) -> None:
    if not name:
        raise ValueError("A reminder source needs a name.")
    _sources[name] = fn


def unregister_reminder_source(name: str) -> None:
    _sources.pop(name, None)


def reminder_sources() -> dict[str, ReminderSource]:
    return dict(_sources)


def reminders_run(*, today: date | None = None) -> dict[str, int]:
    """Run every source for `today`; returns the notices created per source."""
    from .services import notify

    today = today or timezone.localdate()
    created: dict[str, int] = {}
    for name, source in reminder_sources().items():
        count = 0
        try:
            for reminder in source(today):
                if not reminder.key:
                    raise ValueError(f"reminder source {name} gave a reminder without a key")
                with transaction.atomic():
                    count += len(
                        notify(
                            recipients=list(reminder.recipients),
                            kind=reminder.kind,
                            title=reminder.title,
                            body=reminder.body,
                            url=reminder.url,
                            key=f"{name}:{reminder.key}",
                            email=reminder.email,
                        )
                    )
        except Exception:
            logger.exception("notifications: reminder source %s failed", name)
        created[name] = count
    return created
