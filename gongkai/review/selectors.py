"""Reads of the review: findings of a draft, a reviewer's queue, deadlines."""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import asdict, dataclass
from datetime import date

from django.conf import settings
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import TaskState

from gongkai.org import roles
from gongkai.org.selectors import department_of

from .permissions import STEP_ROLES
from .states import StepKind


@dataclass(frozen=True)
class ReviewFinding:
    """A piece of personal data in a draft, safe to show and store: never the raw number.

    `key` identifies it across revisions (a keyed hash), so a waiver given for it holds
    until the text changes. Body findings can be masked in one click; attachment findings
    and unreadable attachments must be replaced or waived.
    """

    key: str
    source: str  # "body", "attachment" or "unreadable"
    kind: str
    label: str
    masked: str
    context: str
    location: str

    @property
    def maskable(self) -> bool:
        return self.source == "body"

    def summary(self) -> dict:
        return asdict(self)


def _key(*parts: str) -> str:
    message = "|".join(parts).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:16]


def _read_document(document) -> tuple[str, bytes]:
    name = os.path.basename(document.file.name)
    with document.file.open("rb") as handle:
        return name, handle.read()


def draft_findings(page) -> list[ReviewFinding]:
    """Personal data in the body and every attachment of `page` (a specific page object)."""
    from gongkai.core.pii import ExtractionError, scan_file, scan_html

    body_label = _("Body")
    findings: list[ReviewFinding] = []
    for finding in scan_html(getattr(page, "body", "") or ""):
        findings.append(
            ReviewFinding(
                key=_key("body", finding.kind, finding.normalised),
                source="body",
                kind=str(finding.kind),
                label=finding.label,
                masked=finding.masked,
                context=finding.context,
                location=body_label,
            )
        )
    attachments = getattr(page, "attachments", None)
    for attachment in attachments.all() if attachments is not None else []:
        try:
            name, data = _read_document(attachment.document)
        except (OSError, ValueError):
            name = attachment.document.title
            findings.append(_unreadable(name, _("The file cannot be opened.")))
            continue
        try:
            found = scan_file(name, data)
        except ExtractionError as exc:
            findings.append(_unreadable(name, str(exc)))
            continue
        digest = hashlib.sha256(data).hexdigest()
        for finding in found:
            findings.append(
                ReviewFinding(
                    key=_key("attachment", digest, finding.kind, finding.normalised),
                    source="attachment",
                    kind=str(finding.kind),
                    label=finding.label,
                    masked=finding.masked,
                    context=finding.context,
                    location=finding.location,
                )
            )
    return findings


@dataclass(frozen=True)
class AttachmentMetadata:
    """The hidden data of one attachment (author, comments, tracked changes...), or why not."""

    name: str
    items: tuple  # of gongkai.core.filemeta.MetaItem
    problem: str = ""


def draft_attachment_metadata(page) -> list[AttachmentMetadata]:
    """What each attachment of `page` carries besides its visible content.

    Shown at the confidentiality step; publication removes it from the published copy
    (gongkai.catalog.attachments) and keeps the original in the staff archive.
    """
    from gongkai.core.filemeta import MetadataError, inspect_metadata

    result: list[AttachmentMetadata] = []
    attachments = getattr(page, "attachments", None)
    for attachment in attachments.all() if attachments is not None else []:
        try:
            name, data = _read_document(attachment.document)
        except (OSError, ValueError):
            result.append(
                AttachmentMetadata(attachment.document.title, (), _("The file cannot be opened."))
            )
            continue
        try:
            items = tuple(inspect_metadata(name, data))
        except MetadataError as exc:
            result.append(AttachmentMetadata(name, (), str(exc)))
            continue
        result.append(AttachmentMetadata(name, items))
    return result


def _unreadable(name: str, message: str) -> ReviewFinding:
    return ReviewFinding(
        key=_key("unreadable", name, message),
        source="unreadable",
        kind="unreadable",
        label=_("Not checked automatically"),
        masked="",
        context=message,
        location=name,
    )


def task_states_for_reviewer(task, user) -> QuerySet[TaskState]:
    """In-progress states of `task` that `user` may decide."""
    states = TaskState.objects.filter(task=task, status=TaskState.STATUS_IN_PROGRESS)
    if not roles.user_has_role(user, STEP_ROLES[task.step_kind]):
        return TaskState.objects.none()
    if task.step_kind == StepKind.DEPARTMENT:
        from gongkai.catalog.models import CatalogRecord

        department = department_of(user)
        if department is None:
            return TaskState.objects.none()
        ids = (
            CatalogRecord.objects.filter(department=department)
            .annotate(pk_text=Cast("pk", CharField()))
            .values("pk_text")
        )
        states = states.filter(workflow_state__object_id__in=ids)
    return states


def step_working_days() -> int:
    return int(getattr(settings, "REVIEW_STEP_WORKING_DAYS", 3))


@dataclass
class QueueItem:
    task_state: TaskState
    page: object
    step: str
    waiting_since: object
    due: date | None
    overdue: bool
    due_problem: str


def step_due(started) -> tuple[date | None, str]:
    """The day a step is due: N working days after it started (REVIEW_STEP_WORKING_DAYS)."""
    from gongkai.core.workdays import CalendarYearMissing, add_working_days

    start = timezone.localdate(started)
    try:
        return add_working_days(start, step_working_days()), ""
    except CalendarYearMissing as exc:
        year = getattr(exc, "year", None) or start.year + 1
        return None, _(
            "Deadline cannot be computed (the %(year)s working-day calendar is missing)"
        ) % {"year": year}


def review_queue(user) -> list[QueueItem]:
    """The steps waiting for `user`, oldest first, with their due dates."""
    from .models import ConfidentialityReviewTask, DepartmentReviewTask, SignOffTask

    today = timezone.localdate()
    items: list[QueueItem] = []
    for model in (DepartmentReviewTask, ConfidentialityReviewTask, SignOffTask):
        for task in model.objects.filter(active=True):
            states = task_states_for_reviewer(task, user).select_related("workflow_state")
            for state in states:
                page = state.workflow_state.content_object
                if page is None:
                    continue
                due, problem = step_due(state.started_at)
                items.append(
                    QueueItem(
                        task_state=state,
                        page=page.specific,
                        step=task.name,
                        waiting_since=state.started_at,
                        due=due,
                        overdue=due is not None and today > due,
                        due_problem=problem,
                    )
                )
    items.sort(key=lambda item: item.waiting_since)
    return items
