from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .accessibility import LARGE_FONT_COOKIE, LARGE_FONT_COOKIE_AGE


def _safe_next(request: HttpRequest) -> str:
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@require_GET
@never_cache
def set_font_mode(request: HttpRequest, *, large: bool) -> HttpResponse:
    """Switch the large-text, high-contrast mode on or off, then go back to ``next``.

    A plain link does it, so the mode works without JavaScript (适老化).
    """
    response = HttpResponseRedirect(_safe_next(request))
    if large:
        response.set_cookie(
            LARGE_FONT_COOKIE,
            "1",
            max_age=LARGE_FONT_COOKIE_AGE,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure(),
        )
    else:
        response.delete_cookie(LARGE_FONT_COOKIE, samesite="Lax")
    return response
