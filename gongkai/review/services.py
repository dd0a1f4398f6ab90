"""Writes of the review: the 审查单, the step decisions and the one-click masking.

Every function runs in one transaction: a failure anywhere (even inside the final
publication) leaves neither a published page nor a completed review record behind.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
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

from gongkai.catalog.choices import DisclosureAttribute
from gongkai.core.audit import audit
from gongkai.core.publication import PublicationRefused

from .models import (
    ConfidentialityReviewTask,
    DepartmentReviewTask,
    ReviewRecord,
    ReviewStep,
    SignOffTask,
)
from .selectors import ReviewFinding, draft_findings
from .states import (
    FINAL,
    ChecklistItem,
    Decision,
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
    return user.get_full_name() or user.get_username()


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


@transaction.atomic
def review_record_open(*, workflow_state: WorkflowState, by=None) -> ReviewRecord:
    """The record of `workflow_state`, opened on first submission and reopened on resubmission."""
    record = ReviewRecord.objects.filter(workflow_state=workflow_state).first()
    page = workflow_state.content_object.specific
    if record is None:
        record = ReviewRecord.objects.create(
            page=page,
            revision=page.get_latest_revision(),
            workflow_state=workflow_state,
            title=page.get_admin_display_title(),
            department_id=getattr(page, "department_id", None),
            submitted_by=workflow_state.requested_by or by,
        )
        audit(record, ReviewAction.RECORD_OPEN, user=by, data={"page": page.pk})
        return record
    if record.outcome == ReviewStatus.RETURNED:
        record = review_record_transition(
            record=record, to=ReviewStatus.IN_REVIEW, by=by, reason=_("Resubmitted")
        )
    record.revision = page.get_latest_revision()
    record.title = page.get_admin_display_title()
    record.save(update_fields=["revision", "title"])
    return record


def confidentiality_check(*, page, data: dict) -> tuple[list[ReviewFinding], list[dict]]:
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
    waivers = []
    for finding in findings:
        if finding.key in given:
            waivers.append({**finding.summary(), "reason": given[finding.key]})
        else:
            what = (
                _("mask it or waive it with a reason")
                if finding.maskable
                else _("replace the file or waive it with a reason")
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


@transaction.atomic
def review_task_act(*, task_state: TaskState, user, action: str, data: dict) -> str | None:
    """Decide a review step: record it in the 审查单 and move the Wagtail workflow on.

    `action` is "approve" or "reject". A rejection needs a comment and returns the draft
    to its author. The confidentiality approval applies `confidentiality_check` and
    writes the 公开属性 into the draft. The last approval completes the record; a
    record decided 主动公开 is then published, any other is not.
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
        findings, waivers = confidentiality_check(page=draft, data=data)
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
    step.revision = page.get_latest_revision()
    step.save()
    record.revision = step.revision
    record.save(update_fields=["revision", "disclosure"])
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

    task_state = TaskState.objects.select_for_update().get(pk=task_state.pk)
    task = task_state.task.specific
    page = task_state.workflow_state.content_object.specific
    if (
        not isinstance(task, ConfidentialityReviewTask)
        or task_state.status != TaskState.STATUS_IN_PROGRESS
        or not task.user_can_decide(page, by)
    ):
        raise PermissionDenied(_("Only the confidentiality reviewer can mask this draft."))
    draft = page.get_latest_revision_as_object()
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
    audit(record, ReviewAction.BODY_MASK, user=by, data={"count": len(findings)})
    return len(findings)


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
    record = ReviewRecord.objects.create(
        page=page,
        revision=page.get_latest_revision(),
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
