"""Review notices through the one notification service (gongkai.notifications).

Wagtail mails workflow events itself (wagtail.admin.signal_handlers): synchronously, to
superusers, with names in Western order, and a failed SMTP send is logged and the notice is
gone. Here the same signals go through `notify()` instead: each reviewer who may decide a
step (permissions.can_decide: the record's own department head, or the office where it
takes the first review) gets an in-app notice and a mail from the outbox, retried until
sent; the submitter hears when the draft is sent back or published.

`connect()` runs in ReviewConfig.ready, before wagtail.admin's ready: connecting under
Wagtail's dispatch_uids takes their places, so Wagtail's mailers are never connected
(and any that already are, are disconnected first).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.models import TaskState, WorkflowState
from wagtail.signals import task_submitted, workflow_approved, workflow_rejected, workflow_submitted

from gongkai.notifications.models import NotificationKind
from gongkai.notifications.services import notify
from gongkai.org import roles
from gongkai.org.selectors import staff_name

from .permissions import STEP_ROLES, can_decide
from .states import StepKind

WAGTAIL_UIDS = {
    "task_submitted": "group_approval_task_submitted_email_notification",
    "workflow_submitted": "workflow_state_submitted_email_notification",
    "workflow_rejected": "workflow_state_rejected_email_notification",
    "workflow_approved": "workflow_state_approved_email_notification",
}


def _edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def step_reviewers(task_state: TaskState) -> list[Any]:
    """Active users who may decide `task_state`'s step for its page, by name."""
    from .models import ReviewTask

    task = task_state.task.specific
    page = task_state.workflow_state.content_object.specific
    users = get_user_model().objects.filter(is_active=True)
    if isinstance(task, ReviewTask):
        codes = {STEP_ROLES[task.step_kind]}
        if task.step_kind == StepKind.DEPARTMENT:
            codes.add(roles.OFFICE_REVIEWER)  # where the office takes the first review
        candidates: QuerySet = users.filter(groups__role_link__code__in=codes).distinct()
        return [user for user in candidates if can_decide(task.step_kind, page, user)]
    groups = getattr(task, "groups", None)
    if groups is not None:  # a plain Wagtail group approval task
        return list(users.filter(groups__in=groups.all()).distinct())
    return []


def _submitters(workflow_state: WorkflowState) -> list[Any]:
    from .models import ReviewRecord

    people = [workflow_state.requested_by]
    record = ReviewRecord.objects.filter(workflow_state=workflow_state).first()
    if record is not None:
        people += [record.submitted_by, record.last_submitted_by]
    return [person for person in people if person is not None]


def on_task_submitted(sender, instance: TaskState, user=None, **kwargs) -> None:
    page = instance.workflow_state.content_object
    if page is None:
        return
    page = page.specific
    reviewers = [person for person in step_reviewers(instance) if person != user]
    if not reviewers:
        return
    title = _("Review waiting: %(step)s of “%(title)s”") % {
        "step": instance.task.name,
        "title": page.get_admin_display_title(),
    }
    body = _("Submitted by %(name)s. Please review it in the admin.") % {
        "name": staff_name(user) or _("the system")
    }
    notify(
        recipients=reviewers,
        kind=NotificationKind.REVIEW_TASK,
        title=title,
        body=body,
        url=_edit_url(page),
        key=f"review.task:{instance.pk}",
    )


def on_workflow_rejected(sender, instance: WorkflowState, user=None, **kwargs) -> None:
    page = instance.content_object
    if page is None:
        return
    page = page.specific
    task_state = instance.current_task_state
    comment = task_state.specific.get_comment() if task_state is not None else ""
    notify(
        recipients=[person for person in _submitters(instance) if person != user],
        kind=NotificationKind.REVIEW_RETURNED,
        title=_("Sent back for changes: “%(title)s”") % {"title": page.get_admin_display_title()},
        body=_("%(name)s asks for changes: %(comment)s")
        % {"name": staff_name(user) or _("the system"), "comment": comment or "—"},
        url=_edit_url(page),
        key=f"review.returned:{task_state.pk}" if task_state is not None else None,
    )


def on_workflow_approved(sender, instance: WorkflowState, user=None, **kwargs) -> None:
    page = instance.content_object
    if page is None:
        return
    page = page.specific
    notify(
        recipients=[person for person in _submitters(instance) if person != user],
        kind=NotificationKind.REVIEW_PUBLISHED,
        title=_("Signed off and published: “%(title)s”")
        % {"title": page.get_admin_display_title()},
        body=_("Signed off by %(name)s.") % {"name": staff_name(user) or _("the system")},
        url=_edit_url(page),
        key=f"review.approved:{instance.pk}",
    )


def _no_mail(sender, **kwargs) -> None:
    """Holds the place of Wagtail's submission mail to superusers: reviewers are told per
    step instead (on_task_submitted)."""


def connect() -> None:
    handlers = (
        (task_submitted, None, on_task_submitted, "task_submitted"),
        (workflow_submitted, WorkflowState, _no_mail, "workflow_submitted"),
        (workflow_rejected, WorkflowState, on_workflow_rejected, "workflow_rejected"),
        (workflow_approved, WorkflowState, on_workflow_approved, "workflow_approved"),
    )
    for signal, sender, handler, name in handlers:
        signal.disconnect(sender=TaskState, dispatch_uid=WAGTAIL_UIDS[name])
        signal.disconnect(sender=WorkflowState, dispatch_uid=WAGTAIL_UIDS[name])
        if sender is None:
            # Task states send as their specific class: listen to all, and hold Wagtail's
            # place for TaskState so its group-approval mailer is never connected.
            signal.connect(handler, dispatch_uid="gongkai.review.notify_task_submitted")
            signal.connect(_no_mail, sender=TaskState, dispatch_uid=WAGTAIL_UIDS[name])
        else:
            signal.connect(handler, sender=sender, dispatch_uid=WAGTAIL_UIDS[name])
