from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
