"""The request being served, for code far from the view (the audit helper).

`client_ip()` is also the client-address rule of the login lockout
(settings.AXES_CLIENT_IP_CALLABLE), so an audit entry and a lockout always
name the same address.
"""

import ipaddress
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest

_current_request: ContextVar[HttpRequest | None] = ContextVar("gongkai_request", default=None)


def current_request() -> HttpRequest | None:
    return _current_request.get()


def _valid_ip(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest | None = None) -> str | None:
    """The client address, trusting exactly PROXY_COUNT reverse proxies.

    With N trusted proxies the outermost one appends the real client to
    X-Forwarded-For and the innermost one is REMOTE_ADDR, so the client is
    the N-th entry from the right. Entries further left are whatever the
    client chose to send and are never trusted. A request that carries fewer
    entries did not pass through the proxies; then REMOTE_ADDR is the client.
    """
    request = request or current_request()
    if request is None:
        return None
    remote_addr = _valid_ip(request.META.get("REMOTE_ADDR"))
    proxy_count = getattr(settings, "PROXY_COUNT", 0)
    if proxy_count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxy_count:
            return _valid_ip(forwarded[-proxy_count]) or remote_addr
    return remote_addr
