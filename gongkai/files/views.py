"""The gate: every byte of an uploaded file leaves through here (convention 17).

- ``/documents/<id>/<name>`` (Wagtail's serve view, through the ``before_serve_document``
  hook): the published copy to anyone while the document is public; otherwise the file
  as stored, to permitted staff only; everyone else gets 404.
- ``/media/<path>``: image renditions to anyone while the image is public, and image files
  to permitted staff; nothing else under MEDIA_ROOT is served (documents go through the
  view above), so a guessed path answers 404.

The public never learns whether an unpublished file exists: 404, not 403. Staff answers
are ``private, no-store``; public answers must be revalidated (``no-cache`` with an ETag),
so a withdrawal takes effect at the next request, also in shared caches.
"""

from __future__ import annotations

import posixpath
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotModified

from .selectors import (
    image_is_public,
    public_copy_of,
    user_can_access_document,
    user_can_access_image,
)

INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"})


def _etag_matches(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    return any(part.strip() in (etag, f"W/{etag}", "*") for part in header.split(","))


def file_response(
    request: HttpRequest,
    field_file: Any,
    *,
    filename: str,
    content_type: str,
    public: bool,
    etag: str = "",
    stream: bool = True,
) -> HttpResponse:
    """Send a stored file: by nginx when FILES_ACCEL_REDIRECT is set, else by Django.

    Wagtail's serve view accepts only an HttpResponse from its hook, not a streaming
    FileResponse, so documents (at most UPLOAD_MAX_BYTES) are read whole (`stream=False`).
    """
    quoted_etag = f'"{etag}"' if etag else ""
    if quoted_etag and _etag_matches(request, quoted_etag):
        response: HttpResponse = HttpResponseNotModified()
    else:
        accel = getattr(settings, "FILES_ACCEL_REDIRECT", "")
        if accel:
            response = HttpResponse(content_type=content_type)
            response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + quote(field_file.name)
        elif stream:
            response = FileResponse(field_file.open("rb"), content_type=content_type)
        else:
            with field_file.open("rb") as handle:
                response = HttpResponse(handle.read(), content_type=content_type)
        disposition = "inline" if content_type in INLINE_TYPES else "attachment"
        response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    if quoted_etag:
        response["ETag"] = quoted_etag
    response["Cache-Control"] = "no-cache" if public else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    )
    if not public:
        response["X-Robots-Tag"] = "noindex"
    return response


def _restricted(document: Any, request: HttpRequest) -> bool:
    """Whether a privacy setting of the document's collection keeps this request out."""
    return any(
        not restriction.accept_request(request)
        for restriction in document.collection.get_view_restrictions()
    )


_UNSAFE_IN_NAME = str.maketrans({c: "_" for c in '\\/:*?"<>|\r\n\t'})


def download_name(document: Any) -> str:
    """The name a download is saved under: the document's title with its file's extension
    (“附件1：拟发放人员名单.xlsx”), not the stored name with its storage suffix."""
    extension = posixpath.splitext(document.filename)[1]
    title = (document.title or "").strip().translate(_UNSAFE_IN_NAME)[:120]
    if not title:
        return document.filename
    return title if title.lower().endswith(extension.lower()) else f"{title}{extension}"


def serve_document(document: Any, request: HttpRequest) -> HttpResponse:
    """Answer ``/documents/<id>/<name>`` (registered as Wagtail's before_serve_document)."""
    copy = public_copy_of(document)
    if copy is not None and not _restricted(document, request):
        return file_response(
            request,
            copy.file,
            filename=download_name(document),
            content_type=document.content_type,
            public=True,
            etag=copy.sha256,
            stream=False,
        )
    if user_can_access_document(request.user, document):
        from gongkai.core.audit import audit

        from .states import FilesAction

        # Unpublished files may hold what review has yet to mask: who read them is kept.
        audit(document, FilesAction.ORIGINAL_DOWNLOAD, user=request.user)
        return file_response(
            request,
            document.file,
            filename=download_name(document),
            content_type=document.content_type,
            public=False,
            stream=False,
        )
    raise Http404


def _image_for_path(path: str) -> tuple[Any, Any, bool] | None:
    """(image, stored file, whether it is a rendition) for a media path of an image or one of its renditions."""
    from wagtail.images import get_image_model

    image_model = get_image_model()
    if path.startswith("images/"):
        rendition_model = image_model.get_rendition_model()
        rendition = rendition_model.objects.filter(file=path).select_related("image").first()
        if rendition is not None:
            return rendition.image, rendition.file, True
    elif path.startswith("original_images/"):
        image = image_model.objects.filter(file=path).first()
        if image is not None:
            return image, image.file, False
    return None


def serve_media(request: HttpRequest, path: str) -> HttpResponse:
    """Answer ``/media/<path>``: public renditions of public images; staff their images."""
    normalised = posixpath.normpath(path)
    if normalised.startswith(("..", "/")) or normalised != path:
        raise Http404
    found = _image_for_path(normalised)
    if found is None:
        raise Http404
    image, stored, is_rendition = found
    content_type = _image_type(stored.name)
    if is_rendition and image_is_public(image):
        return file_response(
            request,
            stored,
            filename=posixpath.basename(stored.name),
            content_type=content_type,
            public=True,
            etag=f"{image.pk}-{posixpath.basename(stored.name)}",
        )
    if user_can_access_image(request.user, image):
        return file_response(
            request,
            stored,
            filename=posixpath.basename(stored.name),
            content_type=content_type,
            public=False,
        )
    raise Http404


def _image_type(name: str) -> str:
    extension = posixpath.splitext(name)[1].lower()
    return {
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".gif": "image/gif",
        ".webp": "image/webp",
        ".avif": "image/avif",
    }.get(extension, "application/octet-stream")
