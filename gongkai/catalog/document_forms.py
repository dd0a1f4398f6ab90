"""Base forms for Wagtail documents and images: every upload is checked by its content.

Wired in by ``WAGTAILDOCS_DOCUMENT_FORM_BASE`` and ``WAGTAILIMAGES_IMAGE_FORM_BASE``, so the
admin's upload, multiple upload and chooser upload all refuse renamed programs, empty and
oversized files, macros, ZIP bombs and damaged files (gongkai.core.uploads.check_upload),
with the reason in Chinese and nothing saved.
"""

from __future__ import annotations

from typing import Any

from django import forms
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

from gongkai.core.uploads import ALL_KINDS, IMAGE_KINDS, FileKind, UploadRejected, check_upload

__all__ = ["CheckedDocumentForm", "CheckedImageForm", "check_uploaded_file"]


def check_uploaded_file(value: Any, allowed: frozenset[FileKind]) -> Any:
    """Run check_upload on a newly uploaded file; an unchanged stored file passes."""
    if not value or not hasattr(value, "content_type"):
        # Nothing uploaded in this request (editing the title of an existing document).
        return value
    try:
        check_upload(getattr(value, "name", "") or "", value, allowed=allowed)
    except UploadRejected as exc:
        raise forms.ValidationError(exc.messages, code=exc.code) from exc
    finally:
        if hasattr(value, "seek"):
            value.seek(0)
    return value


class _OneFileError:
    """Keep only the form's own reason when the file was refused.

    A refused file never reaches the model, whose clean() would then add a confusing
    "extension “” is not allowed" for the missing file.
    """

    def _post_clean(self) -> None:
        refused = self._errors.get("file") if self._errors else None
        refused = list(refused) if refused else []
        super()._post_clean()
        if refused:
            self._errors["file"] = self.error_class(refused)


class CheckedDocumentForm(_OneFileError, BaseDocumentForm):
    """Documents: PDF, DOCX, XLSX and images, checked by content and size-limited."""

    def clean_file(self) -> Any:
        return check_uploaded_file(self.cleaned_data.get("file"), ALL_KINDS)


class CheckedImageForm(_OneFileError, BaseImageForm):
    """Images: PNG, JPEG, GIF and WebP, checked by content and size-limited."""

    def clean_file(self) -> Any:
        return check_uploaded_file(self.cleaned_data.get("file"), IMAGE_KINDS)
