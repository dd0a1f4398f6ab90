"""The request being served, for code far from the view (the audit helper)."""

from contextvars import ContextVar

from django.http import HttpRequest

_current_request: ContextVar[HttpRequest | None] = ContextVar("gongkai_request", default=None)


def current_request() -> HttpRequest | None:
    return _current_request.get()


def client_ip(request: HttpRequest | None = None) -> str | None:
    """The client address, honouring PROXY_COUNT trusted proxies (same rule as login lockout)."""
    request = request or current_request()
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request)
