"""Audit actions of the files app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FilesAction(models.TextChoices):
    NEW_VERSION = "files.document.new_version", _("New version of a document uploaded")
    ORIGINAL_DOWNLOAD = "files.document.original", _("Unpublished document downloaded")
