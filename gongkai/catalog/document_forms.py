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

from gongkai.core.uploads import (
    ALL_KINDS,
    IMAGE_KINDS,
    FileKind,
    UploadRejected,
    check_upload,
    unreadable_image,
)

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


def _refusing_undecodable(to_python: Any) -> Any:
    """Wagtail's image field decodes the upload to measure it; a truncated JPEG makes
    Pillow raise OSError there, before any form check runs: refuse it as a form error."""

    def wrapped(data: Any) -> Any:
        try:
            return to_python(data)
        except forms.ValidationError:
            raise
        except Exception as exc:  # Pillow and Willow raise many types for broken images
            refusal = unreadable_image(getattr(data, "name", "") or "")
            raise forms.ValidationError(refusal.messages, code=refusal.code) from exc

    return wrapped


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


class _Frozen:
    """A reviewed or published file is never changed in place (gongkai.files): a correction
    is a new version, which goes through review."""

    frozen_fields = ("file", "title")

    def _is_frozen(self) -> bool:
        return False

    def clean(self) -> Any:
        data = super().clean()
        if self.instance.pk and self._is_frozen():
            changed = [name for name in self.frozen_fields if name in self.changed_data]
            if changed:
                from gongkai.files.forms import frozen_message

                for name in changed:
                    self.cleaned_data.pop(name, None)
                raise forms.ValidationError(frozen_message(self.instance), code="frozen")
        return data


class CheckedDocumentForm(_Frozen, _OneFileError, BaseDocumentForm):
    """Documents: PDF, DOCX, XLSX and images, checked by content and size-limited."""

    def _is_frozen(self) -> bool:
        from gongkai.files.selectors import document_is_frozen

        return document_is_frozen(self.instance)

    def clean_file(self) -> Any:
        return check_uploaded_file(self.cleaned_data.get("file"), ALL_KINDS)


class CheckedImageForm(_Frozen, _OneFileError, BaseImageForm):
    """Images: PNG, JPEG, GIF and WebP, checked by content and size-limited."""

    frozen_fields = ("file",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        if field is not None:
            field.to_python = _refusing_undecodable(field.to_python)

    def _is_frozen(self) -> bool:
        from gongkai.files.selectors import image_is_frozen

        return image_is_frozen(self.instance)

    def clean_file(self) -> Any:
        return check_uploaded_file(self.cleaned_data.get("file"), IMAGE_KINDS)
