"""HTTP cache headers for public pages.

What shared caches are told (DESIGN.md "Scale": anonymous pages send cache headers
that let nginx or a CDN serve them; publishing purges what it changed):

- Anonymous GETs of public pages get ``Cache-Control: public, max-age=0,
  s-maxage=N, stale-while-revalidate=N`` with N = ``PORTAL_CACHE_SECONDS`` (1 s by
  default). Open-source nginx and most CDNs cannot be purged, so they may only
  *micro-cache*: nginx keeps a page for N seconds, and for N more it may hand out
  that copy while one request fetches a fresh one. That takes the load off the
  application, and a publication or withdrawal reaches visitors behind nginx
  within 2N seconds (an unbounded ``proxy_cache_use_stale updating`` would let a
  page nobody asked for in a while come back stale once). Browsers revalidate
  (``max-age=0``); the page cache gives every stored page an ETag, so an unchanged
  page costs them a ``304``. The application's own page cache
  (``gongkai.core.pagecache``) keeps the same pages longer, because it *is* purged
  at once when anything public changes.
- Anything personal is ``private, no-cache``: logged-in users, anyone with a
  session cookie, responses that set a cookie, pages behind a view restriction.

Responses vary on the Cookie header because the large-font mode and the login both
live in cookies.

Pages also declare the query parameters they read (``public_cache(params=...)``,
``PublicCacheMixin.cache_params``): the page cache then keys them on those alone and
answers a request with any other parameter (``utm_source``, a random cache-buster)
from the canonical page instead of rendering it again (``gongkai.core.pagecache``).
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import ClassVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from gongkai.core.pagecache import declare_params

DEFAULT_CACHE_SECONDS = 1


def portal_cache_seconds() -> int:
    return int(getattr(settings, "PORTAL_CACHE_SECONDS", DEFAULT_CACHE_SECONDS))


def set_public_cache_headers(
    request: HttpRequest,
    response: HttpResponse,
    *,
    private: bool = False,
    params: Iterable[str] | None = None,
) -> HttpResponse:
    """Mark ``response`` shareable for anonymous GETs, and private for everyone else.

    Pass ``private=True`` for content that is not the same for every anonymous
    visitor (e.g. a page behind a password). ``params``, when given, are all the
    query parameters the page reads (see the module docstring). Responses that
    already say how to be cached, and non-200 responses, are left alone.
    """
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    if params is not None:
        declare_params(response, params)
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
        seconds = portal_cache_seconds()
        patch_cache_control(
            response, public=True, max_age=0, s_maxage=seconds, stale_while_revalidate=seconds
        )
    return response


def public_cache(
    view: Callable[..., HttpResponse] | None = None, *, params: Iterable[str] | None = None
) -> Callable[..., HttpResponse]:
    """Decorate a public view with :func:`set_public_cache_headers`.

    ``@public_cache`` or ``@public_cache(params=("page", ...))`` naming every query
    parameter the view reads (``params=()`` for none).
    """
    declared = None if params is None else tuple(params)

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            response = view(request, *args, **kwargs)
            return set_public_cache_headers(request, response, params=declared)

        return wrapped

    return decorate if view is None else decorate(view)


class PublicCacheMixin:
    """For Wagtail page types: add the public cache headers in ``serve``.

    ``cache_params``: every query parameter the page type reads (None: undeclared,
    the page cache keys on the whole query string).
    """

    cache_params: ClassVar[tuple[str, ...] | None] = None

    def serve(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = super().serve(request, *args, **kwargs)  # type: ignore[misc]
        # A page with a view restriction (password, login, groups) is not public.
        restricted = bool(self.get_view_restrictions())  # type: ignore[attr-defined]
        return set_public_cache_headers(
            request, response, private=restricted, params=self.cache_params
        )
