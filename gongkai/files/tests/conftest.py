import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from gongkai.catalog.models import CatalogRecord, RecordAttachment


def attach(page, data: bytes, name: str, *, by=None, title: str = "") -> object:
    """A document uploaded by `by` and attached to `page`'s stored row (a draft's own row)."""
    document = get_document_model().objects.create(
        title=title or name.rsplit(".", 1)[0],
        file=ContentFile(data, name=name),
        uploaded_by_user=by,
    )
    RecordAttachment.objects.create(record=page, document=document, title=title)
    return document


def fresh(page):
    return CatalogRecord.objects.get(pk=page.pk)


def body_of(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.fixture
def workflow(world):
    from gongkai.review.services import review_workflow_install

    return review_workflow_install()
