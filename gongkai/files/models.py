"""The publication state of uploaded files (附件与图片的发布状态).

Nothing uploaded is public by itself. A document or an image becomes public when an
object the public may see (a live, reviewed record) shows it: publication records that
as a PublicUse, and for a document writes its PublicCopy, the copy the public downloads
(hidden metadata stripped; personal data was masked in review). Withdrawal or expiry
deletes the uses in the same transaction as the page, so the gate (views.py) answers 404
from that moment; the copy goes with its last use. Uploads themselves never change once a
review has seen them (ReviewedDocument): a correction is a new document (DocumentLineage).
"""

from __future__ import annotations

import os

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongkai.core.storage import random_folder_path


def public_copy_upload_to(instance: PublicCopy, filename: str) -> str:
    """published/<random>/<file name>: the name kept, the folder not guessable."""
    return random_folder_path("published", filename)


class PublicCopy(models.Model):
    """发布副本: the copy of a document that the public downloads."""

    document = models.OneToOneField(
        "wagtaildocs.Document",
        on_delete=models.CASCADE,
        related_name="public_copy",
        verbose_name=_("document"),
    )
    source_sha256 = models.CharField(_("SHA-256 of the reviewed file"), max_length=64)
    file = models.FileField(_("published copy"), upload_to=public_copy_upload_to, max_length=255)
    sha256 = models.CharField(_("SHA-256 of the published copy"), max_length=64)
    size = models.PositiveBigIntegerField(_("size"))
    metadata_removed = models.JSONField(
        _("hidden data removed"),
        default=list,
        blank=True,
        help_text=_("What the reviewed file carried besides its content (author, comments…)."),
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("published copy")
        verbose_name_plural = _("published copies")

    def __str__(self) -> str:
        return os.path.basename(self.file.name or "")


class PublicUse(models.Model):
    """A public object shows a document or an image (written at publication)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    document = models.ForeignKey(
        "wagtaildocs.Document",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="public_uses",
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="public_uses",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("public use of a file")
        verbose_name_plural = _("public uses of files")
        constraints = [
            models.CheckConstraint(
                condition=(Q(document__isnull=False) & Q(image__isnull=True))
                | (Q(document__isnull=True) & Q(image__isnull=False)),
                name="files_publicuse_one_file",
            ),
            models.UniqueConstraint(
                fields=["content_type", "object_id", "document"],
                condition=Q(document__isnull=False),
                name="files_publicuse_unique_document",
            ),
            models.UniqueConstraint(
                fields=["content_type", "object_id", "image"],
                condition=Q(image__isnull=False),
                name="files_publicuse_unique_image",
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} → {self.document_id or self.image_id}"


class ReviewedDocument(models.Model):
    """A document a review has seen: from then on its file never changes in place."""

    document = models.OneToOneField(
        "wagtaildocs.Document",
        on_delete=models.CASCADE,
        related_name="reviewed",
        verbose_name=_("document"),
    )
    sha256 = models.CharField(_("SHA-256 when first reviewed"), max_length=64)
    since = models.DateTimeField(_("under review since"), auto_now_add=True)

    class Meta:
        verbose_name = _("reviewed document")
        verbose_name_plural = _("reviewed documents")

    def __str__(self) -> str:
        return str(self.document_id)


class LineageReason(models.TextChoices):
    MASKED = "masked", _("Personal data masked")  # 遮盖个人信息后的副本
    NEW_VERSION = "new_version", _("New version")  # 新版本


class DocumentLineage(models.Model):
    """A document made from another: its masked copy, or a new version uploaded to replace it."""

    document = models.OneToOneField(
        "wagtaildocs.Document",
        on_delete=models.CASCADE,
        related_name="lineage",
        verbose_name=_("document"),
    )
    previous = models.ForeignKey(
        "wagtaildocs.Document",
        on_delete=models.SET_NULL,
        null=True,
        related_name="successors",
        verbose_name=_("made from"),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=LineageReason.choices)
    # What was masked: kind, label, masked value and location of each finding (never raw).
    masked = models.JSONField(_("masked findings"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document lineage")
        verbose_name_plural = _("document lineages")

    def __str__(self) -> str:
        return f"{self.previous_id} → {self.document_id} ({self.reason})"
