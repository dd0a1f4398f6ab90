"""Writes of file publication: published copies, public uses, frozen documents, new versions.

Public state lives in the database only (PublicUse, PublicCopy), written in the same
transaction as the page that shows the files; the gate (views.py) reads it on every
request. Files on disk follow: a copy is written before the rows that point at it and
deleted after the transaction that dropped them commits, and the hourly sweep removes
what a crash left behind. So a withdrawal that fails halfway leaves page, uses and
copies as they were, and a copy without a row is never served.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.core.filemeta import MetadataError, inspect_metadata, strip_metadata

from .models import DocumentLineage, LineageReason, PublicCopy, PublicUse, ReviewedDocument
from .registry import owner_for
from .selectors import document_sha256

logger = logging.getLogger(__name__)

# Published as they are: no hidden metadata format to strip.
PLAIN_TEXT_EXTENSIONS = (".csv", ".txt")
PUBLISHED_PREFIX = "published/"


class CopyRefused(ValidationError):
    """A document that cannot be turned into a published copy; the message says why."""


def _read(field_file: Any) -> bytes:
    field_file.open("rb")
    try:
        return field_file.read()
    finally:
        field_file.close()


def _name(document: Any) -> str:
    return os.path.basename(document.file.name or "") or document.title


def _delete_file_after_commit(storage: Any, name: str) -> None:
    def delete() -> None:
        try:
            storage.delete(name)
        except Exception:  # the sweep removes it later
            logger.warning("Could not delete %s; the sweep will retry", name, exc_info=True)

    transaction.on_commit(delete)


def public_copy_clean(name: str, data: bytes) -> tuple[bytes, list[dict[str, str]]]:
    """The bytes the public gets for a reviewed file, and the hidden data removed from it.

    Raises CopyRefused (never publishing the file as it is) when the hidden data cannot be
    removed: a damaged or encrypted file must be replaced.
    """
    if name.lower().endswith(PLAIN_TEXT_EXTENSIONS):
        return data, []
    try:
        found = inspect_metadata(name, data)
        clean = strip_metadata(name, data)
        left = inspect_metadata(name, clean)
    except MetadataError as exc:
        raise CopyRefused(
            _(
                "The attachment “%(name)s” cannot be published: %(reason)s Replace it with a "
                "readable file (a new version) and submit it for review again."
            )
            % {"name": name, "reason": str(exc)}
        ) from exc
    if left:
        raise CopyRefused(
            _(
                "The attachment “%(name)s” cannot be published: its hidden data (%(items)s) "
                "could not be removed. Replace it with a clean file."
            )
            % {"name": name, "items": "、".join(str(item.label) for item in left)}
        )
    removed = [{"key": i.key, "label": str(i.label), "value": str(i.value)} for i in found]
    return clean, removed


@transaction.atomic
def public_copy_prepare(*, document: Any) -> PublicCopy:
    """The published copy of `document`'s current file, written now unless it exists.

    Idempotent: an existing copy made from the same bytes is returned. The copy is not
    public by itself; a PublicUse makes it so. Raises CopyRefused.
    """
    data = _read(document.file)
    source = hashlib.sha256(data).hexdigest()
    existing = PublicCopy.objects.select_for_update().filter(document=document).first()
    if existing is not None and existing.source_sha256 == source:
        return existing
    clean, removed = public_copy_clean(_name(document), data)
    copy = existing or PublicCopy(document=document)
    old_name = existing.file.name if existing is not None else None
    copy.file.save(_name(document), ContentFile(clean), save=False)
    copy.source_sha256 = source
    copy.sha256 = hashlib.sha256(clean).hexdigest()
    copy.size = len(clean)
    copy.metadata_removed = removed
    copy.save()
    if old_name:
        _delete_file_after_commit(copy.file.storage, old_name)
    return copy


def _drop_unused_copies(document_ids: set[int]) -> None:
    """Delete the published copies of these documents that no public object shows any more."""
    if not document_ids:
        return
    used = set(
        PublicUse.objects.filter(document_id__in=document_ids).values_list("document_id", flat=True)
    )
    for copy in PublicCopy.objects.filter(document_id__in=document_ids - used):
        storage, name = copy.file.storage, copy.file.name
        copy.delete()
        _delete_file_after_commit(storage, name)


@dataclass
class SyncResult:
    documents: list[int] = field(default_factory=list)
    images: list[int] = field(default_factory=list)
    removed_documents: list[int] = field(default_factory=list)
    removed_images: list[int] = field(default_factory=list)


@transaction.atomic
def public_uses_sync(*, obj: Any) -> SyncResult:
    """Record that the live `obj` shows exactly the files its content names.

    Called when `obj` is published (and for an update of a live object): documents get
    their published copy (CopyRefused propagates and rolls the publication back), the
    uses of files it no longer shows are deleted, and copies nobody shows any more go.
    """
    owner = owner_for(obj)
    result = SyncResult()
    if owner is None:
        return result
    content_type = ContentType.objects.get_for_model(type(obj), for_concrete_model=False)
    documents = {d.pk: d for d in owner.documents(obj) if d is not None and d.pk}
    images = {i.pk: i for i in owner.images(obj) if i is not None and i.pk}
    for document in documents.values():
        public_copy_prepare(document=document)
    current = PublicUse.objects.filter(content_type=content_type, object_id=obj.pk)
    stale_documents = set(
        current.exclude(document_id__in=documents)
        .filter(document__isnull=False)
        .values_list("document_id", flat=True)
    )
    stale_images = set(
        current.exclude(image_id__in=images)
        .filter(image__isnull=False)
        .values_list("image_id", flat=True)
    )
    current.filter(document_id__in=stale_documents).delete()
    current.filter(image_id__in=stale_images).delete()
    have_documents = set(
        current.filter(document__isnull=False).values_list("document_id", flat=True)
    )
    have_images = set(current.filter(image__isnull=False).values_list("image_id", flat=True))
    PublicUse.objects.bulk_create(
        [
            PublicUse(content_type=content_type, object_id=obj.pk, document_id=pk)
            for pk in documents
            if pk not in have_documents
        ]
        + [
            PublicUse(content_type=content_type, object_id=obj.pk, image_id=pk)
            for pk in images
            if pk not in have_images
        ]
    )
    _drop_unused_copies(stale_documents)
    result.documents = sorted(documents)
    result.images = sorted(images)
    result.removed_documents = sorted(stale_documents)
    result.removed_images = sorted(stale_images)
    return result


@transaction.atomic
def public_uses_remove(*, obj: Any) -> SyncResult:
    """`obj` stopped being public (withdrawn, unpublished, expired, deleted): its files too.

    Deletes its uses in the caller's transaction and the copies nobody shows any more; the
    copies' files are deleted after the commit.
    """
    result = SyncResult()
    if owner_for(obj) is None or obj.pk is None:
        return result
    content_type = ContentType.objects.get_for_model(type(obj), for_concrete_model=False)
    uses = PublicUse.objects.filter(content_type=content_type, object_id=obj.pk)
    result.removed_documents = sorted(
        set(uses.filter(document__isnull=False).values_list("document_id", flat=True))
    )
    result.removed_images = sorted(
        set(uses.filter(image__isnull=False).values_list("image_id", flat=True))
    )
    uses.delete()
    _drop_unused_copies(set(result.removed_documents))
    return result


def documents_freeze(*, documents: list[Any]) -> None:
    """Mark documents as seen by a review: their files may no longer change in place."""
    for document in documents:
        if document is None or not document.pk:
            continue
        if ReviewedDocument.objects.filter(document=document).exists():
            continue  # hashed once, when first frozen
        ReviewedDocument.objects.get_or_create(
            document=document, defaults={"sha256": document_sha256(document)}
        )


@transaction.atomic
def document_derive(
    *,
    source: Any,
    data: bytes,
    reason: str,
    by: Any,
    masked: list[dict[str, str]] | None = None,
    name: str | None = None,
) -> Any:
    """A new document made from `source` (its masked copy, or a new version of it).

    Same title and collection; the file keeps `source`'s name unless `name` is given. The
    lineage row says where it came from, why, who made it, and what was masked.
    """
    from wagtail.documents import get_document_model

    if reason not in LineageReason.values:
        raise ValueError(f"unknown lineage reason {reason!r}")
    document = get_document_model()(
        title=source.title,
        collection=source.collection,
        uploaded_by_user=by if getattr(by, "pk", None) else None,
        file=ContentFile(data, name=name or _name(source)),
        file_size=len(data),
        file_hash=hashlib.sha1(data).hexdigest(),  # Wagtail's file_hash is SHA-1
    )
    document.save()
    DocumentLineage.objects.create(
        document=document,
        previous=source,
        reason=reason,
        masked=list(masked or []),
        created_by=by if getattr(by, "pk", None) else None,
    )
    return document


# --- the sweep ---------------------------------------------------------------------------


@dataclass
class SweepResult:
    stale_uses: int = 0
    copies_dropped: int = 0
    orphan_files: int = 0


def _walk(storage: Any, folder: str) -> list[str]:
    try:
        directories, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError, OSError):
        return []
    found = [f"{folder}{name}" for name in files]
    for directory in directories:
        found += _walk(storage, f"{folder}{directory}/")
    return found


def files_sweep_run(*, older_than: timedelta = timedelta(hours=1)) -> SweepResult:
    """Repair what a crash or a failed delete left: never more public than the database says.

    Uses whose object is no longer live are deleted (with their unused copies), and files
    under ``published/`` that no copy points at, older than `older_than` (not a copy a
    running transaction is writing), are removed.
    """
    from django.core.files.storage import default_storage

    result = SweepResult()
    from .registry import owners

    for owner in owners():
        content_type = ContentType.objects.get_for_model(owner.model, for_concrete_model=False)
        live = (
            owner.model._default_manager.filter(live=True)
            if hasattr(owner.model, "live")
            else owner.model._default_manager.all()
        )
        stale = PublicUse.objects.filter(content_type=content_type).exclude(
            object_id__in=live.values("pk")
        )
        with transaction.atomic():
            documents = set(
                stale.filter(document__isnull=False).values_list("document_id", flat=True)
            )
            result.stale_uses += stale.count()
            stale.delete()
            before = PublicCopy.objects.count()
            _drop_unused_copies(documents)
            result.copies_dropped += before - PublicCopy.objects.count()
    known = set(PublicCopy.objects.values_list("file", flat=True))
    cutoff = timezone.now() - older_than
    for name in _walk(default_storage, PUBLISHED_PREFIX):
        if name in known:
            continue
        with contextlib.suppress(Exception):
            modified = default_storage.get_modified_time(name)
            if modified > cutoff:
                continue
            default_storage.delete(name)
            result.orphan_files += 1
    return result


@dataclass
class NewVersionResult:
    document: Any
    updated: list[Any] = field(default_factory=list)
    skipped: list[tuple[Any, str]] = field(default_factory=list)


@transaction.atomic
def document_new_version(
    *, document: Any, data: bytes, name: str, note: str, by: Any
) -> NewVersionResult:
    """Upload a new version of a reviewed document and put it in the drafts that use it.

    The new file is a new document (the old one stays as it was reviewed and published).
    Each object that uses the old document and that `by` may edit now gets a new draft
    revision with the new version in its place; it reaches the public only through review.
    Objects `by` may not edit, or that are in review, are left alone and reported.
    """
    from gongkai.core.audit import audit

    from .registry import owners
    from .states import FilesAction

    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Say what changed in the new version."))
    new = document_derive(
        source=document, data=data, reason=LineageReason.NEW_VERSION, by=by, name=name
    )
    result = NewVersionResult(document=new)
    for owner in owners():
        if owner.using_document is None or owner.replace_document is None:
            continue
        for obj in owner.using_document(document):
            page = getattr(obj, "specific", obj)
            reason = _refusal_to_edit(page, by)
            if reason:
                result.skipped.append((page, reason))
                continue
            draft = page.get_latest_revision_as_object() if hasattr(page, "revisions") else page
            if not owner.replace_document(draft, document, new):
                continue
            if not getattr(page, "live", True):
                draft.save(clean=False) if hasattr(draft, "path") else draft.save()
            draft.save_revision(user=by, log_action=True)
            result.updated.append(page)
    audit(
        new,
        FilesAction.NEW_VERSION,
        user=by,
        data={
            "previous": document.pk,
            "note": note,
            "updated": [getattr(p, "pk", None) for p in result.updated],
        },
    )
    return result


def _refusal_to_edit(page: Any, user: Any) -> str:
    """Why `user` may not put a new version into `page`'s draft now, or ''."""
    if hasattr(page, "permissions_for_user") and not page.permissions_for_user(user).can_edit():
        return _("you may not edit it")
    workflow_state = getattr(page, "current_workflow_state", None)
    if workflow_state is not None:
        return _("it is in review; withdraw the submission or ask the reviewer to return it")
    lock = page.get_lock() if hasattr(page, "get_lock") else None
    if lock is not None and lock.for_user(user):
        return _("it is locked")
    return ""
