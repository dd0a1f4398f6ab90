"""The catalogue's records in the site search (registered with gongkai.search).

A record is searchable exactly when the public site shows it: live, 主动公开,
not withdrawn (`selectors.public_records`). Its title, 文号, body, summary,
metadata and the text of its attachments' published copies (masked, stripped) are
indexed; 失效/废止 records stay findable, with their validity as a facet.
"""

from __future__ import annotations

import logging

from django.utils.translation import gettext_lazy as _

from gongkai.core.pii.extract import ExtractionError, extract_text
from gongkai.core.pii.htmltext import html_text
from gongkai.search.registry import Searchable, SearchDocument, register_searchable

from .models import CatalogRecord, RecordAttachment
from .selectors import public_records

logger = logging.getLogger(__name__)

# Attachments larger than this are not read for the index (their title still is).
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_ATTACHMENT_CHARS = 200_000
SECTION_DEPTH = 3  # root (1) › home page (2) › top-level column (3)


def attachment_text(attachment: RecordAttachment) -> str:
    """The attachment's title and the text of its published copy (never the stored file).

    The published copy is what the public downloads: personal data masked in review and
    hidden data stripped. An attachment without one (not public) contributes its title.
    """
    from gongkai.files.models import PublicCopy

    document = attachment.document
    lines = [attachment.title or document.title]
    copy = PublicCopy.objects.filter(document=document).first()
    if copy is None:
        return "\n".join(lines)
    try:
        if copy.size <= MAX_ATTACHMENT_BYTES:
            with copy.file.open("rb") as handle:
                data = handle.read()
            chunks = extract_text(document.file.name, data)
            lines.extend(chunk.text for chunk in chunks)
    except (ExtractionError, OSError, ValueError) as error:
        logger.warning("search: cannot read attachment %s: %s", document.pk, error)
    return "\n".join(lines)[:MAX_ATTACHMENT_CHARS]


def record_document(record: CatalogRecord) -> SearchDocument | None:
    if not (record.live and record.is_public) or not public_records().filter(pk=record.pk).exists():
        return None
    column = record.get_parent()
    section = None
    if column is not None:
        section = column if column.depth == SECTION_DEPTH else None
        if section is None and column.depth > SECTION_DEPTH:
            section = column.get_ancestors().filter(depth=SECTION_DEPTH).first()
    body = html_text(record.body or "")
    attachments = [attachment_text(a) for a in record.attachments.select_related("document")]
    if attachments:
        body = "\n".join([body, *attachments])
    extra = " ".join(
        part
        for part in (
            record.keywords,
            record.index_number,
            record.publisher,
            record.genre.name if record.genre_id else "",
        )
        if part
    )
    return SearchDocument(
        object_id=record.pk,
        title=record.title,
        url=record.get_url() or record.url_path,
        body=body,
        summary=record.summary or "",
        doc_number=record.doc_number or "",
        date=record.publication_date,
        column_path=column.path if column is not None else "",
        section_id=section.pk if section is not None else None,
        section=section.title if section is not None else "",
        topic=str(record.topic) if record.topic_id else "",
        department=record.department.name if record.department_id else "",
        validity=record.get_validity_display() if record.validity else "",
        extra=extra,
    )


register_searchable(
    Searchable(
        kind="catalog.record",
        label=_("Government information"),
        model=CatalogRecord,
        public=public_records,
        document=record_document,
        depends_on=[(RecordAttachment, lambda attachment: [attachment.record])],
    )
)
