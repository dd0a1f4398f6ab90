"""Importing Word drafts and PDFs as draft catalogue records (从 Word 导入).

The admin screen "从 Word 导入" and the `import_documents` command both call these services.
A file is checked by its content (gongkai.core.uploads) before anything is written; the
record, its pictures and its attachment are then written in one transaction, so a file
that fails leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from gongkai.core.audit import audit
from gongkai.core.docnumber import DocNumberError, normalise_doc_number
from gongkai.core.uploads import IMAGE_KINDS, FileKind, UploadRejected, check_upload

from .choices import Validity
from .models import CatalogColumnPage, CatalogRecord, Genre, RecordAttachment, TopicCategory
from .timeliness import lateness_warning
from .word_import import ParsedDocument, parse_date_line, parse_docx

__all__ = [
    "METADATA_FIELDS",
    "ImportAction",
    "record_import_docx",
    "record_import_pdf",
]

METADATA_FIELDS = (
    "title",
    "doc_number",
    "written_date",
    "topic",
    "genre",
    "validity",
    "summary",
    "keywords",
)
SUMMARY_MAX = 100
TITLE_MAX = 255
# The statutory words for 有效性, as people write them in a spreadsheet.
_VALIDITY_WORDS = {"有效": Validity.VALID, "失效": Validity.EXPIRED, "废止": Validity.REPEALED}


class ImportAction(models.TextChoices):
    """Audit actions of the import services (registered in import_admin)."""

    IMPORTED = "catalog.record.import", gettext_lazy("Imported from a file")


@dataclass
class _Metadata:
    title: str = ""
    doc_number: str = ""
    written_date: date | None = None
    topic: TopicCategory | None = None
    genre: Genre | None = None
    validity: str = ""
    summary: str = ""
    keywords: str = ""


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _parse_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    found = parse_date_line(text)
    if found:
        return found
    raise ValidationError(
        _("“%(value)s” is not a date; write it like 2019-05-24 or 2019年5月24日.")
        % {"value": text},
        code="bad_date",
    )


def _topic(value: Any) -> TopicCategory | None:
    if value is None or isinstance(value, TopicCategory):
        return value
    text = _text(value)
    if not text:
        return None
    parts = [p.strip() for p in re.split(r"[›>/／]", text) if p.strip()]
    if len(parts) == 2:
        matches = list(TopicCategory.objects.filter(parent__name=parts[0], name=parts[1]))
    else:
        matches = list(TopicCategory.objects.filter(name=text))
        if len(matches) > 1:  # 其他 is a class and a sub-class: the plain name is the class
            matches = [t for t in matches if t.parent_id is None] or matches
    if len(matches) != 1:
        raise ValidationError(
            _("“%(value)s” is not a topic class; write it as in the list of topic classes.")
            % {"value": text},
            code="bad_topic",
        )
    return matches[0]


def _genre(value: Any) -> Genre | None:
    if value is None or isinstance(value, Genre):
        return value
    text = _text(value)
    if not text:
        return None
    genre = Genre.objects.filter(name=text).first()
    if genre is None:
        raise ValidationError(
            _("“%(value)s” is not a genre; write it as in the list of genres.") % {"value": text},
            code="bad_genre",
        )
    return genre


def _validity(value: Any) -> str:
    text = _text(value)
    if not text:
        return ""
    for choice in Validity:
        if text in (choice.value, str(choice.label)):
            return choice.value
    if text in _VALIDITY_WORDS:
        return _VALIDITY_WORDS[text].value
    raise ValidationError(
        _("“%(value)s” is not a validity; write 有效, 失效 or 废止.") % {"value": text},
        code="bad_validity",
    )


def _metadata(metadata: Mapping[str, Any] | None) -> _Metadata:
    """Check the metadata given with a file; empty values mean "take it from the file"."""
    metadata = dict(metadata or {})
    unknown = sorted(set(metadata) - set(METADATA_FIELDS))
    if unknown:
        raise ValidationError(
            _("Unknown metadata: %(names)s.") % {"names": ", ".join(unknown)}, code="bad_metadata"
        )
    result = _Metadata(
        title=_text(metadata.get("title")),
        written_date=_parse_date(metadata.get("written_date")),
        topic=_topic(metadata.get("topic")),
        genre=_genre(metadata.get("genre")),
        validity=_validity(metadata.get("validity")),
        summary=_text(metadata.get("summary")),
        keywords=_text(metadata.get("keywords")),
    )
    if _text(metadata.get("doc_number")):
        result.doc_number = _doc_number(_text(metadata.get("doc_number")))
    if len(result.title) > TITLE_MAX:
        raise ValidationError(
            _("The title is longer than %(max)s characters.") % {"max": TITLE_MAX},
            code="bad_title",
        )
    if len(result.summary) > SUMMARY_MAX:
        raise ValidationError(
            _("The summary is longer than %(max)s characters.") % {"max": SUMMARY_MAX},
            code="bad_summary",
        )
    if len(result.keywords) > 200:
        raise ValidationError(_("The subject terms are too long."), code="bad_keywords")
    return result


def _doc_number(text: str) -> str:
    try:
        return normalise_doc_number(text)
    except DocNumberError as exc:
        raise ValidationError(str(exc), code="bad_doc_number") from exc


def _stem(filename: str) -> str:
    name = PurePath(filename.replace("\\", "/")).name
    return (name.rsplit(".", 1)[0] if "." in name else name).strip() or name


class _StoredFiles:
    """Files written to storage during an import, removed again if the import fails."""

    def __init__(self) -> None:
        self.files: list[Any] = []

    def add(self, field_file: Any) -> None:
        self.files.append(field_file)

    def discard(self) -> None:
        for field_file in self.files:
            # Best effort: the rows are rolled back already.
            with contextlib.suppress(Exception):
                field_file.storage.delete(field_file.name)


def _create_images(
    parsed: ParsedDocument, *, title: str, by: Any, collection: Collection, stored: _StoredFiles
) -> list[int | None]:
    """A Wagtail Image for each picture; a picture that is not a readable image is left out."""
    image_model = get_image_model()
    ids: list[int | None] = []
    for number, picture in enumerate(parsed.images, start=1):
        try:
            check_upload(picture.filename, picture.data, allowed=IMAGE_KINDS)
        except UploadRejected as exc:
            parsed.warnings.extend(exc.messages)
            ids.append(None)
            continue
        image = image_model(
            title=_("%(title)s, picture %(number)s") % {"title": title, "number": number},
            file=ContentFile(picture.data, name=picture.filename),
            collection=collection,
            uploaded_by_user=by if getattr(by, "pk", None) else None,
            file_size=len(picture.data),
            file_hash=hashlib.sha1(picture.data).hexdigest(),  # Wagtail's file_hash is SHA-1
        )
        image.save()
        stored.add(image.file)
        ids.append(image.pk)
    return ids


def _attach_original(
    *, page: CatalogRecord, data: bytes, filename: str, title: str, by: Any, stored: _StoredFiles
) -> RecordAttachment:
    document = get_document_model()(
        title=title,
        file=ContentFile(data, name=PurePath(filename.replace("\\", "/")).name),
        collection=Collection.get_first_root_node(),
        uploaded_by_user=by if getattr(by, "pk", None) else None,
        file_size=len(data),
        file_hash=hashlib.sha1(data).hexdigest(),  # Wagtail's file_hash is SHA-1
    )
    document.save()
    stored.add(document.file)
    return RecordAttachment.objects.create(record=page, document=document, title=title)


def _create_record(
    *,
    column: CatalogColumnPage,
    by: Any,
    department: Any,
    meta: _Metadata,
    title: str,
    doc_number: str,
    written_date: date | None,
    body: str,
) -> CatalogRecord:
    page = CatalogRecord(
        title=title,
        live=False,
        body=body,
        doc_number=doc_number,
        written_date=written_date,
        formed_date=written_date,
        topic=meta.topic,
        genre=meta.genre,
        summary=meta.summary,
        keywords=meta.keywords,
        department=department,
        owner=by if getattr(by, "pk", None) else None,
    )
    if meta.validity:
        page.validity = meta.validity
    column.add_child(instance=page)
    return page


def _save_draft_revision(page: CatalogRecord, by: Any) -> None:
    """The first revision. Like the page editor's "save draft", required metadata (主题分类,
    体裁, 责任部门...) may still be empty; everything else is validated."""
    deferred = [
        f.name
        for f in CatalogRecord._meta.concrete_fields
        if not f.blank and f.name not in ("title", "slug") and getattr(page, f.attname) is None
    ]
    page.full_clean(exclude=deferred)
    page.save_revision(user=by if getattr(by, "pk", None) else None, clean=False)


def _check_column(column: Any) -> CatalogColumnPage:
    specific = getattr(column, "specific", column)
    if not isinstance(specific, CatalogColumnPage):
        raise ValidationError(_("Records can only be imported into a column."), code="bad_column")
    return specific


def record_import_docx(
    *,
    column: CatalogColumnPage,
    data: bytes,
    filename: str,
    by: Any,
    department: Any = None,
    metadata: Mapping[str, Any] | None = None,
) -> CatalogRecord:
    """Create a draft catalogue record under `column` from a Word file.

    Checks `data` by content (a .docx within UPLOAD_MAX_BYTES), reads title, 文号, 成文日期,
    body and pictures (see word_import), lets non-empty `metadata` (METADATA_FIELDS) override
    them, and in one transaction creates a Wagtail Image per picture, the draft page (not
    live, no 索引号) with a first revision by `by`, and, if the document has tables, the
    original file as an attachment titled like the record (the body keeps the tables). Writes one
    audit entry. Raises ValidationError with a message for people; then nothing is saved.
    """
    column = _check_column(column)
    check_upload(filename, data, allowed={FileKind.DOCX})
    meta = _metadata(metadata)
    parsed = parse_docx(bytes(data))
    title = (meta.title or parsed.title or _stem(filename))[:TITLE_MAX]
    doc_number = meta.doc_number or parsed.doc_number
    written_date = meta.written_date or parsed.written_date
    late = lateness_warning(written_date)
    if late:
        parsed.warnings.append(late)
    stored = _StoredFiles()
    try:
        with transaction.atomic():
            image_ids = _create_images(
                parsed,
                title=title,
                by=by,
                collection=Collection.get_first_root_node(),
                stored=stored,
            )
            page = _create_record(
                column=column,
                by=by,
                department=department,
                meta=meta,
                title=title,
                doc_number=doc_number,
                written_date=written_date,
                body=parsed.render_body(image_ids),
            )
            if parsed.has_tables:
                _attach_original(
                    page=page,
                    data=data,
                    filename=filename,
                    # The document's own title: the download list shows it and the file is
                    # saved under it (not the upload's file name with a suffix).
                    title=title,
                    by=by,
                    stored=stored,
                )
            _save_draft_revision(page, by)
            audit(
                page,
                ImportAction.IMPORTED,
                user=by,
                data={
                    "filename": filename,
                    "images": sum(1 for i in image_ids if i),
                    "tables": len(parsed.tables),
                    "warnings": parsed.warnings,
                },
            )
    except BaseException:
        stored.discard()
        raise
    page.import_warnings = parsed.warnings
    return page


def pdf_first_line(data: bytes) -> str:
    """The first line of text of a PDF's first page (pypdfium2), or ""."""
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        return ""
    try:
        if len(pdf) == 0:
            return ""
        page = pdf[0]
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
        finally:
            textpage.close()
            page.close()
    finally:
        pdf.close()
    for line in text.splitlines():
        line = re.sub(r"\s+", " ", line).strip()
        if line:
            return line[:TITLE_MAX]
    return ""


def record_import_pdf(
    *,
    column: CatalogColumnPage,
    data: bytes,
    filename: str,
    by: Any,
    department: Any = None,
    metadata: Mapping[str, Any] | None = None,
) -> CatalogRecord:
    """Create a draft catalogue record under `column` whose content is a PDF attachment.

    The body is a short note pointing at the attachment; the title comes from `metadata`, or
    the PDF's first line of text, or the file name. Same checks, transaction and audit entry
    as record_import_docx; raises ValidationError, and then nothing is saved.
    """
    column = _check_column(column)
    check_upload(filename, data, allowed={FileKind.PDF})
    meta = _metadata(metadata)
    title = (meta.title or pdf_first_line(bytes(data)) or _stem(filename))[:TITLE_MAX]
    stored = _StoredFiles()
    try:
        with transaction.atomic():
            page = _create_record(
                column=column,
                by=by,
                department=department,
                meta=meta,
                title=title,
                doc_number=meta.doc_number,
                written_date=meta.written_date,
                body=f"<p>{escape(_('The full text is in the attached PDF file.'))}</p>",
            )
            _attach_original(
                page=page, data=data, filename=filename, title=title, by=by, stored=stored
            )
            _save_draft_revision(page, by)
            audit(page, ImportAction.IMPORTED, user=by, data={"filename": filename})
    except BaseException:
        stored.discard()
        raise
    late = lateness_warning(meta.written_date)
    page.import_warnings = [late] if late else []
    return page
