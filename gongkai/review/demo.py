"""Demo drafts waiting in the review workflow, with personal data in their attachments.

So that a bureau trying the demo finds real work in the queues: a 公示 whose name list
(Excel), explanation (Word) and instructions (PDF) carry ID numbers and mobiles, waiting for
the office's confidentiality review; and a list of internship bases waiting for the head of
the employment bureau. Two drafts show the clocks: a notice formed on 2026-11-13, which the
dashboard's 公开时效提醒 counts towards its 20 working days, and an internal report withheld
(不予公开) with its 条例 第18条 re-review date. The prose and the lists live in
demo/pending_reviews.json.
"""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.html import escape
from wagtail.documents import get_document_model
from wagtail.models import Collection, Page, Site

DATA = Path(__file__).resolve().parent / "demo" / "pending_reviews.json"
DRAFTER = "drafter"
DEPARTMENT_HEAD = "depthead"


def _xlsx(sheet: str, rows: list[list[str]]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    for column in "ABCDEF":
        worksheet.column_dimensions[column].width = 22
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _docx(paragraphs: list[str], author: str) -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.author = author  # hidden data the published copy drops
    document.add_heading(paragraphs[0], level=1)
    for paragraph in paragraphs[1:]:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf(paragraphs: list[str]) -> bytes:
    from weasyprint import HTML

    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs[1:])
    html = (
        '<html lang="zh-CN"><head><meta charset="utf-8"><style>'
        "body{font-family:'Noto Sans CJK SC',sans-serif;font-size:12pt;line-height:1.8}"
        "h1{font-size:18pt;text-align:center}</style></head>"
        f"<body><h1>{escape(paragraphs[0])}</h1>{body}</body></html>"
    )
    return HTML(string=html).write_pdf()


def _file(spec: dict[str, Any], author: str) -> bytes:
    if spec["kind"] == "xlsx":
        return _xlsx(spec["sheet"], spec["rows"])
    if spec["kind"] == "docx":
        return _docx(spec["paragraphs"], author)
    return _pdf(spec["paragraphs"])


def _column(path: str) -> Page:
    page = Site.objects.get(is_default_site=True).root_page
    for slug in path.split("/"):
        page = page.get_children().get(slug=slug)
    return page.specific


@transaction.atomic
def _create(spec: dict[str, Any], drafter: Any, head: Any) -> None:
    from gongkai.catalog.models import CatalogRecord, Genre, RecordAttachment, TopicCategory
    from gongkai.org.models import Department

    from .services import review_task_act

    page = CatalogRecord(
        title=spec["title"],
        slug=spec["slug"],
        live=False,
        topic=TopicCategory.objects.get(name=spec["topic"]),
        genre=Genre.objects.get(name=spec["genre"]),
        department=Department.objects.get(code=spec["department"]),
        formed_date=date.fromisoformat(spec["formed_date"]),
        written_date=date.fromisoformat(spec["formed_date"]),
        keywords=spec["keywords"],
        summary=spec["summary"][:100],
        body="".join(f"<p>{escape(p)}</p>" for p in spec["body"]),
        owner=drafter,
    )
    if spec.get("disclosure"):
        # A record decided 不予公开 (条例 第14–16条) with its re-review date (第18条).
        page.disclosure = spec["disclosure"]
        page.withholding_reason = spec["withholding_reason"]
        page.withholding_note = spec["withholding_note"]
        page.rereview_date = date.fromisoformat(spec["rereview_date"])
    Document = get_document_model()
    from gongkai.org.selectors import staff_name

    author = staff_name(drafter)
    for item in spec["attachments"]:
        data = _file(item, author)
        document = Document(
            title=item["title"],
            collection=Collection.get_first_root_node(),
            uploaded_by_user=drafter,
            file_size=len(data),
            file_hash=hashlib.sha1(data).hexdigest(),
        )
        document.file.save(item["name"], ContentFile(data), save=False)
        document.save()
        page.attachments.add(RecordAttachment(document=document, title=item["title"]))
    _column(spec["column"]).add_child(instance=page)
    page.save_revision(user=drafter, log_action=True)
    if spec["stage"] == "draft":
        return  # still being drafted: the dashboard counts its working days
    page = CatalogRecord.objects.get(pk=page.pk)
    page.get_workflow().start(page, drafter)
    if spec["stage"] == "confidentiality":
        page = CatalogRecord.objects.get(pk=page.pk)
        review_task_act(
            task_state=page.current_workflow_task_state,
            user=head,
            action="approve",
            data={"comment": "内容属实，同意报局办公室审查。"},
        )


def seed_pending_reviews() -> int:
    """Create the demo drafts in review that do not exist yet; returns how many."""
    from gongkai.catalog.models import CatalogRecord

    users = get_user_model().objects.in_bulk([DRAFTER, DEPARTMENT_HEAD], field_name="username")
    if len(users) < 2:
        return 0
    created = 0
    for spec in json.loads(DATA.read_text(encoding="utf-8"))["records"]:
        if CatalogRecord.objects.filter(slug=spec["slug"]).exists():
            continue
        _create(spec, users[DRAFTER], users[DEPARTMENT_HEAD])
        created += 1
    return created
