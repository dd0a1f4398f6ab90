"""The catalogue's records show files to the public (registered with gongkai.files).

A record shows its attachments (附件) and the images embedded in its body; they are public
exactly while the record is (`selectors.public_records`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gongkai.files.registry import FileOwner, register_file_owner, rich_text_images

from .models import CatalogRecord, RecordAttachment
from .selectors import public_records


def record_documents(record: CatalogRecord) -> list[Any]:
    return [attachment.document for attachment in record.attachments.all()]


def records_using_document(document: Any) -> QuerySet[CatalogRecord]:
    """Records (any state) whose stored row attaches `document`: drafts, live and withdrawn."""
    return CatalogRecord.objects.filter(attachments__document=document).distinct()


def record_replace_document(record: CatalogRecord, old: Any, new: Any) -> bool:
    """Attach `new` where `record` (an object in memory, e.g. a draft) attaches `old`."""
    attachments = list(record.attachments.all())
    found = False
    for attachment in attachments:
        if attachment.document_id == old.pk:
            attachment.document = new
            found = True
    if found:
        # modelcluster hands out copies: the changed list must be set back.
        record.attachments = attachments
    return found


def department_documents(department: Any) -> QuerySet:
    return RecordAttachment.objects.filter(record__department=department).values("document_id")


register_file_owner(
    FileOwner(
        model=CatalogRecord,
        label=_("Catalogue record"),
        public=public_records,
        documents=record_documents,
        images=lambda record: rich_text_images(record.body),
        using_document=records_using_document,
        replace_document=record_replace_document,
        department_documents=department_documents,
    )
)
