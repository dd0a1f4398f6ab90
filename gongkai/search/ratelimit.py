"""Per-client limit on searches (issue 4: hostile query volume gets a clear refusal).

Each client address may run ``SEARCH_RATE_LIMIT`` searches per minute, the
search page and the API together; past that it gets a 429 with ``Retry-After``.
Counting uses fixed one-minute windows in Django's *default* cache, the one every
web process shares (the file cache on one machine, Redis with ``REDIS_URL``), so
the limit holds across processes and machines. The client address is
`gongkai.core.request_context.client_ip` (PROXY_COUNT-aware, like the login
lockout); an IPv6 client is counted by its /64, which one subscriber usually has
whole.

The limit is exact: of any number of concurrent searches in one window, exactly
``SEARCH_RATE_LIMIT`` get through. Redis (``add`` then ``INCR``) and the in-process
locmem cache (one lock) count atomically. Django's file cache does not (``incr`` is
read, add one, write: two processes lose counts, and culling past 300 files drops
counters), so with it the counts live in a small SQLite file beside the cache files
(``ratelimit.sqlite3``, WAL, no fsync: a lost count after a power cut does not
matter) and each hit is one atomic ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``
that SQLite's write lock serialises across processes (~50 µs). It is not the
site's database, so counting never waits on a publication's transaction. A counter
that fails lets searches through rather than taking search down.

A refusal is cheap: :func:`refusal_html` and :func:`refusal_json` build a small
static answer from a few translated strings, with no template, no site frame and
no database query (a client being refused is often one that sends many requests).
"""

from __future__ import annotations

import fcntl
import ipaddress
import json
import logging
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from html import escape
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.utils.translation import get_language, get_language_bidi, gettext, ngettext

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


class SQLiteCounter:
    """Per-window counters in one SQLite file, shared by every process on the machine."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        # One connection per thread and per process (a forked child must not reuse its
        # parent's).
        pid = os.getpid()
        held = getattr(self._local, "held", None)
        if held is not None and held[0] == pid:
            return held[1]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=5, isolation_level=None)
        # Switching to WAL does not wait for a busy database: processes opening the
        # file at the same instant take turns through a lock file.
        with open(f"{self.path}.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS hits (key TEXT NOT NULL, window INTEGER NOT NULL,"
                " count INTEGER NOT NULL, PRIMARY KEY (key, window)) WITHOUT ROWID"
            )
        conn.execute("PRAGMA synchronous=OFF")
        self._local.held = (pid, conn)
        return conn

    def incr(self, key: str, window: int) -> int:
        """Count one more hit of ``key`` in ``window``; the count including it."""
        conn = self._connection()
        (count,) = conn.execute(
            "INSERT INTO hits (key, window, count) VALUES (?, ?, 1) "
            "ON CONFLICT (key, window) DO UPDATE SET count = count + 1 RETURNING count",
            (key, window),
        ).fetchone()
        if count == 1:
            # A client's first search in a window: forget the windows that are over.
            conn.execute("DELETE FROM hits WHERE window < ?", (window - 1,))
        return count


_counters: dict[str, SQLiteCounter] = {}
_counters_lock = threading.Lock()


def _sqlite_counter(cache: FileBasedCache) -> SQLiteCounter:
    path = str(Path(cache._dir) / "ratelimit.sqlite3")
    with _counters_lock:
        counter = _counters.get(path)
        if counter is None:
            counter = _counters[path] = SQLiteCounter(Path(path))
    return counter


def _count(key: str, window: int) -> int:
    cache = caches["default"]
    if isinstance(cache, FileBasedCache):
        return _sqlite_counter(cache).incr(key, window)
    cache_key = f"{key}:{window}"
    cache.add(cache_key, 0, WINDOW_SECONDS + 5)
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired or evicted between add and incr
        cache.set(cache_key, 1, WINDOW_SECONDS + 5)
        return 1


def hit(request: HttpRequest, *, scope: str = "search", limit: int | None = None) -> Verdict:
    """Count one request of `request`'s client against `scope`; say whether it may go on."""
    limit = search_limit() if limit is None else limit
    if limit <= 0:
        return Verdict(allowed=True, limit=0)
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    retry_after = max(1, WINDOW_SECONDS - int(now % WINDOW_SECONDS))
    key = f"{KEY_PREFIX}:{scope}:{client_key(request)}"
    try:
        count = _count(key, window)
    except Exception:
        logger.exception("search: rate-limit counter unavailable; request let through")
        return Verdict(allowed=True, limit=limit)
    return Verdict(allowed=count <= limit, limit=limit, count=count, retry_after=retry_after)


# --- the refusal ------------------------------------------------------------------------------

_PAGE = """<!DOCTYPE html>
<html lang="{lang}" dir="{dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title}</title>
{css}
</head>
<body>
<main id="main" class="container">
<div class="error-page">
<p class="error-page__code">429</p>
<h1 class="error-page__title">{title}</h1>
<p>{searched}{gap}{again}</p>
<p>{why}</p>
<p class="error-page__actions"><a class="button" href="/">{home}</a></p>
</div>
</main>
</body>
</html>
"""


def _stylesheet() -> str:
    """The portal's stylesheet, or nothing when it is not collected (a refusal never fails)."""
    try:
        return f'<link rel="stylesheet" href="{escape(static("portal/css/portal.css"))}">'
    except ValueError:
        return ""


def _refused(response: HttpResponse, verdict: Verdict) -> HttpResponse:
    response["Retry-After"] = str(verdict.retry_after)
    response["Cache-Control"] = "no-store"
    return response


def refusal_html(verdict: Verdict) -> HttpResponse:
    """The 429 page: a small static page, no template and no database query."""
    language = get_language() or settings.LANGUAGE_CODE
    page = _PAGE.format(
        lang="zh-CN" if language.lower().startswith("zh") else escape(language),
        dir="rtl" if get_language_bidi() else "ltr",
        # Chinese sentences follow one another without a space.
        gap="" if language.lower().startswith("zh") else " ",
        title=escape(gettext("Too many searches")),
        css=_stylesheet(),
        searched=escape(
            ngettext(
                "This address has searched more than %(counter)s time in the last minute.",
                "This address has searched more than %(counter)s times in the last minute.",
                verdict.limit,
            )
            % {"counter": verdict.limit}
        ),
        again=escape(
            ngettext(
                "Please try again in %(counter)s second.",
                "Please try again in %(counter)s seconds.",
                verdict.retry_after,
            )
            % {"counter": verdict.retry_after}
        ),
        why=escape(
            gettext(
                "The limit keeps the search available for everyone. "
                "Browsing the columns is not limited."
            )
        ),
        home=escape(gettext("Back to the home page")),
    )
    return _refused(
        HttpResponse(page.encode(), status=429, content_type="text/html; charset=utf-8"), verdict
    )


def refusal_json(verdict: Verdict) -> HttpResponse:
    """The API's 429: ``{"detail": ...}`` in Chinese, no database query."""
    detail = gettext(
        "Too many searches from this address: at most %(limit)s a minute. "
        "Try again in %(seconds)s seconds."
    ) % {"limit": verdict.limit, "seconds": verdict.retry_after}
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode()
    return _refused(HttpResponse(body, status=429, content_type="application/json"), verdict)
