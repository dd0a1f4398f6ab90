"""Reads of file publication: what the public may download, and which staff may see the rest."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from .models import DocumentLineage, PublicCopy, PublicUse, ReviewedDocument
from .registry import owner_for, owners

CHUNK = 1024 * 1024


def file_sha256(field_file: Any) -> str:
    """SHA-256 of a stored file's bytes, read in chunks."""
    digest = hashlib.sha256()
    field_file.open("rb")
    try:
        for chunk in iter(lambda: field_file.read(CHUNK), b""):
            digest.update(chunk)
    finally:
        field_file.close()
    return digest.hexdigest()


def document_sha256(document: Any) -> str:
    """SHA-256 of a document's file as stored (what a reviewer saw)."""
    return file_sha256(document.file)


def _public_uses() -> QuerySet[PublicUse]:
    """Uses whose object the public may see now (its type's public selector says so)."""
    condition = Q(pk__in=[])
    for owner in owners():
        content_type = ContentType.objects.get_for_model(owner.model, for_concrete_model=False)
        condition |= Q(content_type=content_type, object_id__in=owner.public().values("pk"))
    return PublicUse.objects.filter(condition)


def public_documents() -> QuerySet:
    """Documents the public may download: shown by a public object, with a published copy."""
    from wagtail.documents import get_document_model

    uses = _public_uses().filter(document__isnull=False).values("document_id")
    return get_document_model().objects.filter(pk__in=uses, public_copy__isnull=False)


def public_images() -> QuerySet:
    """Images the public may see (in any rendition): shown by a public object."""
    from wagtail.images import get_image_model

    uses = _public_uses().filter(image__isnull=False).values("image_id")
    return get_image_model().objects.filter(pk__in=uses)


def public_copy_of(document: Any) -> PublicCopy | None:
    """The published copy of `document` if the public may download it now, else None."""
    if not public_documents().filter(pk=document.pk).exists():
        return None
    return PublicCopy.objects.filter(document=document).first()


def published_size(document: Any) -> int | None:
    """The size of `document`'s published copy, or None if it has none."""
    try:
        return document.public_copy.size
    except PublicCopy.DoesNotExist:
        return None


def image_is_public(image: Any) -> bool:
    return public_images().filter(pk=image.pk).exists()


def document_is_frozen(document: Any) -> bool:
    """Whether `document` was seen by a review or is public: it may no longer change."""
    return (
        ReviewedDocument.objects.filter(document=document).exists()
        or PublicUse.objects.filter(document=document).exists()
        or PublicCopy.objects.filter(document=document).exists()
    )


def image_is_frozen(image: Any) -> bool:
    """Whether a public object shows `image`: its file may no longer change in place."""
    return PublicUse.objects.filter(image=image).exists()


# --- staff access ------------------------------------------------------------------------


def _cross_department(user: Any) -> bool:
    from gongkai.org.permissions import works_across_departments

    return works_across_departments(user)


def _staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _departments_of_document(document: Any, depth: int = 0) -> set[int]:
    """Departments a document belongs to: its uploader's, those of the objects using it and
    those of the document it was made from (a masked copy belongs where its source did)."""
    from gongkai.org.selectors import department_of

    found: set[int] = set()
    if document.uploaded_by_user_id:
        department = department_of(document.uploaded_by_user)
        if department is not None:
            found.add(department.pk)
    for owner in owners():
        if owner.using_document is None:
            continue
        for obj in owner.using_document(document):
            department = owner.department(obj)
            if department is not None:
                found.add(department.pk)
    if depth < 5:
        lineage = DocumentLineage.objects.filter(document=document).select_related("previous")
        for item in lineage:
            if item.previous is not None:
                found |= _departments_of_document(item.previous, depth + 1)
    return found


def user_can_access_document(user: Any, document: Any) -> bool:
    """Whether a member of staff may download `document` as stored (unpublished too).

    The office (局办公室), leaders and the information centre work across the bureau; other
    staff reach the files of their own department (uploaded there, or used by its records)
    and what they uploaded themselves. Anonymous users and inactive accounts never.
    """
    if not _staff(user):
        return False
    if user.is_superuser or _cross_department(user):
        return True
    if document.uploaded_by_user_id == user.pk:
        return True
    from gongkai.org.selectors import department_of

    department = department_of(user)
    return department is not None and department.pk in _departments_of_document(document)


def user_can_access_image(user: Any, image: Any) -> bool:
    """Whether a member of staff may see `image` (original and renditions), unpublished too."""
    if not _staff(user):
        return False
    if user.is_superuser or _cross_department(user):
        return True
    if image.uploaded_by_user_id == user.pk:
        return True
    from gongkai.org.selectors import department_of

    department = department_of(user)
    if department is None:
        return False
    uploader = department_of(image.uploaded_by_user) if image.uploaded_by_user_id else None
    if uploader is not None and uploader.pk == department.pk:
        return True
    # Objects (drafts included) whose content embeds it, as Wagtail's reference index knows.
    from wagtail.models import ReferenceIndex

    for reference in ReferenceIndex.get_references_to(image).group_by_source_object():
        obj = reference[0]
        owner = owner_for(obj) if obj is not None else None
        if owner is None:
            continue
        obj_department = owner.department(getattr(obj, "specific", obj))
        if obj_department is not None and obj_department.pk == department.pk:
            return True
    return False


def documents_for_user(user: Any) -> QuerySet:
    """Documents `user` may pick (the document chooser): everything for bureau-wide roles;
    otherwise their department's uploads, those its objects use, and public documents."""
    from wagtail.documents import get_document_model

    from .registry import owners

    documents = get_document_model().objects.all()
    if not _staff(user):
        return documents.none()
    if user.is_superuser or _cross_department(user):
        return documents
    from gongkai.org.selectors import department_of

    department = department_of(user)
    condition = Q(uploaded_by_user=user) | Q(pk__in=public_documents().values("pk"))
    if department is not None:
        condition |= Q(uploaded_by_user__staff_profile__department=department)
        for owner in owners():
            if owner.department_documents is not None:
                condition |= Q(pk__in=owner.department_documents(department))
    return documents.filter(condition)


def images_for_user(user: Any) -> QuerySet:
    """Images `user` may pick (the image chooser), by the same rule as documents."""
    from wagtail.images import get_image_model

    images = get_image_model().objects.all()
    if not _staff(user):
        return images.none()
    if user.is_superuser or _cross_department(user):
        return images
    from gongkai.org.selectors import department_of

    department = department_of(user)
    condition = Q(uploaded_by_user=user) | Q(pk__in=public_images().values("pk"))
    if department is not None:
        condition |= Q(uploaded_by_user__staff_profile__department=department)
    return images.filter(condition)
