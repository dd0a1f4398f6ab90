"""Reads of the review: findings of a draft, a reviewer's queue, deadlines."""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import asdict, dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import TaskState

from gongkai.org import roles

from .permissions import STEP_ROLES
from .states import StepKind

MASKABLE_EXTENSIONS = (".docx", ".xlsx", ".csv", ".txt", ".pdf")


@dataclass(frozen=True)
class ReviewFinding:
    """A piece of personal data in a draft, safe to show and store: never the raw number.

    `key` identifies it across revisions (a keyed hash), so a waiver given for it holds
    until the text changes. Body findings and findings in attachments of a maskable type
    can be masked in one click; unreadable attachments must be replaced or waived.
    `before` (the excerpt with the number as written) is for the reviewer's screen only:
    `summary()`, which is what the 审查单 stores, leaves it out.
    """

    key: str
    source: str  # "body", "attachment" or "unreadable"
    kind: str
    label: str
    masked: str
    context: str
    location: str
    document_id: int | None = None
    document_name: str = ""
    before: str = field(default="", compare=False, repr=False)

    @property
    def maskable(self) -> bool:
        if self.source == "body":
            return True
        return self.source == "attachment" and self.document_name.lower().endswith(
            MASKABLE_EXTENSIONS
        )

    def summary(self) -> dict:
        data = asdict(self)
        data.pop("before", None)
        return data


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
                before=_before(finding),
            )
        )
    attachments = getattr(page, "attachments", None)
    for attachment in attachments.all() if attachments is not None else []:
        try:
            name, data = _read_document(attachment.document)
        except (OSError, ValueError):
            name = attachment.document.title
            findings.append(
                _unreadable(name, _("The file cannot be opened."), attachment.document_id)
            )
            continue
        try:
            found = scan_file(name, data)
        except ExtractionError as exc:
            findings.append(_unreadable(name, str(exc), attachment.document_id))
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
                    document_id=attachment.document_id,
                    document_name=name,
                    before=_before(finding),
                )
            )
    return findings


def _before(finding) -> str:
    """The finding's excerpt with this number as written (neighbours stay masked)."""
    if finding.masked and finding.masked in finding.context:
        return finding.context.replace(finding.masked, finding.matched, 1)
    return finding.matched


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


def _unreadable(name: str, message: str, document_id: int | None = None) -> ReviewFinding:
    return ReviewFinding(
        key=_key("unreadable", name, message),
        source="unreadable",
        kind="unreadable",
        label=_("Not checked automatically"),
        masked="",
        context=message,
        location=name,
        document_id=document_id,
        document_name=name,
    )


def task_states_for_reviewer(task, user) -> QuerySet[TaskState]:
    """In-progress states of `task` that `user` may decide (permissions.can_decide)."""
    from .permissions import can_decide

    states = TaskState.objects.filter(task=task, status=TaskState.STATUS_IN_PROGRESS)
    if task.step_kind != StepKind.DEPARTMENT:
        if not roles.user_has_role(user, STEP_ROLES[task.step_kind]):
            return TaskState.objects.none()
        return states
    if not (
        roles.user_has_role(user, roles.DEPARTMENT_HEAD)
        or roles.user_has_role(user, roles.OFFICE_REVIEWER)
    ):
        return TaskState.objects.none()
    allowed = []
    for state in states.select_related("workflow_state"):
        page = state.workflow_state.content_object
        if page is not None and can_decide(task.step_kind, page.specific, user):
            allowed.append(state.pk)
    return states.filter(pk__in=allowed)


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


def revision_seen(*, page, user) -> bool:
    """Has `user` opened the preview and changes of `page`'s latest revision?"""
    from .models import RevisionSeen

    revision = page.get_latest_revision()
    return (
        revision is not None and RevisionSeen.objects.filter(revision=revision, user=user).exists()
    )
