import io
from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import TaskState, WorkflowState

from gongkai.catalog.choices import DisclosureAttribute
from gongkai.catalog.models import CatalogRecord
from gongkai.core.publication import PublicationRefused
from gongkai.org import roles
from gongkai.org.tests.factories import DepartmentFactory, staff
from gongkai.review.models import ReviewRecord, ReviewStep
from gongkai.review.selectors import draft_findings
from gongkai.review.services import (
    review_body_mask,
    review_record_attest,
    review_record_transition,
    review_task_act,
)
from gongkai.review.states import FALSE_POSITIVE_REASON, ReviewStatus, StepKind

from .conftest import CLEAR, ID_NUMBER, current, submit

pytestmark = pytest.mark.django_db


def approve(page, user, **data):
    return review_task_act(task_state=current(page), user=user, action="approve", data=data)


def to_confidentiality(draft, world):
    submit(draft, world.drafter)
    approve(draft, world.department_head)
    return current(draft)


def confidentiality_data(**extra):
    return {"checklist": dict(CLEAR), "disclosure": DisclosureAttribute.PROACTIVE, **extra}


def live(page):
    return CatalogRecord.objects.get(pk=page.pk)


# --- the record and its status table ------------------------------------------------------------


def test_submitting_opens_a_review_record(draft, world):
    submit(draft, world.drafter)
    record = ReviewRecord.objects.get(page=draft)
    assert record.outcome == ReviewStatus.IN_REVIEW
    assert record.submitted_by == world.drafter
    assert record.department == world.employment


@pytest.mark.parametrize(
    ("start", "to", "allowed"),
    [
        (ReviewStatus.IN_REVIEW, ReviewStatus.RETURNED, True),
        (ReviewStatus.IN_REVIEW, ReviewStatus.APPROVED, True),
        (ReviewStatus.IN_REVIEW, ReviewStatus.CANCELLED, True),
        (ReviewStatus.RETURNED, ReviewStatus.IN_REVIEW, True),
        (ReviewStatus.RETURNED, ReviewStatus.CANCELLED, True),
        (ReviewStatus.RETURNED, ReviewStatus.APPROVED, False),
        (ReviewStatus.APPROVED, ReviewStatus.IN_REVIEW, False),
        (ReviewStatus.APPROVED, ReviewStatus.RETURNED, False),
        (ReviewStatus.CANCELLED, ReviewStatus.IN_REVIEW, False),
    ],
)
def test_transition_table(draft, world, start, to, allowed):
    record = ReviewRecord.objects.create(page=draft, title="x", outcome=start)
    if allowed:
        record = review_record_transition(record=record, to=to, by=world.drafter)
        assert record.outcome == to and record.status_changed_at
        assert (record.completed_at is not None) == (to in {"approved", "cancelled"})
    else:
        with pytest.raises(PermissionDenied):
            review_record_transition(record=record, to=to, by=world.drafter)
        record.refresh_from_db()
        assert record.outcome == start


# --- who may decide -----------------------------------------------------------------------------


def test_head_of_another_department_cannot_approve(draft, world):
    submit(draft, world.drafter)
    other = staff("t-other-head", role=roles.DEPARTMENT_HEAD, department=DepartmentFactory())
    task_state = current(draft)
    assert task_state.task.specific.get_actions(draft, other) == []
    assert task_state.task.specific.locked_for_user(draft, other)
    with pytest.raises(PermissionDenied):
        review_task_act(task_state=task_state, user=other, action="approve", data={})
    assert current(draft).status == TaskState.STATUS_IN_PROGRESS


@pytest.mark.parametrize("who", ["drafter", "office_reviewer", "leader", "site_admin"])
def test_only_the_department_head_decides_the_first_step(draft, world, who):
    submit(draft, world.drafter)
    with pytest.raises(PermissionDenied):
        approve(draft, getattr(world, who))


def test_superuser_status_is_not_a_review_role(draft, world, django_user_model):
    submit(draft, world.drafter)
    boss = django_user_model.objects.create_superuser("t-super", "s@example.gov.cn", "x")
    with pytest.raises(PermissionDenied):
        approve(draft, boss)


def test_drafter_cannot_approve_any_step(draft, world):
    to_confidentiality(draft, world)
    with pytest.raises(PermissionDenied):
        approve(draft, world.drafter, **confidentiality_data())


def test_department_head_cannot_decide_the_confidentiality_step(draft, world):
    to_confidentiality(draft, world)
    with pytest.raises(PermissionDenied):
        approve(draft, world.department_head, **confidentiality_data())


# --- rejection ----------------------------------------------------------------------------------


def test_rejection_returns_to_the_drafter_with_the_comment(draft, world):
    submit(draft, world.drafter)
    review_task_act(
        task_state=current(draft),
        user=world.department_head,
        action="reject",
        data={"comment": "请补充政策依据。"},
    )
    state = WorkflowState.objects.get(object_id=str(draft.pk))
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert state.current_task_state.comment == "请补充政策依据。"
    record = ReviewRecord.objects.get(page=draft)
    assert record.outcome == ReviewStatus.RETURNED
    step = record.steps.get()
    assert step.decision == "reject" and step.comment == "请补充政策依据。"
    # The drafter resubmits: the same record is in review again.
    state.resume(user=world.drafter)
    record.refresh_from_db()
    assert record.outcome == ReviewStatus.IN_REVIEW


def test_rejection_needs_a_comment(draft, world):
    submit(draft, world.drafter)
    with pytest.raises(ValidationError):
        review_task_act(
            task_state=current(draft), user=world.department_head, action="reject", data={}
        )
    assert current(draft).status == TaskState.STATUS_IN_PROGRESS


def test_cancelling_the_submission_cancels_the_record(draft, world):
    state = submit(draft, world.drafter)
    state.cancel(user=world.drafter)
    assert ReviewRecord.objects.get(page=draft).outcome == ReviewStatus.CANCELLED


# --- the confidentiality step -------------------------------------------------------------------


def test_the_scan_finds_the_planted_id_number_and_keeps_it_masked(draft):
    findings = draft_findings(draft.get_latest_revision_as_object())
    assert [f.kind for f in findings] == ["resident_id"]
    assert ID_NUMBER not in str(findings[0].summary())
    assert findings[0].masked.startswith("110105")


def test_approval_without_the_checklist_is_refused(draft, world):
    to_confidentiality(draft, world)
    data = confidentiality_data(waivers=[])
    data["checklist"] = {**CLEAR, "work_secret": False}
    review_body_mask(task_state=current(draft), by=world.office_reviewer)
    with pytest.raises(ValidationError, match=r"工作秘密|Work secrets"):
        approve(draft, world.office_reviewer, **data)
    assert current(draft).task.specific.step_kind == StepKind.CONFIDENTIALITY


def test_unresolved_findings_block_approval(draft, world):
    to_confidentiality(draft, world)
    with pytest.raises(ValidationError) as exc:
        approve(draft, world.office_reviewer, **confidentiality_data())
    assert ID_NUMBER not in str(exc.value)
    assert current(draft).status == TaskState.STATUS_IN_PROGRESS


def test_mask_then_approve(draft, world):
    to_confidentiality(draft, world)
    assert review_body_mask(task_state=current(draft), by=world.office_reviewer) == 1
    body = CatalogRecord.objects.get(pk=draft.pk).get_latest_revision_as_object().body
    assert ID_NUMBER not in body and "110105********002X" in body
    approve(draft, world.office_reviewer, **confidentiality_data())
    assert current(draft).task.specific.step_kind == StepKind.SIGN_OFF
    record = ReviewRecord.objects.get(page=draft)
    assert record.maskings and ID_NUMBER not in str(record.maskings)


def test_only_the_office_reviewer_masks(draft, world):
    to_confidentiality(draft, world)
    with pytest.raises(PermissionDenied):
        review_body_mask(task_state=current(draft), by=world.drafter)


def test_waive_with_reason_then_approve(draft, world):
    to_confidentiality(draft, world)
    [finding] = draft_findings(live(draft).get_latest_revision_as_object())
    waiver = {"key": finding.key, "reason": "惩戒公示，依法须公开身份信息"}
    approve(draft, world.office_reviewer, **confidentiality_data(waivers=[waiver]))
    step = ReviewStep.objects.get(kind=StepKind.CONFIDENTIALITY)
    assert step.waivers[0]["reason"] == "惩戒公示，依法须公开身份信息"
    assert ID_NUMBER not in str(step.findings) + str(step.waivers)


def test_false_positive_is_a_waiver(draft, world):
    to_confidentiality(draft, world)
    [finding] = draft_findings(live(draft).get_latest_revision_as_object())
    waiver = {"key": finding.key, "reason": FALSE_POSITIVE_REASON}
    approve(draft, world.office_reviewer, **confidentiality_data(waivers=[waiver]))
    assert ReviewStep.objects.get(kind=StepKind.CONFIDENTIALITY).waivers[0]["reason"] == (
        FALSE_POSITIVE_REASON
    )


def test_waive_without_reason_is_refused(draft, world):
    to_confidentiality(draft, world)
    [finding] = draft_findings(live(draft).get_latest_revision_as_object())
    with pytest.raises(ValidationError):
        approve(
            draft,
            world.office_reviewer,
            **confidentiality_data(waivers=[{"key": finding.key, "reason": "  "}]),
        )
    assert current(draft).task.specific.step_kind == StepKind.CONFIDENTIALITY


def test_not_proactive_needs_a_reason(draft, world):
    to_confidentiality(draft, world)
    review_body_mask(task_state=current(draft), by=world.office_reviewer)
    with pytest.raises(ValidationError):
        approve(draft, world.office_reviewer, **confidentiality_data(disclosure="on_request"))


# --- sign-off and publication -------------------------------------------------------------------


def full_review(draft, world, **data):
    to_confidentiality(draft, world)
    review_body_mask(task_state=current(draft), by=world.office_reviewer)
    approve(draft, world.office_reviewer, **confidentiality_data(**data))
    approve(draft, world.leader, comment="同意发布")


def test_sign_off_publishes_with_index_number_and_completes_the_record(draft, world):
    full_review(draft, world)
    page = live(draft)
    assert page.live and page.index_number
    assert ID_NUMBER not in page.body and "110105********002X" in page.body
    record = ReviewRecord.objects.get(page=draft)
    assert record.outcome == ReviewStatus.APPROVED and record.completed_at
    assert record.revision_id == page.live_revision_id
    steps = list(record.steps.all())
    assert [s.kind for s in steps] == ["department", "confidentiality", "sign_off"]
    assert [s.reviewer for s in steps] == [
        world.department_head,
        world.office_reviewer,
        world.leader,
    ]
    assert all(s.decided_at for s in steps)
    assert steps[1].checklist == CLEAR and steps[1].disclosure == "proactive"
    assert steps[2].comment == "同意发布"


def test_on_request_decision_is_never_published(draft, world):
    full_review(draft, world, disclosure="on_request", disclosure_reason="涉及个人，依申请公开")
    page = live(draft)
    assert not page.live
    assert page.disclosure == DisclosureAttribute.ON_REQUEST
    assert page.get_latest_revision_as_object().disclosure == DisclosureAttribute.ON_REQUEST
    record = ReviewRecord.objects.get(page=draft)
    assert record.outcome == ReviewStatus.APPROVED and record.disclosure == "on_request"
    with pytest.raises(PublicationRefused, match=r"依申请公开|Disclosed on request"):
        page.get_latest_revision().publish()
    assert not live(draft).live


def test_withheld_needs_ground_and_rereview_date(draft, world):
    to_confidentiality(draft, world)
    review_body_mask(task_state=current(draft), by=world.office_reviewer)
    with pytest.raises(ValidationError):
        approve(
            draft,
            world.office_reviewer,
            **confidentiality_data(disclosure="withheld", disclosure_reason="内部事务"),
        )
    approve(
        draft,
        world.office_reviewer,
        **confidentiality_data(
            disclosure="withheld",
            disclosure_reason="内部事务信息",
            withholding_reason="internal_affairs",
            rereview_date="2027-06-30",
        ),
    )
    approve(draft, world.leader)
    page = live(draft)
    assert not page.live and page.disclosure == "withheld"
    assert page.rereview_date == date(2027, 6, 30)


def test_a_crash_in_the_final_approval_leaves_nothing_half_done(draft, world, monkeypatch):
    to_confidentiality(draft, world)
    review_body_mask(task_state=current(draft), by=world.office_reviewer)
    approve(draft, world.office_reviewer, **confidentiality_data())

    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("gongkai.catalog.services.index_number_assign", crash)
    with pytest.raises(RuntimeError):
        approve(draft, world.leader)
    page = live(draft)
    assert not page.live and page.index_number is None
    record = ReviewRecord.objects.get(page=draft)
    assert record.outcome == ReviewStatus.IN_REVIEW and record.completed_at is None
    assert not record.steps.filter(kind=StepKind.SIGN_OFF).exists()
    assert current(draft).status == TaskState.STATUS_IN_PROGRESS


# --- the guard, by every path -------------------------------------------------------------------


def test_guard_refuses_revision_publish_without_review(draft):
    with pytest.raises(PublicationRefused):
        draft.latest_revision.publish()
    assert not live(draft).live


def test_guard_refuses_a_later_revision_than_the_approved_one(draft, world):
    full_review(draft, world)
    page = live(draft)
    page.title = "改过的标题"
    revision = page.save_revision()
    with pytest.raises(PublicationRefused):
        revision.publish()
    assert live(draft).title != "改过的标题"


def test_guard_refuses_scheduled_publishing_without_review(draft):
    revision = draft.latest_revision
    revision.approved_go_live_at = timezone.now() - timezone.timedelta(hours=1)
    revision.save()
    call_command("publish_scheduled", stdout=io.StringIO())
    assert not live(draft).live
    revision.refresh_from_db()
    assert revision.approved_go_live_at is not None  # still scheduled, reported


def test_scheduled_publishing_of_a_reviewed_revision(draft, world):
    page = live(draft)
    page.go_live_at = timezone.now() + timezone.timedelta(days=1)
    page.save_revision()
    full_review(draft, world)
    page = live(draft)
    assert not page.live
    assert page.revisions.filter(approved_go_live_at__isnull=False).exists()
    with time_machine.travel(timezone.now() + timezone.timedelta(days=2)):
        call_command("publish_scheduled")
    assert live(draft).live


def test_attested_review_allows_publication(draft, world):
    review_record_attest(page=draft, by=world.office_reviewer, note="纸质审查单 2019-001")
    draft.latest_revision.publish()
    assert live(draft).live


def test_attest_needs_a_note(draft):
    with pytest.raises(ValidationError):
        review_record_attest(page=draft, note=" ")
