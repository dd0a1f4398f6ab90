import re
from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse

from .request_context import _current_request


class RequestContextMiddleware:
    """Make the current request available to the audit helper."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


# The largest integer the databases store (SQLite INTEGER, PostgreSQL bigint).
MAX_DB_INT = 2**63 - 1
_INT_IN_ROUTE = re.compile(r"<int:(\w+)>")


class OutOfRangeIdMiddleware:
    """Answer 404 to a URL whose ``<int:...>`` part no database column can hold.

    Django's ``int`` converter takes any run of digits; on SQLite a lookup with one
    past 2**63-1 raises OverflowError (a 500) in whatever view receives it, site and
    admin (Wagtail's) alike. Checked once here for every route, so new apps need
    nothing. The API validates its own path parameters and answers in JSON, so its
    views are left to do so.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[object, ...],
        view_kwargs: dict[str, object],
    ) -> None:
        route = getattr(request.resolver_match, "route", "") or ""
        if "<int:" not in route or getattr(view_func, "__module__", "").startswith("ninja."):
            return None
        for name in _INT_IN_ROUTE.findall(route):
            value = view_kwargs.get(name)
            if isinstance(value, int) and abs(value) > MAX_DB_INT:
                raise Http404("No such object")
        return None
