"""Staff download of attachment originals (附件原件) from the private storage.

The only way to an original: an admin URL (login required) that checks the user may see
the record the file belongs to (selectors.attachment_originals_for_user) and audits the
download. The files themselves have no URL.
"""

from __future__ import annotations

import os

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.defaults import permission_denied
from wagtail import hooks

from gongkai.core.audit import audit

from .archive import AttachmentOriginal
from .selectors import attachment_originals_for_user
from .services import CatalogAction

URL_NAME = "catalog_attachment_original"


@never_cache
def attachment_original_download(request: HttpRequest, pk: int) -> HttpResponse:
    original = get_object_or_404(AttachmentOriginal, pk=pk)
    if not attachment_originals_for_user(request.user).filter(pk=original.pk).exists():
        # A plain 403, not Wagtail's redirect to the dashboard: nothing of the file leaks.
        return permission_denied(request, PermissionDenied())
    if not original.original or not original.original.storage.exists(original.original.name):
        raise Http404
    audit(
        original,
        CatalogAction.ORIGINAL_DOWNLOAD,
        user=request.user,
        data={"document": original.document_id},
    )
    response = FileResponse(
        original.original.open("rb"),
        as_attachment=True,
        filename=os.path.basename(original.original.name),
    )
    response["Cache-Control"] = "private, no-store"
    return response


@hooks.register("register_admin_urls")
def register_archive_urls() -> list:
    return [
        path(
            "catalog/attachment-originals/<int:pk>/",
            attachment_original_download,
            name=URL_NAME,
        )
    ]
