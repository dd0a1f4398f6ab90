"""The catalogue's reminder sources for the notification service (gongkai.notifications).

- 条例 第26条: a draft or a record in review that has reached working day
  `TIMELINESS_WARN_AT` since its 信息形成日期 reminds its department (the record's owner and
  the department heads) once at the warning and once more when it passes the limit.
- 条例 第18条: a withheld record (不予公开) whose re-review date falls due within
  `REREVIEW_DUE_SOON_DAYS` reminds its department heads and the office reviewers, once
  per re-review date (a moved date reminds again).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from gongkai.notifications.models import NotificationKind
from gongkai.notifications.reminders import Reminder, register_reminder_source
from gongkai.org import roles
from gongkai.org.selectors import department_heads

from .timeliness import pending_near_limit, rereview_soon_days, rereviews_due, unpublished_records


def _edit_url(record) -> str:
    return reverse("wagtailadmin_pages:edit", args=[record.pk])


def _department_people(record, *, with_owner: bool) -> list[Any]:
    people: list[Any] = []
    if record.department_id:
        people += list(department_heads(record.department))
    if with_owner and record.owner_id and record.owner.is_active:
        people.append(record.owner)
    return people


def _office_reviewers() -> list[Any]:
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__role_link__code=roles.OFFICE_REVIEWER)
        .distinct()
    )


def timeliness_reminders(today: date) -> Iterator[Reminder]:
    for row in pending_near_limit(unpublished_records().select_related("owner"), today):
        if not row.computable:
            continue  # the calendar lacks a year: the dashboard says 无法计算, no guess here
        record = row.record
        stage = "overdue" if row.overdue else "warning"
        if row.overdue:
            title = _("《%(title)s》 is %(over)s working days past the publication limit") % {
                "title": record.title,
                "over": row.days_over,
            }
        else:
            title = _(
                "《%(title)s》 is at working day %(day)s of %(limit)s: publish it within "
                "%(left)s working days"
            ) % {
                "title": record.title,
                "day": row.working_day,
                "limit": row.limit,
                "left": row.remaining,
            }
        body = _(
            "条例 第26条: information is published within %(limit)s working days of being "
            "formed. 信息形成日期: %(formed)s."
        ) % {"limit": row.limit, "formed": record.formed_date.isoformat()}
        yield Reminder(
            recipients=_department_people(record, with_owner=True),
            key=f"catalog.timeliness:{record.pk}:{record.formed_date.isoformat()}:{stage}",
            title=title,
            body=body,
            url=_edit_url(record),
            kind=NotificationKind.DEADLINE,
        )


def rereview_reminders(today: date) -> Iterator[Reminder]:
    office = _office_reviewers()
    for row in rereviews_due(today, rereview_soon_days()):
        record = row.record
        if row.overdue:
            title = _("Re-review of 《%(title)s》 was due on %(due)s") % {
                "title": record.title,
                "due": row.due.isoformat(),
            }
        else:
            title = _("Re-review of 《%(title)s》 is due on %(due)s") % {
                "title": record.title,
                "due": row.due.isoformat(),
            }
        body = _(
            "条例 第18条: information withheld from disclosure is reviewed again; decide "
            "whether it can now be published."
        )
        yield Reminder(
            recipients=_department_people(record, with_owner=False) + office,
            key=f"catalog.rereview:{record.pk}:{row.due.isoformat()}",
            title=title,
            body=body,
            url=_edit_url(record),
            kind=NotificationKind.DEADLINE,
        )


def register() -> None:
    register_reminder_source("catalog.timeliness", timeliness_reminders)
    register_reminder_source("catalog.rereview", rereview_reminders)
