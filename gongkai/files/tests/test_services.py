"""Publication writes the published copies and uses; withdrawal and expiry take them away."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from gongkai.catalog.services import record_withdraw
from gongkai.catalog.tests.factories import column, publish_reviewed, record
from gongkai.core.filemeta import inspect_metadata
from gongkai.core.publication import PublicationRefused
from gongkai.core.tests.office_files import make_docx, make_pdf
from gongkai.files.models import PublicCopy, PublicUse, ReviewedDocument
from gongkai.files.selectors import document_is_frozen, public_documents
from gongkai.files.services import files_sweep_run

from .conftest import attach, body_of, fresh

pytestmark = pytest.mark.django_db


LEAKY_DOCX = make_docx()  # author, comments, tracked changes...


@pytest.fixture
def published(world):
    page = record(column(), publish=False, department=world.employment, title="带附件的通知")
    document = attach(page, LEAKY_DOCX, "通知附件.docx", by=world.drafter)
    publish_reviewed(fresh(page))
    return fresh(page), document


def test_publication_writes_a_stripped_copy_and_keeps_the_upload_as_it_was(published):
    page, document = published
    copy = PublicCopy.objects.get(document=document)
    with copy.file.open("rb") as handle:
        served = handle.read()
    with document.file.open("rb") as handle:
        stored = handle.read()
    assert stored == LEAKY_DOCX  # the upload is untouched, hidden data and all
    assert inspect_metadata("a.docx", served) == []
    assert {item["label"] for item in copy.metadata_removed}  # what was removed is recorded
    assert copy.file.name.startswith("published/")
    assert PublicUse.objects.filter(document=document, object_id=page.pk).count() == 1
    assert list(public_documents()) == [document]
    assert document_is_frozen(document)

    response = Client().get(document.url)
    assert response.status_code == 200
    assert body_of(response) == served
    assert response["Cache-Control"] == "no-cache"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    # A second request with the ETag is answered 304.
    again = Client().get(document.url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_withdrawal_takes_the_files_down_in_the_same_transaction(
    published, world, django_capture_on_commit_callbacks
):
    page, document = published
    copy = PublicCopy.objects.get(document=document)
    name, storage = copy.file.name, copy.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        record_withdraw(record=page, by=world.office_reviewer, reason="附件有误")
    assert Client().get(document.url).status_code == 404
    assert not PublicUse.objects.filter(document=document).exists()
    assert not PublicCopy.objects.filter(document=document).exists()
    assert not storage.exists(name)  # the copy's file went after the commit


def test_a_withdrawal_failing_halfway_leaves_page_and_files_as_they_were(
    published, world, monkeypatch
):
    page, document = published

    def fail(*args, **kwargs):
        raise RuntimeError("the audit log is down")

    # The failure comes after the page was unpublished and its files dropped.
    monkeypatch.setattr("gongkai.catalog.services.audit", fail)
    with pytest.raises(RuntimeError):
        record_withdraw(record=page, by=world.office_reviewer, reason="附件有误")
    assert fresh(page).live and fresh(page).withdrawn_at is None
    assert PublicUse.objects.filter(document=document).exists()
    assert PublicCopy.objects.filter(document=document).exists()
    assert Client().get(document.url).status_code == 200
    assert Client().get(page.url).status_code == 200


def test_expiry_takes_the_files_down_and_a_failing_expiry_changes_nothing(published, monkeypatch):
    from gongkai.review.services import scheduled_publish_run

    page, document = published
    type(page).objects.filter(pk=page.pk).update(expire_at=timezone.now())

    def fail(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("gongkai.files.services.public_uses_remove", fail)
    with pytest.raises(RuntimeError):
        scheduled_publish_run()
    assert fresh(page).live
    assert Client().get(document.url).status_code == 200
    monkeypatch.undo()
    run = scheduled_publish_run()
    assert [obj.pk for obj in run.expired] == [page.pk]
    assert not fresh(page).live
    assert Client().get(document.url).status_code == 404


def test_a_damaged_attachment_stops_the_publication(world):
    page = record(column(), publish=False, department=world.employment)
    attach(page, b"PK\x03\x04 not really a spreadsheet", "名单.xlsx", by=world.drafter)
    with pytest.raises(PublicationRefused) as refused:
        publish_reviewed(fresh(page))
    assert "名单.xlsx" in str(refused.value)
    assert not fresh(page).live
    assert not PublicUse.objects.exists()


def test_a_new_published_version_drops_the_attachment_it_no_longer_shows(published, world):
    from django.core.files.base import ContentFile as File
    from wagtail.documents import get_document_model

    page, document = published
    replacement = get_document_model().objects.create(
        title="更正",
        file=File(make_pdf(leaks=False), name="更正.pdf"),
        uploaded_by_user=world.drafter,
    )
    draft = page.get_latest_revision_as_object()
    attachments = list(draft.attachments.all())
    for attachment in attachments:
        attachment.document = replacement
    draft.attachments = attachments
    publish_reviewed(draft)
    assert Client().get(document.url).status_code == 404
    assert Client().get(replacement.url).status_code == 200
    assert not PublicCopy.objects.filter(document=document).exists()


def test_the_sweep_removes_stale_uses_and_orphan_copy_files(published):
    from datetime import timedelta

    from django.core.files.storage import default_storage

    page, _document = published
    orphan = default_storage.save("published/deadbeef/orphan.pdf", ContentFile(b"%PDF-1.4"))
    # A raw update that sent no signal: the page is no longer live but its uses remain.
    type(page).objects.filter(pk=page.pk).update(live=False)
    result = files_sweep_run(older_than=timedelta(0))
    assert result.stale_uses == 1 and result.copies_dropped == 1
    assert result.orphan_files >= 1
    assert not default_storage.exists(orphan)
    assert not PublicUse.objects.exists()


def test_submission_freezes_the_documents_under_review(world, workflow):
    page = record(column(), publish=False, department=world.employment)
    document = attach(page, make_pdf(leaks=False), "说明.pdf", by=world.drafter)
    fresh(page).save_revision(user=world.drafter)  # as the editor saves a draft
    assert not document_is_frozen(document)
    fresh(page).get_workflow().start(fresh(page), world.drafter)
    assert ReviewedDocument.objects.filter(document=document).exists()
    assert document_is_frozen(document)
