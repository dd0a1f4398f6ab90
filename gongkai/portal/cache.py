"""HTTP cache headers for public pages.

Anonymous pages may be kept by nginx or a CDN for ``PORTAL_CACHE_SECONDS``
(DESIGN.md "Scale"); anything personal must not be. Responses vary on the
Cookie header because the large-font mode and the login both live in cookies.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

DEFAULT_CACHE_SECONDS = 60


def portal_cache_seconds() -> int:
    return int(getattr(settings, "PORTAL_CACHE_SECONDS", DEFAULT_CACHE_SECONDS))


def set_public_cache_headers(
    request: HttpRequest, response: HttpResponse, *, private: bool = False
) -> HttpResponse:
    """Mark ``response`` shareable for anonymous GETs, and private for everyone else.

    Pass ``private=True`` for content that is not the same for every anonymous
    visitor (e.g. a page behind a password). Responses that already say how to
    be cached, and non-200 responses, are left alone.
    """
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    if response.has_header("Cache-Control"):
        return response
    patch_vary_headers(response, ["Cookie"])
    user = getattr(request, "user", None)
    personal = (
        private
        or (user is not None and user.is_authenticated)
        # A session may carry messages or form state; a Set-Cookie must never be shared.
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or bool(response.cookies)
    )
    if personal:
        patch_cache_control(response, private=True, no_cache=True, max_age=0, must_revalidate=True)
    else:
        patch_cache_control(response, public=True, max_age=portal_cache_seconds())
    return response


def public_cache(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorate a public view with :func:`set_public_cache_headers`."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        return set_public_cache_headers(request, view(request, *args, **kwargs))

    return wrapped


class PublicCacheMixin:
    """For Wagtail page types: add the public cache headers in ``serve``."""

    def serve(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = super().serve(request, *args, **kwargs)  # type: ignore[misc]
        # A page with a view restriction (password, login, groups) is not public.
        restricted = bool(self.get_view_restrictions())  # type: ignore[attr-defined]
        return set_public_cache_headers(request, response, private=restricted)
