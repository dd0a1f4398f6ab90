"""Publication strips hidden metadata from attachments; the originals stay in the archive."""

import io
import os

import docx
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from wagtail.documents import get_document_model

from gongkai.catalog.archive import AttachmentOriginal
from gongkai.catalog.attachments import attachments_strip_for_publication
from gongkai.catalog.models import CatalogRecord, RecordAttachment
from gongkai.catalog.tests.factories import column, record
from gongkai.core.filemeta import inspect_metadata
from gongkai.core.tests.office_files import (
    COMMENT_TEXT,
    DELETED,
    INSERTED,
    VISIBLE,
    docx_text,
    make_docx,
)

pytestmark = pytest.mark.django_db


def _document(name: str, content: bytes):
    return get_document_model().objects.create(
        title=name.rsplit(".", 1)[0], file=ContentFile(content, name=name)
    )


def _published_with(parent, *files: tuple[str, bytes], department) -> CatalogRecord:
    """A record published through the factory's path, with attachments added before."""
    from gongkai.review.services import review_record_attest

    page = record(parent, publish=False, department=department)
    for name, content in files:
        RecordAttachment.objects.create(record=page, document=_document(name, content))
    page = CatalogRecord.objects.get(pk=page.pk)
    revision = page.save_revision()
    review_record_attest(page=page, note="测试数据")
    revision.publish()
    return CatalogRecord.objects.get(pk=page.pk)


def _republish(page) -> None:
    from gongkai.review.services import review_record_attest

    revision = page.save_revision()
    review_record_attest(page=page, note="测试数据")
    revision.publish()


def _bytes(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def _keys(data: bytes, name: str = "a.docx") -> set[str]:
    return {item.key for item in inspect_metadata(name, data)}


@pytest.fixture
def leaky() -> bytes:
    data = make_docx()
    keys = _keys(data)
    assert {"core.creator", "comments", "tracked_changes"} <= keys
    return data


def test_publication_strips_the_attachment_and_archives_the_original(world, leaky):
    page = _published_with(column(), ("通知附件.docx", leaky), department=world.employment)
    assert page.live
    document = page.attachments.get().document
    published = _bytes(document.file)

    assert inspect_metadata("a.docx", published) == []
    docx.Document(io.BytesIO(published))  # still a Word file
    text = docx_text(published)
    assert VISIBLE in text and INSERTED in text  # tracked insertion accepted
    assert DELETED not in text and COMMENT_TEXT not in published.decode("latin-1")
    assert b"\xe5\xbc\xa0\xe4\xb8\x89" not in published  # 张三 nowhere in the file
    assert os.path.basename(document.file.name) == "通知附件.docx"  # same name
    assert document.file_size == len(published)

    archive = AttachmentOriginal.objects.get(document=document)
    assert _bytes(archive.original) == leaky
    assert archive.original.name.startswith("archive/originals/")
    assert archive.stripped_at is not None and archive.problem == ""
    assert {"key": "core.creator", "value": "张三"} in [
        {"key": item["key"], "value": item["value"]} for item in archive.metadata
    ]
    assert {"comments", "tracked_changes"} <= {item["key"] for item in archive.metadata}


def test_the_public_download_serves_the_clean_copy(world, leaky, settings, tmp_path):
    # As in production: files on disk, streamed by Wagtail's document view.
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    page = _published_with(column(), ("notice.docx", leaky), department=world.employment)
    document = page.attachments.get().document
    assert document.url == f"/documents/{document.pk}/notice.docx"
    response = Client().get(document.url)
    assert response.status_code == 200
    served = b"".join(response.streaming_content) if response.streaming else response.content
    assert served == _bytes(document.file)
    assert inspect_metadata("notice.docx", served) == []
    assert served != leaky
    assert not list(tmp_path.glob("documents/.*.tmp"))  # replaced atomically, nothing left
    archive = AttachmentOriginal.objects.get(document=document)
    assert _bytes(archive.original) == leaky
    assert not (tmp_path / archive.original.name).exists()  # the original is not in media


def test_stripping_again_changes_nothing(world, leaky):
    page = _published_with(column(), ("notice.docx", leaky), department=world.employment)
    document = page.attachments.get().document
    before = _bytes(document.file)
    archived = AttachmentOriginal.objects.get(document=document)

    summary = attachments_strip_for_publication(page=page)
    assert (summary.stripped, summary.unchanged, summary.problems) == (0, 1, [])
    _republish(page)
    document.refresh_from_db()
    assert _bytes(document.file) == before
    again = AttachmentOriginal.objects.get(document=document)
    assert again.original.name == archived.original.name
    assert _bytes(again.original) == leaky


def test_a_replaced_file_is_archived_and_stripped_anew(world, leaky):
    page = _published_with(column(), ("notice.docx", leaky), department=world.employment)
    document = page.attachments.get().document
    second = make_docx(paragraphs=["第二版正文。"])
    document.file.save("notice2.docx", ContentFile(second))
    _republish(page)
    document.refresh_from_db()
    assert inspect_metadata("a.docx", _bytes(document.file)) == []
    assert "第二版正文。" in docx_text(_bytes(document.file))
    assert _bytes(AttachmentOriginal.objects.get(document=document).original) == second


def test_unreadable_files_are_left_alone_and_recorded(world):
    broken = b"%PDF-1.4\n" + b"0" * 200
    page = _published_with(column(), ("broken.pdf", broken), department=world.employment)
    assert page.live  # a file that cannot be read never stops the publication
    document = page.attachments.get().document
    assert _bytes(document.file) == broken
    archive = AttachmentOriginal.objects.get(document=document)
    assert archive.stripped_at is None and archive.problem


def test_the_command_strips_already_published_attachments_and_is_idempotent(
    world, leaky, monkeypatch
):
    # Published before stripping existed: publication did not strip then.
    monkeypatch.setattr(
        "gongkai.catalog.attachments.attachments_strip_for_publication",
        lambda *, page: None,
    )
    results = column()
    page = _published_with(results, ("old.docx", leaky), department=world.employment)
    monkeypatch.undo()
    draft = record(results, title="草稿", publish=False, department=world.employment)
    RecordAttachment.objects.create(record=draft, document=_document("draft.docx", leaky))

    document = page.attachments.get().document
    assert _bytes(document.file) == leaky
    assert not AttachmentOriginal.objects.exists()
    call_command("strip_published_attachments", stdout=io.StringIO(), verbosity=0)
    document.refresh_from_db()
    assert inspect_metadata("a.docx", _bytes(document.file)) == []
    assert _bytes(AttachmentOriginal.objects.get(document=document).original) == leaky
    draft_document = draft.attachments.get().document
    assert _bytes(draft_document.file) == leaky  # drafts are not touched
    assert not AttachmentOriginal.objects.filter(document=draft_document).exists()

    stripped = _bytes(document.file)
    archived = AttachmentOriginal.objects.get().original.name
    call_command("strip_published_attachments", stdout=io.StringIO(), verbosity=0)
    document.refresh_from_db()
    assert _bytes(document.file) == stripped
    assert AttachmentOriginal.objects.get().original.name == archived


def test_the_command_fails_on_unreadable_attachments(world):
    from django.core.management.base import CommandError

    _published_with(
        column(), ("broken.pdf", b"%PDF-1.4\n" + b"0" * 200), department=world.employment
    )
    with pytest.raises(CommandError):
        call_command("strip_published_attachments", stdout=io.StringIO(), verbosity=0)
