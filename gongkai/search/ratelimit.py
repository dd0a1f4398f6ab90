"""Per-client limit on searches (issue 4: hostile query volume gets a clear refusal).

Each client address may run ``SEARCH_RATE_LIMIT`` searches per minute, the
search page and the API together; past that it gets a 429 with ``Retry-After``.
Counting uses fixed one-minute windows in Django's *default* cache, the one every
web process shares (the file cache on one machine, Redis with ``REDIS_URL``), so
the limit holds across processes and machines. The client address is
`gongkai.core.request_context.client_ip` (PROXY_COUNT-aware, like the login
lockout); an IPv6 client is counted by its /64, which one subscriber usually has
whole.

Redis increments atomically. The file cache does not (read, add one, write), so
two processes counting at the same instant may lose a count: the limit is then a
little lax, never stricter than configured. A cache that fails lets searches
through rather than taking search down.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

from gongkai.core.request_context import client_ip

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60
DEFAULT_LIMIT = 30
KEY_PREFIX = "gongkai:ratelimit"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int  # searches per window; 0 when the limit is off
    count: int = 0
    retry_after: int = 0  # seconds until the window ends


def search_limit() -> int:
    return int(getattr(settings, "SEARCH_RATE_LIMIT", DEFAULT_LIMIT))


def client_key(request: HttpRequest) -> str:
    """Whom to count: the client address, an IPv6 one by its /64 network."""
    address = client_ip(request)
    if address is None:
        return "unknown"
    ip = ipaddress.ip_address(address)
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def hit(request: HttpRequest, *, scope: str = "search", limit: int | None = None) -> Verdict:
    """Count one request of `request`'s client against `scope`; say whether it may go on."""
    limit = search_limit() if limit is None else limit
    if limit <= 0:
        return Verdict(allowed=True, limit=0)
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    retry_after = max(1, WINDOW_SECONDS - int(now % WINDOW_SECONDS))
    key = f"{KEY_PREFIX}:{scope}:{client_key(request)}:{window}"
    cache = caches["default"]
    try:
        cache.add(key, 0, WINDOW_SECONDS + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # expired or evicted between add and incr
            cache.set(key, 1, WINDOW_SECONDS + 5)
            count = 1
    except Exception:
        logger.exception("search: rate-limit cache unavailable; request let through")
        return Verdict(allowed=True, limit=limit)
    return Verdict(allowed=count <= limit, limit=limit, count=count, retry_after=retry_after)
