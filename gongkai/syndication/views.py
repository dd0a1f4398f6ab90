"""Public share images: /share/<page id>.png and /share/site.png."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from gongkai.portal.cache import public_cache

from .selectors import public_syndicated
from .services import share_png, site_share_png


@require_GET
@public_cache
def share_image(request: HttpRequest, page_id: int) -> HttpResponse:
    """The share card of a public object; 404 for anything not public now, for everyone."""
    found = public_syndicated(page_id)
    if found is None:
        raise Http404("Not public")
    return HttpResponse(share_png(*found), content_type="image/png")


@require_GET
@public_cache
def site_share_image(request: HttpRequest) -> HttpResponse:
    return HttpResponse(site_share_png(), content_type="image/png")
