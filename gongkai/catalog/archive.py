"""The staff archive of attachment originals (附件原件): what was uploaded, before stripping.

Publication replaces a Wagtail document's file with a copy without hidden metadata
(gongkai.catalog.attachments); the bytes as uploaded are kept here for the staff. The
original lives in the private storage (PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT), which no
URL reaches: staff download it through a permission-checked admin view (archive_admin.py).
"""

from __future__ import annotations

import os

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.core.storage import get_private_storage, random_folder_path


def original_upload_to(instance: AttachmentOriginal, filename: str) -> str:
    """archive/originals/<random>/<file name>: the name kept, the folder not guessable."""
    return random_folder_path("archive/originals", filename)


class AttachmentOriginal(models.Model):
    """The original file of a published attachment document and the hidden data it carried."""

    document = models.OneToOneField(
        "wagtaildocs.Document",
        on_delete=models.CASCADE,
        related_name="archived_original",
        verbose_name=_("document"),
    )
    original = models.FileField(
        _("original file"),
        upload_to=original_upload_to,
        storage=get_private_storage,
        max_length=255,
        blank=True,
    )
    metadata = models.JSONField(
        _("hidden metadata found"),
        default=list,
        blank=True,
        help_text=_("What the original carried (author, company, comments, tracked changes…)."),
    )
    problem = models.TextField(
        _("problem"),
        blank=True,
        help_text=_("Why the file could not be stripped; empty when it was."),
    )
    stripped_at = models.DateTimeField(_("stripped at"), null=True, blank=True)
    published_sha256 = models.CharField(
        _("SHA-256 of the published file"), max_length=64, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("archived at"), auto_now_add=True)

    class Meta:
        app_label = "catalog"
        verbose_name = _("attachment original")
        verbose_name_plural = _("attachment originals")

    def __str__(self) -> str:
        return os.path.basename(self.original.name or "") or str(self.document_id)

    @property
    def is_stripped(self) -> bool:
        return self.stripped_at is not None
