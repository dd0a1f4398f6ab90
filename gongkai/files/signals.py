"""Publication, unpublication and deletion of file owners move their files with them."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import pre_save


def _on_published(sender: Any, instance: Any, **kwargs: Any) -> None:
    from .registry import owner_for
    from .services import public_uses_sync

    instance = getattr(instance, "specific", instance)
    if owner_for(instance) is not None and getattr(instance, "live", True):
        public_uses_sync(obj=instance)


def _on_unpublished(sender: Any, instance: Any, **kwargs: Any) -> None:
    from .registry import owner_for
    from .services import public_uses_remove

    instance = getattr(instance, "specific", instance)
    if owner_for(instance) is not None:
        public_uses_remove(obj=instance)


def owner_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    from .registry import owner_for
    from .services import public_uses_remove

    if owner_for(instance) is not None:
        public_uses_remove(obj=instance)


def _refuse_frozen_file_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Last line of defence (the admin form refuses first, with an explanation)."""
    from .selectors import document_is_frozen

    if instance.pk is None or kwargs.get("raw"):
        return
    before = sender.objects.filter(pk=instance.pk).values_list("file", flat=True).first()
    if before is not None and before != instance.file.name and document_is_frozen(instance):
        from .forms import FrozenDocument

        raise FrozenDocument(instance)


def _strip_new_image(sender: Any, instance: Any, **kwargs: Any) -> None:
    from .images import image_strip_on_upload

    if not kwargs.get("raw"):
        image_strip_on_upload(image=instance)


def connect() -> None:
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.signals import published, unpublished

    # Wagtail sends these for pages and snippets alike (after page_published/unpublished),
    # inside the transaction of the caller (review, withdrawal, scheduled publishing).
    published.connect(_on_published, dispatch_uid="files.published")
    unpublished.connect(_on_unpublished, dispatch_uid="files.unpublished")
    pre_save.connect(
        _refuse_frozen_file_change, sender=get_document_model(), dispatch_uid="files.frozen"
    )
    pre_save.connect(_strip_new_image, sender=get_image_model(), dispatch_uid="files.image_exif")
