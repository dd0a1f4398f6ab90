"""The confidentiality step shows the hidden data each attachment carries."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from wagtail.documents import get_document_model

from gongkai.catalog.models import CatalogRecord, RecordAttachment
from gongkai.conftest import login_verified
from gongkai.core.tests.office_files import make_docx
from gongkai.review.selectors import draft_attachment_metadata

from .conftest import current
from .test_services import to_confidentiality

pytestmark = pytest.mark.django_db


def _attach(page, name: str, content: bytes) -> None:
    document = get_document_model().objects.create(
        title=name.rsplit(".", 1)[0], file=ContentFile(content, name=name)
    )
    RecordAttachment.objects.create(record=page, document=document)
    CatalogRecord.objects.get(pk=page.pk).save_revision()


def test_selector_lists_the_hidden_data_of_each_attachment(draft):
    _attach(draft, "附件1.docx", make_docx())
    _attach(draft, "broken.pdf", b"%PDF-1.4\n" + b"0" * 100)
    found = draft_attachment_metadata(
        CatalogRecord.objects.get(pk=draft.pk).get_latest_revision_as_object()
    )
    docx_meta, pdf_meta = found  # in attachment order; names may carry a storage suffix
    assert docx_meta.name.startswith("附件1") and not docx_meta.problem
    keys = {item.key for item in docx_meta.items}
    assert {"core.creator", "comments", "tracked_changes", "app.Company"} <= keys
    assert pdf_meta.problem and not pdf_meta.items


def test_workspace_and_approval_form_show_the_hidden_data(draft, world):
    _attach(draft, "附件1.docx", make_docx())
    to_confidentiality(draft, world)
    state = current(draft)
    client = Client()
    login_verified(client, world.office_reviewer)

    html = client.get(f"/admin/review/check/{state.pk}/").content.decode()
    assert "review-attachment-metadata" in html
    assert "附件1" in html and "张三" in html and "王五" in html

    url = f"/admin/pages/workflow/action/{draft.pk}/approve/{state.pk}/"
    modal = client.get(url, headers={"x-requested-with": "XMLHttpRequest"}).json()["html"]
    assert "review-attachment-metadata" in modal
    assert "张三" in modal and "毕节市某某局" in modal


def test_no_section_without_attachments(draft, world):
    to_confidentiality(draft, world)
    state = current(draft)
    client = Client()
    login_verified(client, world.office_reviewer)
    html = client.get(f"/admin/review/check/{state.pk}/").content.decode()
    assert "review-attachment-metadata" not in html
