"""In a real browser: personal data inside Word, Excel and PDF attachments, masked with one
click each, published, downloaded and read again; search finds the words, never the numbers."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from gongkai.catalog.models import CatalogRecord, RecordAttachment
from gongkai.catalog.tests.factories import column, record
from gongkai.core.filemeta import inspect_metadata
from gongkai.core.pii import extract_text, scan_file

from .conftest import CLEAR, ID_NUMBER, current, submit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = "correct-horse-battery"
MOBILE = "13985712345"
CARD_HOLDER_ID = "520502200305236988"  # a second, valid ID number (GB 11643 check digit)
WORD = "见习补贴核定"  # a word of the PDF attachment only


def _docx() -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.author = "张三"
    document.add_heading("公示说明", level=1)
    document.add_paragraph(f"异议受理人：李四，身份证号 {ID_NUMBER}，手机 {MOBILE}。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _xlsx() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "名单"
    sheet.append(["姓名", "身份证号码", "联系电话", "金额"])
    sheet.append(["王晓燕", CARD_HOLDER_ID, int(MOBILE), 1500])
    workbook.properties.creator = "张三"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _pdf() -> bytes:
    from weasyprint import HTML

    html = (
        '<html lang="zh-CN"><body style="font-family:\'Noto Sans CJK SC\'">'
        f"<h1>申领须知</h1><p>{WORD}：经办人手机 {MOBILE}，身份证号 {ID_NUMBER}。</p>"
        "<p>办理时限：10个工作日。</p></body></html>"
    )
    return HTML(string=html).write_pdf()


def login(new_context, live_server, username):
    page = new_context().new_page()
    page.goto(live_server.url + "/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/admin/$"))
    return page


def test_masking_inside_attachments_in_the_browser(world, live_server, new_context):
    from gongkai.review.services import review_task_act, review_workflow_install

    review_workflow_install()
    draft = record(
        column(),
        title="关于一次性求职创业补贴拟发放名单的公示",
        publish=False,
        department=world.employment,
        body="<p>名单见附件。</p>",
    )
    files = {"说明.docx": _docx(), "名单.xlsx": _xlsx(), "须知.pdf": _pdf()}
    for name, data in files.items():
        document = get_document_model().objects.create(
            title=name.rsplit(".", 1)[0],
            file=ContentFile(data, name=name),
            uploaded_by_user=world.drafter,
        )
        RecordAttachment.objects.create(record=draft, document=document, title=name)
    CatalogRecord.objects.get(pk=draft.pk).save_revision(user=world.drafter)
    submit(draft, world.drafter)
    review_task_act(
        task_state=current(draft), user=world.department_head, action="approve", data={}
    )

    # The office reviewer opens the check: every finding, before and after.
    office = login(new_context, live_server, "t-office")
    office.goto(f"{live_server.url}/admin/review/check/{current(draft).pk}/")
    sections = office.locator("section.review-attachment")
    assert sections.count() == 3
    assert office.locator("td.review-finding__before", has_text=ID_NUMBER).count() >= 2
    assert office.locator("td.review-finding__after", has_text="110105********002X").count() >= 2
    # One click each.
    for name in files:
        section = office.locator("section.review-attachment", has_text=name.rsplit(".", 1)[0])
        section.locator("form button").click()
        office.wait_for_load_state("networkidle")
    office.wait_for_timeout(300)
    assert office.locator("td.review-finding__before").count() == 0, office.content()
    assert office.locator(".review-attachment__failure").count() == 0

    review_task_act(
        task_state=current(draft),
        user=world.office_reviewer,
        action="approve",
        data={"checklist": dict(CLEAR), "disclosure": "proactive"},
    )
    review_task_act(
        task_state=current(draft), user=world.leader, action="approve", data={"comment": "同意"}
    )
    published = CatalogRecord.objects.get(pk=draft.pk)
    assert published.live

    # The public downloads each attachment from the record page and reads it again.
    public = new_context().new_page()
    public.goto(live_server.url + published.url)
    links = public.locator(".attachments__list a")
    assert links.count() == 3
    for index in range(3):
        href = links.nth(index).get_attribute("href")
        response = public.request.get(live_server.url + href)
        assert response.status == 200
        data = response.body()
        name = next(n for n in files if n.rsplit(".", 1)[1] in href)
        text = " ".join(chunk.text for chunk in extract_text(name, data))
        for number in (ID_NUMBER, MOBILE, CARD_HOLDER_ID):
            assert number not in text.replace(" ", "")
        assert scan_file(name, data) == []
        assert inspect_metadata(name, data) == []  # no author, no hidden data
    # The stored originals were never published: their own ids answer 404.
    for document in get_document_model().objects.filter(lineage__isnull=True):
        assert public.request.get(live_server.url + document.url).status == 404

    # Search finds the record by a word of the PDF, never by a number.
    public.goto(f"{live_server.url}/search/?q={WORD}")
    assert published.title in public.content()
    for number in (ID_NUMBER, MOBILE):
        public.goto(f"{live_server.url}/search/?q={number}")
        assert published.title not in public.content()
        api = public.request.get(f"{live_server.url}/api/v1/search/?q={number}").json()
        assert api["total"] == 0
