"""Publication strips hidden metadata from attachments; the originals go to the staff archive.

When a catalogue record is published (Wagtail's ``page_published``), each attachment
document whose file has not been stripped yet is archived as an AttachmentOriginal and its
file is replaced by the copy of gongkai.core.filemeta.strip_metadata, under the same name,
so the public download (/documents/<id>/<name>) serves the clean copy. Running it again
changes nothing; a file replaced in the admin later is archived and stripped anew. Files
that cannot be read are left as they are and the reason is recorded.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.signals import page_published

from gongkai.core.filemeta import MetadataError, inspect_metadata, strip_metadata

from .archive import AttachmentOriginal

__all__ = ["StripSummary", "attachments_strip_for_publication", "document_strip"]

logger = logging.getLogger(__name__)

STRIPPED = "stripped"  # hidden data found and removed
CLEAN = "clean"  # nothing hidden: file unchanged, original archived all the same
UNCHANGED = "unchanged"  # already done for this file
PROBLEM = "problem"  # cannot be read: left as it is, reason recorded


@dataclass
class StripSummary:
    """What one run did, document by document."""

    stripped: int = 0
    clean: int = 0
    unchanged: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)

    def add(self, outcome: str, name: str, problem: str = "") -> None:
        if outcome == STRIPPED:
            self.stripped += 1
        elif outcome == CLEAN:
            self.clean += 1
        elif outcome == UNCHANGED:
            self.unchanged += 1
        else:
            self.problems.append((name, problem))

    def merge(self, other: StripSummary) -> None:
        self.stripped += other.stripped
        self.clean += other.clean
        self.unchanged += other.unchanged
        self.problems.extend(other.problems)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read(document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def _replace_file(document, clean: bytes) -> None:
    """Put `clean` in place of the document's file under the same name."""
    storage = document.file.storage
    name = document.file.name
    document.file.close()
    try:
        path = storage.path(name)
    except NotImplementedError:
        path = None
    if path is not None and os.path.exists(path):
        # On disk: written beside it and renamed, so a crash leaves the old or the new file.
        mode = os.stat(path).st_mode & 0o7777
        handle, temporary = tempfile.mkstemp(
            dir=os.path.dirname(path), prefix=f".{os.path.basename(path)}.", suffix=".tmp"
        )
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(clean)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, mode)
            os.replace(temporary, path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
    else:
        storage.delete(name)
        document.file.name = storage.save(name, ContentFile(clean))
    document.file_size = len(clean)
    document.file_hash = hashlib.sha1(clean).hexdigest()
    document.save(update_fields=["file", "file_size", "file_hash"])


def document_strip(document) -> tuple[str, str]:
    """Archive and strip one document unless already done; (outcome, problem)."""
    name = os.path.basename(document.file.name or "") or document.title
    try:
        data = _read(document)
    except (OSError, ValueError) as exc:
        return PROBLEM, _("The file cannot be opened: %(error)s") % {"error": exc}
    digest = _sha256(data)
    archive = AttachmentOriginal.objects.filter(document=document).first()
    if archive is not None and archive.published_sha256 == digest:
        if archive.problem:
            return PROBLEM, archive.problem
        return UNCHANGED, ""

    problem = ""
    found: list[dict[str, str]] = []
    clean = data
    try:
        items = inspect_metadata(name, data)
        clean = strip_metadata(name, data)
        found = [{"key": i.key, "label": i.label, "value": i.value} for i in items]
    except MetadataError as exc:
        problem = str(exc)
        clean = data

    with transaction.atomic():
        if archive is None:
            archive = AttachmentOriginal(document=document)
        elif archive.original:
            archive.original.delete(save=False)
        archive.original.save(name, ContentFile(data), save=False)
        archive.metadata = found
        archive.problem = problem
        if not problem and clean != data:
            _replace_file(document, clean)
        archive.stripped_at = None if problem else timezone.now()
        archive.published_sha256 = _sha256(clean)
        archive.save()
    if problem:
        logger.warning("Attachment %s (document %s) not stripped: %s", name, document.pk, problem)
        return PROBLEM, problem
    return (STRIPPED if clean != data else CLEAN), ""


def attachments_strip_for_publication(*, page) -> StripSummary:
    """Strip the hidden metadata of every attachment of a record; idempotent."""
    summary = StripSummary()
    attachments = getattr(page, "attachments", None)
    if attachments is None:
        return summary
    for attachment in attachments.all():
        document = attachment.document
        name = os.path.basename(document.file.name or "") or document.title
        try:
            outcome, problem = document_strip(document)
        except Exception as exc:  # one file must never stop a publication
            logger.exception("Stripping attachment %s of page %s failed", name, page.pk)
            outcome, problem = PROBLEM, str(exc) or exc.__class__.__name__
        summary.add(outcome, name, problem)
    return summary


@receiver(page_published, dispatch_uid="catalog_attachments_strip_on_publish")
def _on_page_published(sender: Any, instance: Any, **kwargs: Any) -> None:
    from .models import CatalogRecord

    if isinstance(instance, CatalogRecord):
        attachments_strip_for_publication(page=instance)
