"""Writes of the review: the 审查单, the step decisions and the one-click masking.

Every function runs in one transaction: a failure anywhere (even inside the final
publication) leaves neither a published page nor a completed review record behind.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from wagtail.log_actions import registry as log_registry
from wagtail.models import (
    DraftStateMixin,
    Page,
    Revision,
    Site,
    TaskState,
    Workflow,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
)
from wagtail.signals import task_cancelled

from gongkai.catalog.choices import DisclosureAttribute
from gongkai.core.audit import audit
from gongkai.core.publication import PublicationRefused

from .fingerprint import revision_fingerprint
from .models import (
    ConfidentialityReviewTask,
    DepartmentReviewTask,
    FindingResolution,
    ReviewRecord,
    ReviewStep,
    SignOffTask,
)
from .selectors import ReviewFinding, draft_findings
from .states import (
    FALSE_POSITIVE_REASON,
    FINAL,
    ChecklistItem,
    Decision,
    Resolution,
    ReviewAction,
    ReviewStatus,
    StepKind,
    can_transition,
)

logger = logging.getLogger(__name__)

WORKFLOW_NAME = "政府信息发布审查"
TASKS = (
    (DepartmentReviewTask, "科室负责人初审"),
    (ConfidentialityReviewTask, "局办公室保密审查（复审）"),
    (SignOffTask, "分管领导签发"),
)


def _name(user) -> str:
    if user is None:
        return ""
    from gongkai.org.selectors import staff_name

    return staff_name(user)


@transaction.atomic
def review_record_transition(
    *, record: ReviewRecord, to: str, by=None, reason: str = ""
) -> ReviewRecord:
    """Move `record` to status `to` if the table in states.py allows it.

    Stamps the change (and the completion time for a final status) and writes one audit
    entry. Raises PermissionDenied for a transition the table does not allow.
    """
    record = ReviewRecord.objects.select_for_update().get(pk=record.pk)
    if not can_transition(record.outcome, to):
        raise PermissionDenied(
            _("A review that is “%(current)s” cannot become “%(to)s”.")
            % {"current": record.get_outcome_display(), "to": ReviewStatus(to).label}
        )
    before = record.outcome
    now = timezone.now()
    record.outcome = to
    record.status_changed_at = now
    record.completed_at = now if to in FINAL else None
    record.save(update_fields=["outcome", "status_changed_at", "completed_at"])
    audit(
        record,
        ReviewAction.RECORD_TRANSITION,
        user=by,
        data={"from": before, "to": to, "reason": reason},
    )
    return record


def _freeze_files(page) -> None:
    """The documents a review is about to see may no longer change in place."""
    from gongkai.files.registry import owner_for
    from gongkai.files.services import documents_freeze

    owner = owner_for(page)
    if owner is not None:
        documents_freeze(documents=list(owner.documents(page)))


@transaction.atomic
def review_record_open(
    *, workflow_state: WorkflowState, by=None, submitted: bool = False
) -> ReviewRecord:
    """The record of `workflow_state`, opened on first submission and reopened on resubmission.

    On a (re)submission (`submitted`), `by` becomes the last submitter, who may not decide
    the first step, and the draft's documents are frozen.
    """
    record = ReviewRecord.objects.filter(workflow_state=workflow_state).first()
    page = workflow_state.content_object.specific
    if submitted:
        _freeze_files(page.get_latest_revision_as_object())
    if record is None:
        submitter = workflow_state.requested_by or by
        record = ReviewRecord.objects.create(
            page=page,
            revision=page.get_latest_revision(),
            workflow_state=workflow_state,
            title=page.get_admin_display_title(),
            department_id=getattr(page, "department_id", None),
            submitted_by=submitter,
            last_submitted_by=by if submitted and by is not None else submitter,
        )
        audit(record, ReviewAction.RECORD_OPEN, user=by, data={"page": page.pk})
        return record
    if record.outcome == ReviewStatus.RETURNED:
        record = review_record_transition(
            record=record, to=ReviewStatus.IN_REVIEW, by=by, reason=_("Resubmitted")
        )
    record.revision = page.get_latest_revision()
    record.title = page.get_admin_display_title()
    fields = ["revision", "title"]
    if submitted and by is not None and getattr(by, "pk", None):
        record.last_submitted_by = by
        fields.append("last_submitted_by")
    record.save(update_fields=fields)
    return record


def _attachment_blockers(*, page, record: ReviewRecord | None) -> list[str]:
    """Why an attachment of `page` cannot be approved whatever the waivers: its masking
    failed, or no published copy can be made of it (damaged, encrypted)."""
    from gongkai.files.registry import owner_for
    from gongkai.files.services import CopyRefused, public_copy_clean

    errors: list[str] = []
    owner = owner_for(page)
    if owner is None:
        return errors
    failed = {
        entry.get("document_id"): entry for entry in (record.masking_failures if record else [])
    }
    for document in owner.documents(page):
        if document is None:
            continue
        name = os.path.basename(document.file.name or "") or document.title
        if document.pk in failed:
            errors.append(
                _(
                    "The attachment “%(name)s” could not be masked reliably (%(reason)s). "
                    "Request changes: the drafter must replace it before it can be approved."
                )
                % {"name": name, "reason": failed[document.pk].get("reason", "")}
            )
            continue
        try:
            with document.file.open("rb") as handle:
                data = handle.read()
            public_copy_clean(name, data)
        except CopyRefused as exc:
            errors.extend(exc.messages)
        except OSError:
            errors.append(
                _("The attachment “%(name)s” cannot be opened; it must be replaced.")
                % {"name": name}
            )
    return errors


def confidentiality_check(
    *, page, data: dict, record: ReviewRecord | None = None
) -> tuple[list[ReviewFinding], list[dict]]:
    """Check a confidentiality approval against the draft `page`.

    Every checklist item must be confirmed as not involved, anything but 主动公开 needs
    a reason (and 不予公开 its statutory ground and re-review date), and every
    personal-data finding still in the draft must be waived with a reason. Returns the
    findings and the waivers that apply to them; raises ValidationError otherwise.
    """
    errors: list[str] = []
    checklist = data.get("checklist") or {}
    missing = [item.label for item in ChecklistItem if not checklist.get(item.value)]
    if missing:
        errors.append(
            _(
                "Confirm that the record involves none of: %(items)s. If it does, request "
                "changes instead."
            )
            % {"items": "、".join(str(m) for m in missing)}
        )
    disclosure = data.get("disclosure") or ""
    if disclosure not in DisclosureAttribute.values:
        errors.append(_("Choose the disclosure attribute."))
    elif disclosure != DisclosureAttribute.PROACTIVE:
        if not (data.get("disclosure_reason") or "").strip():
            errors.append(_("Give the reason why the record is not published proactively."))
        if disclosure == DisclosureAttribute.WITHHELD:
            if not data.get("withholding_reason"):
                errors.append(_("Choose the statutory ground for not disclosing the record."))
            if not data.get("rereview_date"):
                errors.append(_("Set the date it is reviewed again (条例 第18条)."))
    findings = draft_findings(page)
    given = {}
    for waiver in data.get("waivers") or []:
        reason = str(waiver.get("reason") or "").strip()
        if reason:
            given[str(waiver.get("key"))] = reason
    for waiver in data.get("waivers") or []:
        if not str(waiver.get("reason") or "").strip():
            errors.append(_("A waiver needs a written reason."))
            break
    errors.extend(_attachment_blockers(page=page, record=record))
    waivers = []
    for finding in findings:
        if finding.key in given:
            waivers.append({**finding.summary(), "reason": given[finding.key]})
        else:
            what = (
                _("mask it or waive it with a reason")
                if finding.maskable
                else _("replace the file (request changes) or waive it with a reason")
            )
            errors.append(
                _("Unresolved personal data: %(label)s %(masked)s in %(location)s — %(what)s.")
                % {
                    "label": finding.label,
                    "masked": finding.masked,
                    "location": finding.location,
                    "what": what,
                }
            )
    if errors:
        raise ValidationError(errors)
    return findings, waivers


def _as_date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return parse_date(str(value))


def _is_final_task(task_state: TaskState) -> bool:
    tasks = list(task_state.workflow_state.workflow.tasks.filter(active=True))
    return bool(tasks) and tasks[-1].pk == task_state.task_id


def _apply_disclosure(*, page, draft, data: dict, by):
    """Write the decided 公开属性 into the draft (a new revision when it changes)."""
    disclosure = data["disclosure"]
    values = {
        "disclosure": disclosure,
        "withholding_reason": (
            data.get("withholding_reason") or ""
            if disclosure == DisclosureAttribute.WITHHELD
            else ""
        ),
        "rereview_date": (
            _as_date(data.get("rereview_date"))
            if disclosure == DisclosureAttribute.WITHHELD
            else draft.rereview_date
        ),
    }
    if disclosure != DisclosureAttribute.PROACTIVE:
        values["withholding_note"] = data.get("disclosure_reason", "").strip()
    if any(getattr(draft, field) != value for field, value in values.items()):
        for field, value in values.items():
            setattr(draft, field, value)
        draft.save_revision(user=by, log_action=True)
    if not page.live:
        # A never-published page's row holds its draft: keep the decision there too, so
        # catalogue statistics (and the annual report) see it without a publication.
        type(page).objects.filter(pk=page.pk).update(**values)


def _resolution(
    record: ReviewRecord, finding: ReviewFinding | dict, resolution: str, *, by, reason: str = ""
) -> FindingResolution:
    data = finding if isinstance(finding, dict) else finding.summary()
    return FindingResolution.objects.create(
        record=record,
        key=str(data.get("key", ""))[:32],
        source=data.get("source", "body"),
        kind=data.get("kind", ""),
        label=str(data.get("label", ""))[:50],
        masked=str(data.get("masked", ""))[:40],
        context=data.get("context", ""),
        location=str(data.get("location", ""))[:300],
        document_name=str(data.get("document_name", ""))[:255],
        resolution=resolution,
        reason=reason,
        by=by if getattr(by, "pk", None) else None,
        by_name=_name(by),
        at=timezone.now(),
    )


def _record_resolutions(
    *, record: ReviewRecord, findings: list[ReviewFinding], waivers: list[dict], by
) -> None:
    """Write to the 审查单 how each finding was resolved at this confidentiality approval.

    Waived findings with their reason; findings seen earlier in this review (a return for
    changes) that are gone now without a masking were removed by a change (text edited, file
    replaced).
    """
    for waiver in waivers:
        kind = (
            Resolution.FALSE_POSITIVE
            if waiver.get("reason") == FALSE_POSITIVE_REASON
            else Resolution.WAIVED
        )
        _resolution(record, waiver, kind, by=by, reason=waiver.get("reason", ""))
    current = {finding.key for finding in findings}
    resolved = set(record.resolutions.values_list("key", flat=True))
    seen: dict[str, dict] = {}
    for step in record.steps.exclude(findings=[]):
        for finding in step.findings:
            seen.setdefault(finding.get("key", ""), finding)
    for key, finding in seen.items():
        if key and key not in current and key not in resolved:
            _resolution(record, finding, Resolution.REPLACED, by=by)


def _approved_step(record: ReviewRecord, kind: str) -> ReviewStep | None:
    return (
        record.steps.filter(kind=kind, decision=Decision.APPROVE)
        .order_by("-decided_at", "-pk")
        .first()
    )


def _task_of_kind(workflow_state: WorkflowState, model) -> object | None:
    for task in workflow_state.workflow.tasks.filter(active=True):
        if isinstance(task.specific, model):
            return task.specific
    return None


def _after_confidentiality(task_state: TaskState) -> bool:
    """Whether `task_state`'s step comes after the confidentiality review in its workflow."""
    order = [t.pk for t in task_state.workflow_state.workflow.tasks.filter(active=True)]
    confidentiality = _task_of_kind(task_state.workflow_state, ConfidentialityReviewTask)
    if confidentiality is None or task_state.task_id not in order:
        return False
    return order.index(task_state.task_id) > order.index(confidentiality.pk)


@transaction.atomic
def review_send_back(*, task_state: TaskState, by, reason: str, revision=None) -> TaskState | None:
    """Return a draft changed after the confidentiality review to that step (convention 18).

    The current step is cancelled, the 审查单 records who sent it back and why, and the
    confidentiality review starts again on the latest revision. Returns the new task state.
    """
    task_state = TaskState.objects.select_for_update().get(pk=task_state.pk)
    if task_state.status != TaskState.STATUS_IN_PROGRESS:
        return None
    workflow_state = task_state.workflow_state
    confidentiality = _task_of_kind(workflow_state, ConfidentialityReviewTask)
    if confidentiality is None:
        return None
    task = task_state.task.specific
    record = review_record_open(workflow_state=workflow_state, by=by)
    ReviewStep.objects.create(
        record=record,
        kind=getattr(task, "step_kind", StepKind.SIGN_OFF),
        task_state=task_state,
        revision=revision or workflow_state.content_object.get_latest_revision(),
        reviewer=by if getattr(by, "pk", None) else None,
        reviewer_name=_name(by),
        decided_at=timezone.now(),
        decision=Decision.SENT_BACK,
        comment=reason,
    )
    audit(record, ReviewAction.SENT_BACK, user=by, data={"reason": reason})
    user = by if getattr(by, "pk", None) else None
    # TaskState.cancel() would restart the first step not yet approved (this one); cancel
    # it here and start the confidentiality review instead.
    task_state.status = TaskState.STATUS_CANCELLED
    task_state.finished_at = timezone.now()
    task_state.finished_by = user
    task_state.comment = reason
    task_state.save()
    workflow_state.refresh_from_db()
    workflow_state.update(user=user, next_task=confidentiality)
    task_cancelled.send(
        sender=task_state.specific.__class__, instance=task_state.specific, user=user
    )
    workflow_state.refresh_from_db()
    return workflow_state.current_task_state


SENT_BACK_REASON = gettext_noop(
    "The content changed after the confidentiality review (%(what)s): it goes back to that "
    "review before it can be signed off."
)


def _changed_parts(record: ReviewRecord, revision) -> str:
    from .fingerprint import fingerprint_difference, fingerprint_parts

    step = _approved_step(record, StepKind.CONFIDENTIALITY)
    reviewed = step.revision if step is not None else None
    if reviewed is None:
        return ""
    try:
        changed = fingerprint_difference(
            fingerprint_parts(reviewed.as_object()), fingerprint_parts(revision.as_object())
        )
    except Exception:  # explaining must never stop the send-back
        logger.exception("Could not compare revisions %s and %s", reviewed.pk, revision.pk)
        return ""
    return "、".join(_part_label(revision, name) for name in changed)


def _part_label(revision, name: str) -> str:
    model = type(revision.as_object())
    labels = {
        "documents": _("attachment files"),
        "images": _("images"),
        "attachments": _("attachments"),
    }
    if name in labels:
        return str(labels[name])
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name


def review_revision_saved(*, obj, revision) -> None:
    """A revision of `obj` was saved: if `obj` is at a step after the confidentiality review
    and the revision differs from what that review approved, send it back there (any path:
    the editor, code)."""
    workflow_state = (
        WorkflowState.objects.active()
        .filter(
            base_content_type_id=obj.get_base_content_type().pk,
            object_id=str(obj.pk),
            status=WorkflowState.STATUS_IN_PROGRESS,
        )
        .select_related("current_task_state")
        .first()
    )
    if workflow_state is None:
        return
    task_state = workflow_state.current_task_state
    if task_state is None or task_state.status != TaskState.STATUS_IN_PROGRESS:
        return
    if not _after_confidentiality(task_state):
        return
    record = ReviewRecord.objects.filter(workflow_state=workflow_state).first()
    step = _approved_step(record, StepKind.CONFIDENTIALITY) if record else None
    if step is None or not step.fingerprint:
        return
    if revision_fingerprint(revision) == step.fingerprint:
        return
    what = _changed_parts(record, revision) or _("content")
    review_send_back(
        task_state=task_state,
        by=revision.user,
        reason=_(SENT_BACK_REASON) % {"what": what},
        revision=revision,
    )


@dataclass(frozen=True)
class SentBack:
    """The approval was not given: the draft changed since the confidentiality review and
    went back to it. `reason` says what changed."""

    reason: str
    page_id: int


@transaction.atomic
def review_task_act(*, task_state: TaskState, user, action: str, data: dict) -> SentBack | None:
    """Decide a review step: record it in the 审查单 and move the Wagtail workflow on.

    `action` is "approve" or "reject". A rejection needs a comment and returns the draft
    to its author. The confidentiality approval applies `confidentiality_check`, writes the
    公开属性 into the draft and records how each finding was resolved. Every approval is
    bound to the fingerprint of the revision approved; a step after the confidentiality
    review whose revision differs from what that review approved sends the draft back to it
    instead (and returns SentBack). The last approval completes the record; a record
    decided 主动公开 is then published, any other is not.
    """
    task_state = TaskState.objects.select_for_update().get(pk=task_state.pk).specific
    task = task_state.task.specific
    workflow_state = task_state.workflow_state
    page = workflow_state.content_object.specific
    if task_state.status != TaskState.STATUS_IN_PROGRESS:
        raise PermissionDenied(_("This review step has already been decided."))
    if action not in {name for name, _label, _modal in task.get_actions(page, user)}:
        raise PermissionDenied(_("You may not decide this review step."))
    record = review_record_open(workflow_state=workflow_state, by=user)
    comment = str(data.get("comment") or "").strip()
    now = timezone.now()
    step = ReviewStep(
        record=record,
        kind=task.step_kind,
        task_state=task_state,
        reviewer=user,
        reviewer_name=_name(user),
        decided_at=now,
        comment=comment,
    )
    if action == "reject":
        if not comment:
            raise ValidationError(_("Say what the drafter must change."))
        step.decision = Decision.REJECT
        step.revision = page.get_latest_revision()
        if task.step_kind == StepKind.CONFIDENTIALITY:
            # Kept so that the approval can tell which findings a change removed.
            step.findings = [
                f.summary() for f in draft_findings(page.get_latest_revision_as_object())
            ]
        step.save()
        audit(
            record,
            ReviewAction.STEP_DECIDE,
            user=user,
            data={"step": step.kind, "decision": "reject"},
        )
        review_record_transition(record=record, to=ReviewStatus.RETURNED, by=user, reason=comment)
        task_state.reject(user=user, comment=comment)
        return None
    if action != "approve":
        raise PermissionDenied(_("Unknown review action."))
    step.decision = Decision.APPROVE
    if task.step_kind == StepKind.CONFIDENTIALITY:
        draft = page.get_latest_revision_as_object()
        findings, waivers = confidentiality_check(page=draft, data=data, record=record)
        step.checklist = dict(data.get("checklist") or {})
        step.disclosure = data["disclosure"]
        step.withholding_reason = (
            data.get("withholding_reason") or ""
            if step.disclosure == DisclosureAttribute.WITHHELD
            else ""
        )
        step.disclosure_reason = str(data.get("disclosure_reason") or "").strip()
        step.findings = [finding.summary() for finding in findings]
        step.waivers = waivers
        _apply_disclosure(page=page, draft=draft, data=data, by=user)
        record.disclosure = step.disclosure
        _record_resolutions(record=record, findings=findings, waivers=waivers, by=user)
    page.refresh_from_db(fields=["latest_revision"])  # the disclosure may have saved one
    step.revision = page.get_latest_revision()
    step.fingerprint = revision_fingerprint(step.revision)
    if _after_confidentiality(task_state):
        reviewed = _approved_step(record, StepKind.CONFIDENTIALITY)
        if reviewed is None or reviewed.fingerprint != step.fingerprint:
            what = _changed_parts(record, step.revision) or _("content")
            reason = _(SENT_BACK_REASON) % {"what": what}
            review_send_back(task_state=task_state, by=user, reason=reason)
            return SentBack(reason=reason, page_id=page.pk)
    step.save()
    record.revision = step.revision
    record.fingerprint = step.fingerprint
    record.save(update_fields=["revision", "disclosure", "fingerprint"])
    audit(
        record, ReviewAction.STEP_DECIDE, user=user, data={"step": step.kind, "decision": "approve"}
    )
    if not _is_final_task(task_state):
        task_state.approve(user=user, comment=comment)
        return None
    review_record_transition(record=record, to=ReviewStatus.APPROVED, by=user, reason=comment)
    if record.disclosure == DisclosureAttribute.PROACTIVE:
        task_state.approve(user=user, comment=comment)  # finishes the workflow and publishes
    else:
        # 依申请公开 / 不予公开: the review is complete but nothing goes on the site.
        task_state.approve(user=user, comment=comment, update=False)
        workflow_state.status = WorkflowState.STATUS_APPROVED
        workflow_state.save(update_fields=["status"])
    return None


@transaction.atomic
def review_body_mask(*, task_state: TaskState, by) -> int:
    """Mask every piece of personal data in the draft's body (one click) as a new revision.

    Only the reviewer of the confidentiality step may do this. Returns how many findings
    were masked; the 审查单 keeps the masked values (never the raw ones).
    """
    from gongkai.core.pii import mask_html

    task_state, page = _confidentiality_task(task_state=task_state, by=by)
    draft = page.get_latest_revision_as_object()
    before = [f for f in draft_findings(draft) if f.source == "body"]
    masked_body, findings = mask_html(draft.body or "")
    if not findings:
        return 0
    draft.body = masked_body
    revision = draft.save_revision(user=by, log_action=True)
    record = review_record_open(workflow_state=task_state.workflow_state, by=by)
    entry = {
        "by": _name(by),
        "at": timezone.now().isoformat(),
        "revision": revision.pk,
        "masked": [{"kind": str(f.kind), "label": f.label, "masked": f.masked} for f in findings],
    }
    record.maskings = [*record.maskings, entry]
    record.revision = revision
    record.save(update_fields=["maskings", "revision"])
    for finding in before:
        _resolution(record, finding, Resolution.MASKED, by=by)
    audit(record, ReviewAction.BODY_MASK, user=by, data={"count": len(findings)})
    return len(findings)


def _confidentiality_task(*, task_state: TaskState, by) -> tuple[TaskState, object]:
    task_state = TaskState.objects.select_for_update().get(pk=task_state.pk)
    task = task_state.task.specific
    page = task_state.workflow_state.content_object.specific
    if (
        not isinstance(task, ConfidentialityReviewTask)
        or task_state.status != TaskState.STATUS_IN_PROGRESS
        or not task.user_can_decide(page, by)
    ):
        raise PermissionDenied(_("Only the confidentiality reviewer can mask this draft."))
    return task_state, page


def review_attachment_mask(*, task_state: TaskState, document_id: int, by) -> int:
    """Mask every personal-data finding inside one attachment of the draft (one click).

    The masked file becomes a new document (its lineage names the original and what was
    masked); a new revision of the draft attaches it instead of the original, which stays
    unpublished. The masking is verified by extracting the text again. If it fails, the
    attachment is recorded as failed, which blocks the approval until it is replaced, and
    ValidationError says why. Returns how many findings were masked.
    """
    from gongkai.core.pii import MaskingError, mask_file

    with transaction.atomic():
        task_state, page = _confidentiality_task(task_state=task_state, by=by)
        draft = page.get_latest_revision_as_object()
        attachments = [a for a in draft.attachments.all() if a.document_id == document_id]
        if not attachments:
            raise ValidationError(_("This file is not attached to the draft under review."))
        document = attachments[0].document
        name = os.path.basename(document.file.name or "") or document.title
        with document.file.open("rb") as handle:
            data = handle.read()
        try:
            result = mask_file(name, data)
        except MaskingError as exc:
            failure = str(exc)
        else:
            failure = ""
    if failure:
        _masking_failed(task_state=task_state, document=document, name=name, reason=failure, by=by)
        raise ValidationError(
            _(
                "The attachment “%(name)s” could not be masked: %(reason)s It cannot be "
                "approved as it is: request changes so that the drafter replaces it."
            )
            % {"name": name, "reason": failure}
        )
    if not result.masked:
        return 0
    return _attach_masked(
        task_state=task_state,
        document=document,
        data=result.data,
        masked=result.masked,
        by=by,
    )


@transaction.atomic
def _masking_failed(*, task_state: TaskState, document, name: str, reason: str, by) -> None:
    record = review_record_open(workflow_state=task_state.workflow_state, by=by)
    entry = {
        "document_id": document.pk,
        "name": name,
        "reason": reason,
        "by": _name(by),
        "at": timezone.now().isoformat(),
    }
    record.masking_failures = [
        *[e for e in record.masking_failures if e.get("document_id") != document.pk],
        entry,
    ]
    record.save(update_fields=["masking_failures"])
    audit(
        record,
        ReviewAction.ATTACHMENT_MASK_FAILED,
        user=by,
        data={"document": document.pk, "reason": reason},
    )


@transaction.atomic
def _attach_masked(*, task_state: TaskState, document, data: bytes, masked: list, by) -> int:
    from gongkai.files.models import LineageReason
    from gongkai.files.services import document_derive

    task_state, page = _confidentiality_task(task_state=task_state, by=by)
    draft = page.get_latest_revision_as_object()
    findings = [
        f
        for f in draft_findings(draft)
        if f.source == "attachment" and f.document_id == document.pk
    ]
    summary = [
        {"kind": str(f.kind), "label": f.label, "masked": f.masked, "location": f.location}
        for f in masked
    ]
    new = document_derive(
        source=document, data=data, reason=LineageReason.MASKED, by=by, masked=summary
    )
    from gongkai.files.registry import owner_for

    owner = owner_for(draft)
    if owner is None or owner.replace_document is None:
        raise ValidationError(_("Attachments of this kind of page cannot be masked here."))
    owner.replace_document(draft, document, new)
    if not page.live:
        draft.save(clean=False)
    revision = draft.save_revision(user=by, log_action=True)
    record = review_record_open(workflow_state=task_state.workflow_state, by=by)
    record.maskings = [
        *record.maskings,
        {
            "by": _name(by),
            "at": timezone.now().isoformat(),
            "revision": revision.pk,
            "document": os.path.basename(document.file.name or ""),
            "document_id": document.pk,
            "new_document_id": new.pk,
            "masked": summary,
        },
    ]
    record.revision = revision
    record.save(update_fields=["maskings", "revision"])
    for finding in findings:
        _resolution(record, finding, Resolution.MASKED, by=by)
    from gongkai.files.services import documents_freeze

    documents_freeze(documents=[new])
    audit(
        record,
        ReviewAction.ATTACHMENT_MASK,
        user=by,
        data={"document": document.pk, "new_document": new.pk, "count": len(masked)},
    )
    return len(masked)


@transaction.atomic
def review_record_cancel(*, workflow_state: WorkflowState, by=None) -> None:
    """The drafter withdrew the submission: its record is cancelled."""
    record = ReviewRecord.objects.filter(workflow_state=workflow_state).first()
    if record is not None and record.outcome not in FINAL:
        review_record_transition(
            record=record, to=ReviewStatus.CANCELLED, by=by, reason=_("Submission withdrawn")
        )


@transaction.atomic
def review_workflow_install() -> Workflow:
    """Create the workflow 政府信息发布审查 with its three steps and put it on the site root.

    Idempotent: an existing workflow keeps its tasks; the home page of the default site
    (and so every column and record below it) is assigned to it.
    """
    workflow, _created = Workflow.objects.get_or_create(
        name=WORKFLOW_NAME, defaults={"active": True}
    )
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    if not workflow.workflow_tasks.exists():
        for order, (model, name) in enumerate(TASKS):
            task = model.objects.filter(name=name).first() or model.objects.create(name=name)
            WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=order)
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    home: Page | None = site.root_page if site else None
    if home is not None:
        WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
    return workflow


@transaction.atomic
def review_record_attest(*, page, by=None, note: str) -> ReviewRecord:
    """Record a review done outside the system (补录) for the page's latest revision.

    For imported historic documents whose paper 审查单 exists, for demo data and for
    test factories: the record is approved, decided 主动公开, and carries `note`.
    """
    if not note.strip():
        raise ValidationError(_("Say where the review was done."))
    revision = page.get_latest_revision()
    if revision is not None:
        _freeze_files(revision.as_object())
    record = ReviewRecord.objects.create(
        page=page,
        revision=revision,
        fingerprint=revision_fingerprint(revision) if revision is not None else "",
        title=page.get_admin_display_title(),
        department_id=getattr(page, "department_id", None),
        submitted_by=by,
        disclosure=DisclosureAttribute.PROACTIVE,
        note=note.strip(),
    )
    audit(record, ReviewAction.RECORD_OPEN, user=by, data={"page": page.pk, "attested": True})
    return review_record_transition(
        record=record, to=ReviewStatus.APPROVED, by=by, reason=note.strip()
    )


# --- scheduled publishing -------------------------------------------------------------------


@dataclass
class ScheduledRun:
    """What one run of scheduled publishing did."""

    expired: list[object] = field(default_factory=list)
    published: list[Revision] = field(default_factory=list)
    refused: list[tuple[Revision, str]] = field(default_factory=list)


def _draft_state_models() -> list[type]:
    return [Page] + [
        model
        for model in apps.get_models()
        if issubclass(model, DraftStateMixin) and not issubclass(model, Page)
    ]


def scheduled_expired_objects(*, now=None) -> list[object]:
    """Live pages and snippets whose expiry time has passed, oldest expiry first."""
    now = now or timezone.now()
    found: list[object] = []
    for model in _draft_state_models():
        found += list(model.objects.filter(live=True, expire_at__lt=now).order_by("expire_at"))
    return found


def scheduled_due_revisions(*, now=None):
    """Revisions approved to go live at a time that has passed, earliest first."""
    now = now or timezone.now()
    return Revision.objects.filter(approved_go_live_at__lt=now).order_by(
        "approved_go_live_at", "pk"
    )


def scheduled_publish_run(*, now=None) -> ScheduledRun:
    """Unpublish what has expired and publish every revision whose go-live time has passed.

    Replaces Wagtail's `publish_scheduled` loop, which stops at the first exception: here
    each object is handled in its own transaction. A revision the publication guard refuses
    (e.g. no completed review) is rolled back whole, so it stays scheduled and unpublished;
    the refusal is logged, audited once per revision (not on every run) and reported, and
    the run goes on with the next revision. Not atomic as a whole, on purpose.
    """
    run = ScheduledRun()
    for obj in scheduled_expired_objects(now=now):
        with transaction.atomic():
            obj.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
        run.expired.append(obj)
    for revision_id in list(scheduled_due_revisions(now=now).values_list("pk", flat=True)):
        revision = Revision.objects.filter(pk=revision_id).first()
        if revision is None or revision.approved_go_live_at is None:
            continue  # cleared by an earlier publication of the same object in this run
        try:
            with transaction.atomic():
                revision.publish(log_action="wagtail.publish.scheduled")
        except PublicationRefused as refusal:
            reason = str(refusal)
            _scheduled_refusal_record(revision=revision, reason=reason)
            run.refused.append((revision, reason))
        else:
            run.published.append(revision)
    return run


def _scheduled_refusal_record(*, revision: Revision, reason: str) -> None:
    obj = revision.content_object
    logger.warning(
        "Scheduled publication refused: %s pk=%s revision_id=%s: %s",
        obj,
        obj.pk,
        revision.pk,
        reason,
    )
    action = ReviewAction.SCHEDULED_REFUSED
    already = (
        log_registry.get_logs_for_instance(obj)
        .filter(action=action, data__revision=revision.pk)
        .exists()
    )
    if not already:
        audit(obj, action, data={"revision": revision.pk, "reason": reason})


@transaction.atomic
def review_revision_see(*, revision: Revision, user) -> None:
    """Record that `user` opened the preview and changes of `revision` (once)."""
    from .models import RevisionSeen

    RevisionSeen.objects.get_or_create(revision=revision, user=user)
