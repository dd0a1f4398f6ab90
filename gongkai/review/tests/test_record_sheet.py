"""The 审查单 tells the whole story, on the screen and on paper, in one time zone."""

import re
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pypdfium2
import pytest
import time_machine
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import translation
from wagtail.documents import get_document_model
from wagtail.models import WorkflowState

from gongkai.catalog.models import CatalogRecord, RecordAttachment
from gongkai.conftest import login_verified
from gongkai.org import roles
from gongkai.org.tests.factories import staff
from gongkai.review.models import ReviewRecord, ReviewStep
from gongkai.review.selectors import draft_findings
from gongkai.review.services import review_attachment_mask, review_body_mask, review_task_act
from gongkai.review.sheet import local_time, record_sheet
from gongkai.review.states import ChecklistItem, Decision, Resolution, ReviewStatus, StepKind

from .conftest import ID_NUMBER, current, submit
from .test_services import approve, confidentiality_data

pytestmark = pytest.mark.django_db

SECOND_ID = "520501198001011230"  # valid check digit
PHONE = "13812345678"
ROSTER_PHONE = "13987654321"
WAIVER_REASON = "惩戒公示，依法须公开身份信息"
RETURN_COMMENT = "请删除名单中的联系人手机号"
SIGN_OFF_COMMENT = "同意发布"
SENT_BACK_COMMENT = "保密审查后内容有变化（正文），退回保密审查"
FAILED_FILE = "扫描件.pdf"
FAILED_REASON = "扫描图像中的文字无法可靠遮蔽"
RAW_VALUES = (ID_NUMBER, SECOND_ID, PHONE, ROSTER_PHONE)
STATUS_CODES = (
    "in_review",
    "approve",
    "sent_back",
    "sign_off",
    "false_positive",
    "state_secret",
    "proactive",
)
RAW_JSON = ('{"', "'kind':", "[{", "&quot;kind&quot;", "{&#x27;")


@contextmanager
def at(hour: int, minute: int = 0):
    """Act at 2026-11-02 hour:minute UTC (Asia/Shanghai is eight hours ahead)."""
    with time_machine.travel(datetime(2026, 11, 2, hour, minute, tzinfo=UTC), tick=False):
        yield


def named(user, name: str):
    user.first_name, user.last_name = name, ""
    user.save(update_fields=["first_name", "last_name"])
    return user


def attach(page, name: str, text: str):
    document = get_document_model().objects.create(
        title=name.rsplit(".", 1)[0], file=ContentFile(text.encode(), name=name)
    )
    RecordAttachment.objects.create(record=page, document=document)
    return document


def client_for(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def main_of(html: str) -> str:
    """The page's main content, without the admin's menus and scripts."""
    start = html.index("<main")
    return html[start : html.index("</main>", start)]


def pdf_text(content: bytes) -> str:
    pdf = pypdfium2.PdfDocument(content)
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    return re.sub(r"\s+", "", text)


def zh(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


@pytest.fixture
def story(draft, world):
    """A full review with every part of the story, at known times (UTC)."""
    named(world.drafter, "刘起草")
    named(world.department_head, "李科长")
    named(world.office_reviewer, "王静")
    named(world.leader, "赵局长")
    second_drafter = named(
        staff("t-drafter-2", role=roles.DRAFTER, department=world.employment), "陈起草"
    )
    page = CatalogRecord.objects.get(pk=draft.pk)
    contacts = attach(page, "名单.txt", f"联系人手机：{PHONE}")
    attach(page, "处分决定.txt", f"当事人：李四，身份证号{SECOND_ID}。")
    roster = attach(page, "花名册.csv", f"姓名,手机\n张三,{ROSTER_PHONE}\n")
    page.save_revision(user=world.drafter)

    with at(1):
        submit(draft, world.drafter)
    with at(2, 30):
        approve(draft, world.department_head)
    with at(3):
        review_task_act(
            task_state=current(draft),
            user=world.office_reviewer,
            action="reject",
            data={"comment": RETURN_COMMENT},
        )
    with at(5):  # the phone number leaves the list: the file is replaced
        page = CatalogRecord.objects.get(pk=draft.pk)
        RecordAttachment.objects.filter(record=page, document=contacts).delete()
        attach(page, "名单.txt", "联系人：局办公室")
        page.save_revision(user=second_drafter)
        WorkflowState.objects.get(
            object_id=str(draft.pk), status=WorkflowState.STATUS_NEEDS_CHANGES
        ).resume(user=second_drafter)
    with at(6):
        review_body_mask(task_state=current(draft), by=world.office_reviewer)
    with at(6, 10):
        review_attachment_mask(
            task_state=current(draft), document_id=roster.pk, by=world.office_reviewer
        )

    def waive():
        latest = CatalogRecord.objects.get(pk=draft.pk).get_latest_revision_as_object()
        [finding] = [f for f in draft_findings(latest) if f.masked.startswith("520501")]
        return [{"key": finding.key, "reason": WAIVER_REASON}]

    with at(6, 20):
        approve(draft, world.office_reviewer, **confidentiality_data(waivers=waive()))
    record = ReviewRecord.objects.get(page=draft)
    # A change after the confidentiality review sent the draft back to it (written directly:
    # the test is about the sheet, not about the send-back).
    ReviewStep.objects.create(
        record=record,
        kind=StepKind.SIGN_OFF,
        reviewer=second_drafter,
        reviewer_name="陈起草",
        decided_at=datetime(2026, 11, 2, 7, 0, tzinfo=UTC),
        decision=Decision.SENT_BACK,
        comment=SENT_BACK_COMMENT,
    )
    with at(8):
        approve(draft, world.leader, comment=SIGN_OFF_COMMENT)

    record.refresh_from_db()
    record.masking_failures = [
        {
            "document_id": 10**9,
            "name": FAILED_FILE,
            "reason": FAILED_REASON,
            "by": "王静",
            "at": "2026-11-02T06:15:00+00:00",
        }
    ]
    record.save(update_fields=["masking_failures"])
    return record


# --- the data -----------------------------------------------------------------------------------


def test_the_sheet_holds_the_whole_review(story, world):
    record = story
    assert record.outcome == ReviewStatus.APPROVED
    assert CatalogRecord.objects.get(pk=record.page_id).live
    sheet = record_sheet(record)

    assert sheet["title"] == record.title and sheet["department"] == "市就业局"
    assert sheet["submitted_by"] == "刘起草" and sheet["last_submitted_by"] == "陈起草"
    assert sheet["submitted_at"] == "2026-11-02 09:00"
    assert sheet["completed_at"] == "2026-11-02 16:00"
    assert sheet["status"] == str(ReviewStatus.APPROVED.label) and not sheet["in_review"]
    assert sheet["fingerprint"] == record.fingerprint[:12] and len(record.fingerprint) == 64

    steps = [(s["step"], s["reviewer"], s["decided_at"], s["decision"]) for s in sheet["steps"]]
    assert steps == [
        (str(StepKind.DEPARTMENT.label), "李科长", "2026-11-02 10:30", str(Decision.APPROVE.label)),
        (
            str(StepKind.CONFIDENTIALITY.label),
            "王静",
            "2026-11-02 11:00",
            str(Decision.REJECT.label),
        ),
        (
            str(StepKind.CONFIDENTIALITY.label),
            "王静",
            "2026-11-02 14:20",
            str(Decision.APPROVE.label),
        ),
        (str(StepKind.SIGN_OFF.label), "陈起草", "2026-11-02 15:00", str(Decision.SENT_BACK.label)),
        (str(StepKind.SIGN_OFF.label), "赵局长", "2026-11-02 16:00", str(Decision.APPROVE.label)),
    ]
    assert sheet["steps"][1]["comment"] == RETURN_COMMENT
    assert sheet["steps"][3]["sent_back"] and sheet["steps"][3]["comment"] == SENT_BACK_COMMENT
    assert sheet["steps"][4]["comment"] == SIGN_OFF_COMMENT
    checklist = sheet["steps"][2]["checklist"]
    assert [i["label"] for i in checklist] == [str(item.label) for item in ChecklistItem]
    assert all(i["clear"] for i in checklist)
    assert sheet["steps"][2]["disclosure"] and not sheet["steps"][0]["checklist"]

    groups = {g["heading"]: g["rows"] for g in sheet["personal_data"]}
    assert sheet["personal_data"][0]["body"]  # the body first, then each file
    rows = [
        (r["masked"], r["resolution"], r["reason"], r["by"])
        for g in sheet["personal_data"]
        for r in g["rows"]
    ]
    assert ("110105********002X", str(Resolution.MASKED.label), "", "王静") in rows
    assert ("139****4321", str(Resolution.MASKED.label), "", "王静") in rows
    assert ("520501********1230", str(Resolution.WAIVED.label), WAIVER_REASON, "王静") in rows
    assert ("138****5678", str(Resolution.REPLACED.label), "", "王静") in rows
    assert all(
        r["resolved"] and r["at"].startswith("2026-11-02 1") for g in groups.values() for r in g
    )
    assert any("名单" in heading for heading in groups)
    assert any("处分决定" in heading for heading in groups)

    body_masking, file_masking = sheet["maskings"]
    assert not body_masking["attachment"] and body_masking["count"] == 1
    assert body_masking["at"] == "2026-11-02 14:00" and body_masking["by"] == "王静"
    assert file_masking["attachment"] and file_masking["target"].startswith("花名册")
    assert file_masking["new_file"].startswith("花名册") and file_masking["new_version"] == 2
    assert [v["masked"] for v in file_masking["values"]] == ["139****4321"]
    assert file_masking["at"] == "2026-11-02 14:10"

    [failure] = sheet["masking_failures"]
    assert failure == {
        "name": FAILED_FILE,
        "reason": FAILED_REASON,
        "by": "王静",
        "at": "2026-11-02 14:15",
        "blocking": False,
        "replaced": False,
    }
    assert not sheet["blocked"]
    assert not any(raw in str(sheet) for raw in RAW_VALUES)


def story_facts(record) -> tuple[str, ...]:
    """What both the screen and the paper must say about the `story` record."""
    return (
        record.title,
        "市就业局",
        "刘起草",
        "陈起草",
        "李科长",
        "王静",
        "赵局长",
        RETURN_COMMENT,
        SENT_BACK_COMMENT,
        SIGN_OFF_COMMENT,
        WAIVER_REASON,
        "110105********002X",
        "520501********1230",
        "138****5678",
        "139****4321",
        "名单",
        "处分决定",
        "花名册",
        FAILED_FILE,
        FAILED_REASON,
        record.fingerprint[:12],
    )


# --- the screen ---------------------------------------------------------------------------------


def test_the_inspect_view_tells_the_story_in_chinese(story, world):
    record = story
    response = client_for(world.office_reviewer).get(f"/admin/review_records/inspect/{record.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    main = main_of(html)

    for fact in story_facts(record):
        assert fact in main, fact
    with translation.override("zh-hans"):
        labels = [
            ReviewStatus.APPROVED.label,
            Decision.SENT_BACK.label,
            Decision.REJECT.label,
            Resolution.MASKED.label,
            Resolution.WAIVED.label,
            Resolution.REPLACED.label,
            StepKind.DEPARTMENT.label,
            StepKind.CONFIDENTIALITY.label,
            StepKind.SIGN_OFF.label,
            *[item.label for item in ChecklistItem],
        ]
        labels = [str(label) for label in labels]
    for label in labels:
        assert label in main, label
    # One time zone: every time is Asia/Shanghai.
    for moment in ("2026-11-02 09:00", "2026-11-02 10:30", "2026-11-02 14:15", "2026-11-02 16:00"):
        assert moment in main, moment
    assert "2026-11-02 02:30" not in main and "2026-11-02T" not in main
    assert "+00:00" not in main

    for raw in RAW_VALUES:
        assert raw not in html
    for code in STATUS_CODES:
        assert code not in main, code
    for dump in RAW_JSON:
        assert dump not in main, dump
    assert record.fingerprint not in html  # shown short only
    assert 'class="sheet-failure"' in main  # listed, not blocking: the record is approved
    assert 'class="sheet-failure sheet-blocking"' not in main
    assert 'class="sheet-blocked' not in main


def test_a_failed_masking_blocks_while_in_review(draft, world):
    page = CatalogRecord.objects.get(pk=draft.pk)
    scan = attach(page, FAILED_FILE, "scanned")
    page.save_revision(user=world.drafter)
    with at(1):
        submit(draft, world.drafter)
    record = ReviewRecord.objects.get(page=draft)
    record.masking_failures = [
        {
            "document_id": scan.pk,
            "name": FAILED_FILE,
            "reason": FAILED_REASON,
            "by": "王静",
            "at": "2026-11-02T02:30:00Z",
        }
    ]
    record.save(update_fields=["masking_failures"])
    sheet = record_sheet(record)
    assert sheet["in_review"] and sheet["blocked"]
    assert sheet["masking_failures"][0]["at"] == "2026-11-02 10:30"
    assert sheet["fingerprint"] == ""

    main = main_of(
        client_for(world.office_reviewer)
        .get(f"/admin/review_records/inspect/{record.pk}/")
        .content.decode()
    )
    assert 'class="sheet-blocked' in main and 'class="sheet-failure sheet-blocking"' in main
    assert FAILED_FILE in main and FAILED_REASON in main and "2026-11-02 10:30" in main
    assert zh(ReviewStatus.IN_REVIEW.label) in main and "in_review" not in main

    # Replaced by the drafter: listed still, no longer blocking.
    RecordAttachment.objects.filter(record=page, document=scan).delete()
    CatalogRecord.objects.get(pk=draft.pk).save_revision(user=world.drafter)
    sheet = record_sheet(ReviewRecord.objects.get(pk=record.pk))
    assert not sheet["blocked"] and sheet["masking_failures"][0]["replaced"]


def test_an_open_finding_is_shown_as_not_resolved(draft, world):
    submit(draft, world.drafter)
    approve(draft, world.department_head)
    review_task_act(
        task_state=current(draft),
        user=world.office_reviewer,
        action="reject",
        data={"comment": RETURN_COMMENT},
    )
    [group] = record_sheet(ReviewRecord.objects.get(page=draft))["personal_data"]
    [row] = group["rows"]
    assert group["body"] and row["masked"] == "110105********002X" and not row["resolved"]


# --- the paper ----------------------------------------------------------------------------------


def test_the_pdf_tells_the_same_story(story, world):
    record = story
    response = client_for(world.office_reviewer).get(f"/admin/review/records/{record.pk}/pdf/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    for fact in (
        *story_facts(record),
        "2026-11-0209:00",
        "2026-11-0210:30",
        "2026-11-0214:15",
        "2026-11-0216:00",
    ):
        assert fact in text, fact
    for label in (Decision.SENT_BACK.label, Resolution.REPLACED.label, Resolution.WAIVED.label):
        assert re.sub(r"\s+", "", zh(label)) in text
    for raw in RAW_VALUES:
        assert raw not in text
    for code in STATUS_CODES:
        assert code not in text, code
    assert record.fingerprint not in text
    assert "2026-11-0202:30" not in text


# --- one time zone ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2026-11-02T02:30:00+00:00", "2026-11-02 10:30"),
        ("2026-11-02T02:30:00Z", "2026-11-02 10:30"),
        ("2026-11-02T02:30:00", "2026-11-02 10:30"),  # the JSON fields are written in UTC
        ("2026-11-02T18:30:00+00:00", "2026-11-03 02:30"),
        (datetime(2026, 11, 2, 2, 30, tzinfo=UTC), "2026-11-02 10:30"),
        (datetime(2026, 11, 1, 21, 30, tzinfo=ZoneInfo("America/New_York")), "2026-11-02 10:30"),
        (date(2026, 11, 2), "2026-11-02"),
        ("", ""),
        (None, ""),
        ("not a time", ""),
    ],
)
def test_local_time(value, shown):
    assert local_time(value) == shown


def test_local_time_ignores_the_active_time_zone():
    from django.utils import timezone

    with timezone.override(ZoneInfo("Europe/London")):
        assert local_time(datetime(2026, 11, 2, 2, 30, tzinfo=UTC)) == "2026-11-02 10:30"


def test_the_queue_shows_local_times(draft, world):
    with at(1):
        submit(draft, world.drafter)
        html = client_for(world.department_head).get("/admin/").content.decode()
    assert "2026-11-02 09:00" in html and "2026-11-02 01:00" not in html
