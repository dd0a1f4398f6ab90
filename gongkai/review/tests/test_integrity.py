"""What was reviewed is what is published (convention 18), and nobody reviews their own work."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import TaskState

from gongkai.catalog.models import CatalogRecord, RecordAttachment
from gongkai.core.pii import scan_file
from gongkai.core.publication import PublicationRefused
from gongkai.core.tests.office_files import docx_text, make_docx, make_pdf
from gongkai.files.models import DocumentLineage, LineageReason
from gongkai.org import roles
from gongkai.org.tests.factories import staff
from gongkai.review.fingerprint import content_fingerprint, revision_fingerprint
from gongkai.review.models import FindingResolution, ReviewRecord
from gongkai.review.services import SentBack, review_attachment_mask, review_body_mask
from gongkai.review.states import Decision, Resolution, StepKind

from .conftest import ID_NUMBER, current, submit
from .test_services import approve, confidentiality_data, live, to_confidentiality

pytestmark = pytest.mark.django_db

MOBILE = "13812345678"


def with_attachment(page, data: bytes, name: str, by) -> object:
    """Attach a file to the draft as the editor would (the row and a new revision)."""
    document = get_document_model().objects.create(
        title=name.rsplit(".", 1)[0], file=ContentFile(data, name=name), uploaded_by_user=by
    )
    RecordAttachment.objects.create(record=page, document=document)
    CatalogRecord.objects.get(pk=page.pk).save_revision(user=by)
    return document


def step_kind(page) -> str:
    return current(page).task.specific.step_kind


# --- the fingerprint -------------------------------------------------------------------------


def test_the_fingerprint_covers_body_fields_attachments_and_file_bytes(draft, world):
    document = with_attachment(draft, make_pdf(leaks=False), "说明.pdf", world.drafter)
    page = live(draft).get_latest_revision_as_object()
    before = content_fingerprint(page)
    assert before == revision_fingerprint(live(draft).get_latest_revision())
    page.body += "<p>补充一句。</p>"
    assert content_fingerprint(page) != before
    page = live(draft).get_latest_revision_as_object()
    page.doc_number = "毕人社发〔2026〕99号"
    assert content_fingerprint(page) != before
    # The same document id with other bytes is another fingerprint.
    storage = document.file.storage
    storage.delete(document.file.name)
    storage.save(document.file.name, ContentFile(make_pdf(leaks=True)))
    assert content_fingerprint(live(draft).get_latest_revision_as_object()) != before


def test_a_leaders_edit_at_sign_off_goes_back_to_the_confidentiality_review(draft, world):
    to_confidentiality(draft, world)
    review_body_mask(task_state=current(draft), by=world.office_reviewer)
    approve(draft, world.office_reviewer, **confidentiality_data())
    assert step_kind(draft) == StepKind.SIGN_OFF
    # The leader edits while signing off: an ID number and a mobile go into the body.
    page = live(draft).get_latest_revision_as_object()
    page.body += f"<p>经办人身份证号{ID_NUMBER}，手机{MOBILE}。</p>"
    page.save_revision(user=world.leader)
    # Back at the confidentiality step, which the leader cannot decide.
    assert step_kind(draft) == StepKind.CONFIDENTIALITY
    record = ReviewRecord.objects.get(page=draft)
    sent_back = record.steps.get(decision=Decision.SENT_BACK)
    assert sent_back.reviewer == world.leader
    assert "正文" in sent_back.comment  # it says what changed
    with pytest.raises(PermissionDenied):
        approve(draft, world.leader, comment="同意")
    assert not live(draft).live
    # The office sees the new numbers and must resolve them before anything is published.
    with pytest.raises(ValidationError):
        approve(draft, world.office_reviewer, **confidentiality_data())
    review_body_mask(task_state=current(draft), by=world.office_reviewer)
    approve(draft, world.office_reviewer, **confidentiality_data())
    approve(draft, world.leader, comment="同意发布")
    page = live(draft)
    assert page.live and ID_NUMBER not in page.body and MOBILE not in page.body


def test_an_approval_of_other_content_sends_it_back_instead(draft, world, monkeypatch):
    """The approval itself compares: a change that raised no signal is caught too."""
    to_confidentiality(draft, world)
    review_body_mask(task_state=current(draft), by=world.office_reviewer)
    approve(draft, world.office_reviewer, **confidentiality_data())
    record = ReviewRecord.objects.get(page=draft)
    step = record.steps.get(kind=StepKind.CONFIDENTIALITY, decision=Decision.APPROVE)
    type(step).objects.filter(pk=step.pk).update(fingerprint="0" * 64)  # what it saw differs
    result = approve(draft, world.leader, comment="同意")
    assert isinstance(result, SentBack) and result.page_id == draft.pk
    assert step_kind(draft) == StepKind.CONFIDENTIALITY
    assert not live(draft).live


def test_the_guard_refuses_an_attachment_whose_bytes_changed_after_approval(draft, world):
    document = with_attachment(draft, make_pdf(leaks=False), "说明.pdf", world.drafter)
    to_confidentiality(draft, world)
    review_body_mask(task_state=current(draft), by=world.office_reviewer)
    approve(draft, world.office_reviewer, **confidentiality_data())
    # Someone swaps the bytes on the storage behind the application's back.
    storage = document.file.storage
    storage.delete(document.file.name)
    storage.save(document.file.name, ContentFile(make_pdf(leaks=True)))
    # Publishing the approved revision directly is refused ...
    with pytest.raises(PublicationRefused):
        live(draft).get_latest_revision().publish()
    # ... and the sign-off sees the difference and sends it back.
    approve(draft, world.leader, comment="同意发布")
    assert step_kind(draft) == StepKind.CONFIDENTIALITY
    assert not live(draft).live


def test_a_published_revision_must_match_its_review_on_every_path(draft, world):
    to_confidentiality(draft, world)
    review_body_mask(task_state=current(draft), by=world.office_reviewer)
    approve(draft, world.office_reviewer, **confidentiality_data())
    approve(draft, world.leader, comment="同意发布")
    page = live(draft)
    record = ReviewRecord.objects.get(page=draft)
    assert record.fingerprint == revision_fingerprint(page.live_revision)
    # A raw change of the approved revision's content is refused when it is published again.
    revision = page.live_revision
    revision.content["body"] = f"<p>{ID_NUMBER}</p>"
    revision.save(update_fields=["content"])
    with pytest.raises(PublicationRefused):
        revision.publish()


# --- separation of duties ----------------------------------------------------------------------


def test_a_department_head_cannot_approve_their_own_submission(draft, world):
    other_head = staff("t-head2", role=roles.DEPARTMENT_HEAD, department=world.employment)
    submit(draft, world.department_head)
    with pytest.raises(PermissionDenied):
        approve(draft, world.department_head)
    assert step_kind(draft) == StepKind.DEPARTMENT
    # Another head of the department may; the office may not while one exists.
    with pytest.raises(PermissionDenied):
        approve(draft, world.office_reviewer)
    approve(draft, other_head)
    assert step_kind(draft) == StepKind.CONFIDENTIALITY


def test_the_only_head_submitting_sends_the_first_step_to_the_office(draft, world):
    from gongkai.review.selectors import review_queue

    submit(draft, world.department_head)
    assert [item.page.pk for item in review_queue(world.department_head)] == []
    assert [item.page.pk for item in review_queue(world.office_reviewer)] == [draft.pk]
    approve(draft, world.office_reviewer)
    assert step_kind(draft) == StepKind.CONFIDENTIALITY


def test_a_one_person_department_is_reviewed_first_by_the_office(draft, world):
    world.employment.first_review_by_office = True
    world.employment.save()
    submit(draft, world.drafter)
    with pytest.raises(PermissionDenied):
        approve(draft, world.department_head)
    approve(draft, world.office_reviewer)
    assert step_kind(draft) == StepKind.CONFIDENTIALITY


def test_a_resubmitter_cannot_approve_the_first_step_either(draft, world):
    other_head = staff("t-head2", role=roles.DEPARTMENT_HEAD, department=world.employment)
    submit(draft, world.drafter)
    from gongkai.review.services import review_task_act

    review_task_act(
        task_state=current(draft), user=other_head, action="reject", data={"comment": "请补充"}
    )
    # The department head takes the draft over and resubmits it.
    page = live(draft)
    page.current_workflow_state.resume(user=world.department_head)
    # ... the resubmission is recorded, so the head cannot approve their own.
    with pytest.raises(PermissionDenied):
        approve(draft, world.department_head)
    approve(draft, other_head)


# --- masking inside attachments -----------------------------------------------------------------


def test_one_click_masks_a_word_attachment_as_a_new_version(draft, world):
    leaky = make_docx(paragraphs=[f"申请人身份证号：{ID_NUMBER}，联系电话：{MOBILE}。"])
    document = with_attachment(draft, leaky, "名单.docx", world.drafter)
    state = to_confidentiality(draft, world)
    review_body_mask(task_state=state, by=world.office_reviewer)
    count = review_attachment_mask(
        task_state=current(draft), document_id=document.pk, by=world.office_reviewer
    )
    assert count == 2
    draft_now = live(draft).get_latest_revision_as_object()
    [attachment] = draft_now.attachments.all()
    masked = attachment.document
    assert masked.pk != document.pk
    lineage = DocumentLineage.objects.get(document=masked)
    assert lineage.previous == document and lineage.reason == LineageReason.MASKED
    with masked.file.open("rb") as handle:
        data = handle.read()
    assert scan_file("名单.docx", data) == []
    assert ID_NUMBER not in docx_text(data) and "110105********002X" in docx_text(data)
    record = ReviewRecord.objects.get(page=draft)
    resolutions = FindingResolution.objects.filter(record=record, source="attachment")
    assert {r.resolution for r in resolutions} == {Resolution.MASKED}
    assert {r.masked for r in resolutions} == {"110105********002X", "138****5678"}
    assert all(ID_NUMBER not in r.context for r in resolutions)
    # Nothing left to resolve: approval goes through and the masked copy is what is published.
    approve(draft, world.office_reviewer, **confidentiality_data())
    approve(draft, world.leader, comment="同意发布")
    assert [a.document_id for a in live(draft).attachments.all()] == [masked.pk]


def test_a_failed_masking_blocks_approval_until_the_file_is_replaced(draft, world, monkeypatch):
    from gongkai.core.pii import MaskingError

    leaky = make_docx(paragraphs=[f"身份证号：{ID_NUMBER}"])
    document = with_attachment(draft, leaky, "名单.docx", world.drafter)
    to_confidentiality(draft, world)

    def broken(name, data, **kwargs):
        raise MaskingError("文件已加密。", "encrypted")

    monkeypatch.setattr("gongkai.core.pii.mask_file", broken)
    with pytest.raises(ValidationError) as refused:
        review_attachment_mask(
            task_state=current(draft), document_id=document.pk, by=world.office_reviewer
        )
    assert "名单" in str(refused.value)
    record = ReviewRecord.objects.get(page=draft)
    assert [f["document_id"] for f in record.masking_failures] == [document.pk]
    # Even a waiver of every finding does not let it through: the file must be replaced.
    from gongkai.review.selectors import draft_findings

    findings = draft_findings(live(draft).get_latest_revision_as_object())
    waivers = [{"key": f.key, "reason": "已人工核对"} for f in findings]
    review_body_mask(task_state=current(draft), by=world.office_reviewer)
    with pytest.raises(ValidationError) as blocked:
        approve(draft, world.office_reviewer, **confidentiality_data(waivers=waivers))
    assert "名单" in " ".join(blocked.value.messages)
    assert TaskState.objects.filter(status=TaskState.STATUS_IN_PROGRESS).count() == 1


def test_only_the_confidentiality_reviewer_masks_an_attachment(draft, world):
    document = with_attachment(
        draft, make_docx(paragraphs=[f"身份证号：{ID_NUMBER}"]), "名单.docx", world.drafter
    )
    to_confidentiality(draft, world)
    for someone in (world.drafter, world.department_head, world.leader):
        with pytest.raises(PermissionDenied):
            review_attachment_mask(task_state=current(draft), document_id=document.pk, by=someone)
    draft_now = live(draft).get_latest_revision_as_object()
    assert [a.document_id for a in draft_now.attachments.all()] == [document.pk]
