"""Apps say which documents and images each of their public types shows; files imports none of them.

A type that shows files to the public registers one FileOwner (convention 17: one gate)::

    register_file_owner(FileOwner(
        model=CatalogRecord,
        label=_("Catalogue record"),
        public=selectors.public_records,             # what the public may see now
        documents=lambda record: [a.document for a in record.attachments.all()],
        images=lambda record: rich_text_images(record.body),
    ))

`documents(obj)` and `images(obj)` read the object *as given* (a live page, or a revision
as an object), so publication can record exactly what the reviewed version shows, and the
review fingerprint can hash exactly those files. `department(obj)` says which department
drafts it, for staff access to its unpublished files.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models


def _no_files(obj: Any) -> list[Any]:
    return []


def _department_field(obj: Any) -> Any:
    return getattr(obj, "department", None)


@dataclass(frozen=True)
class FileOwner:
    model: type[models.Model]
    label: Any
    public: Callable[[], models.QuerySet]
    documents: Callable[[Any], Iterable[Any]] = _no_files
    images: Callable[[Any], Iterable[Any]] = _no_files
    department: Callable[[Any], Any] = _department_field
    # Objects of this type (any state: drafts too) that use a document / an image: who may
    # see a draft's file. Default: none besides what `uses` and the uploader tell.
    using_document: Callable[[Any], models.QuerySet] | None = None
    # Put `new` in place of `old` in `obj` (an object as given, e.g. a draft revision's
    # object); returns whether it used `old`. For "upload a new version".
    replace_document: Callable[[Any, Any, Any], bool] | None = None
    # Ids of the documents the objects of a department use (the document chooser).
    department_documents: Callable[[Any], models.QuerySet] | None = None


_owners: dict[type[models.Model], FileOwner] = {}


def register_file_owner(owner: FileOwner) -> FileOwner:
    """Register `owner`; deleting one of its objects then takes its files off the site too."""
    from django.db.models.signals import post_delete

    from .signals import owner_deleted

    _owners[owner.model] = owner
    # Per model, so that other models keep Django's fast bulk delete.
    post_delete.connect(
        owner_deleted, sender=owner.model, dispatch_uid=f"files.deleted.{owner.model._meta.label}"
    )
    return owner


def owners() -> list[FileOwner]:
    return list(_owners.values())


def owner_for(obj_or_model: Any) -> FileOwner | None:
    """The registration that covers `obj_or_model` (its class or a parent class), or None."""
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    for klass in model.__mro__:
        if klass in _owners:
            return _owners[klass]
    return None


_IMAGE_EMBED = re.compile(r"<embed\b[^>]*\bembedtype=\"image\"[^>]*>", re.IGNORECASE)
_EMBED_ID = re.compile(r"\bid=\"(\d+)\"")


def rich_text_image_ids(html: str | None) -> list[int]:
    """Ids of the images embedded in Wagtail rich text (``<embed embedtype="image" id="3"/>``)."""
    ids: list[int] = []
    for embed in _IMAGE_EMBED.finditer(html or ""):
        match = _EMBED_ID.search(embed.group())
        if match and int(match.group(1)) not in ids:
            ids.append(int(match.group(1)))
    return ids


def rich_text_images(html: str | None) -> list[Any]:
    """The images embedded in Wagtail rich text, in order (missing ones left out)."""
    from wagtail.images import get_image_model

    ids = rich_text_image_ids(html)
    if not ids:
        return []
    found = get_image_model().objects.in_bulk(ids)
    return [found[i] for i in ids if i in found]
