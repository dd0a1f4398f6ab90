"""Forms of file publication: refusing in-place changes to reviewed documents, new versions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FROZEN_MESSAGE = gettext_lazy(
    "“%(title)s” has been reviewed or published, so its file and title can no longer be "
    "changed in place: the public must get exactly what the reviewers saw. To correct it, "
    "upload a new version (%(url)s): it becomes a new document, the drafts that use this "
    "one get it instead, and it goes through review with them."
)


def frozen_message(document: Any) -> str:
    return str(FROZEN_MESSAGE) % {
        "title": document.title,
        "url": reverse("files_document_new_version", args=[document.pk]),
    }


class FrozenDocument(ValidationError):
    """A reviewed or published document's file was about to change in place."""

    def __init__(self, document: Any) -> None:
        super().__init__(frozen_message(document), code="frozen")


class NewVersionForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("New file"))
    note = forms.CharField(
        label=gettext_lazy("What changed"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
    )

    def clean_file(self) -> Any:
        from gongkai.catalog.document_forms import check_uploaded_file
        from gongkai.core.uploads import ALL_KINDS

        value = self.cleaned_data.get("file")
        if value is None:
            raise ValidationError(_("Choose the file of the new version."))
        return check_uploaded_file(value, ALL_KINDS)
