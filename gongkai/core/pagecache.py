"""Page cache: anonymous public pages answered before Django is entered (DESIGN.md "Scale").

`PageCache` is a WSGI middleware around Django's handler (``gongkai/wsgi.py``, on
when ``PAGE_CACHE`` is). Each web process keeps the pages in its own memory; what
keeps the processes (and machines) in step is one *generation* token in Django's
default cache (Redis when ``REDIS_URL`` is set, else the file cache every process
on the machine shares). No process holds state that another one needs.

What is stored
    Only what Django itself marked shareable: the answer to a GET with status 200,
    ``Cache-Control: public`` and none of ``private``, ``no-store``, ``no-cache``; no
    ``Set-Cookie``; a ``Content-Length`` (not streamed, not a file); no ``Vary: *``;
    no CSP nonce. ``gongkai.portal.cache`` decides which pages say ``public``
    (anonymous visitors only), so the rule needs no list of paths. Entries live for
    ``PAGE_CACHE_SECONDS`` at most, which bounds how stale time-dependent content
    (deadlines, "today") can get. Each process keeps at most ``PAGE_CACHE_MAX_ENTRIES``
    pages and ``PAGE_CACHE_MAX_MB`` megabytes, dropping the least recently used.

Which requests are answered
    GET and HEAD without a query string longer than 1 KB, without an
    ``Authorization`` header, with a ``Host``, and whose cookies are all on the
    allowlist: the cookies registered with :func:`register_page_cookie` (the portal
    registers its large-font/display-mode cookie; each value gets its own entry),
    and Django's CSRF cookie, which is ignored because any page that uses the token
    renews the cookie with ``Set-Cookie`` and is therefore never stored. Any other
    cookie (a session, messages, a language choice) goes straight to Django. The key
    is scheme, ``X-Forwarded-Proto``, host, path, query string and the registered
    cookies' values, so nothing is served across hosts or schemes.

    Query parameters: a page may declare the parameters it reads (the
    ``X-Page-Params`` response header, set through :func:`declare_params`; the portal
    does it with ``public_cache(params=...)`` and ``PublicCacheMixin.cache_params``).
    Once a path has answered with a declaration, its key holds only the declared
    parameters (sorted by name), and a request that carries any other parameter
    (``utm_source``, WeChat's ``from=singlemessage``, a cache-busting ``?x=random``)
    is answered with the cached canonical page, rendered for the canonical URL on a
    miss. Serving, rather than redirecting to the canonical URL: the views ignore
    unknown parameters anyway, so the canonical page *is* what Django would answer
    (only cheaper); a redirect would cost every shared link (WeChat and Weibo append
    their own parameters) a round trip and would answer differently depending on
    whether the cache had learnt the declaration yet. What is stored is always
    rendered for the canonical URL, so it holds nothing of the ignored parameters
    (the large-font toggle's ``next`` link, say). A page without a declaration keeps
    the whole query string in its key, as before. The header is internal: it is
    removed from every answer. ``Vary`` is
    honoured: the request headers it names become part of the key, except
    ``Cookie`` (covered by the allowlist) and ``Accept-Language`` while only one
    language is configured (LocaleMiddleware cannot choose another). HEAD is answered
    from the GET entry without a body (a HEAD miss goes to Django and is not stored).
    Every stored page gets an ``ETag`` (Django's own, or a hash of the body;
    ConditionalGetMiddleware is not installed), and a matching ``If-None-Match`` is
    answered ``304`` from the cache. Answers carry ``X-Page-Cache: hit`` or ``miss``.

Purging
    :func:`purge` replaces the generation token after the current transaction
    commits; every lookup reads the token and ignores entries stored under another
    one, so publishing takes effect at once in every process and on every machine.
    Reading it is the one shared-state access of a hit: with Redis one GET; with the
    file cache one ``stat`` of the token's file (~2 µs, where ``cache.get`` takes
    ~13 µs and was most of a hit's cost), read again only when it was replaced. The
    token is read *before* Django renders a miss, so a page rendered while a
    publication commits is stored under the old token and never served. A random
    token, not a counter, so that a cache that loses the key (file-cache culling,
    Redis eviction) can never bring old entries back.

    Purging is wired generically: ``post_save``, ``post_delete`` and ``m2m_changed``
    of any model, and Wagtail's ``page_published``/``page_unpublished``/
    ``published``/``unpublished``, call :func:`purge` - one bump per transaction
    however many rows it writes. New apps need nothing. Deletes are listened to
    model by model, so that internal models keep Django's fast bulk delete. Internal
    bookkeeping is exempt (sessions, axes, task results, Wagtail revisions, log
    entries, workflow and task states, comments, subscriptions, locks and draft
    pointers on pages, renditions, Wagtail's search and reference indexes, OTP
    devices, ``last_login``, the admin log, content types and permissions): see the
    registrations below ``register_internal_model``. An app whose model never changes
    what a public page shows adds it with :func:`register_internal_model` in
    ``AppConfig.ready()``; forgetting to only costs an unneeded purge. Writes that
    send no signal (``QuerySet.update()``, ``bulk_create()``, raw SQL) must call
    :func:`purge` themselves unless a signalled save in the same transaction covers
    them; so must work done in *another* on-commit callback after the one that
    purges (a search index filled after the commit, say).

    Known limit: with read replicas, a page rendered from a lagging replica just
    after a purge can be stored under the new token; ``PAGE_CACHE_SECONDS`` bounds it.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import pickle
import threading
import time
import uuid
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.http.cookie import parse_cookie

logger = logging.getLogger(__name__)

GENERATION_KEY = "gongkai:pagecache:generation"
MAX_QUERY_STRING = 1024
# Longer query strings are not even parsed for a page whose parameters are declared.
MAX_PARSED_QUERY_STRING = 8192
HEADER = "X-Page-Cache"
# Response header in which a page declares the query parameters it reads.
PARAMS_HEADER = "X-Page-Params"
# Paths whose declaration is remembered, per process (cleared with the entries).
MAX_DECLARED_PATHS = 10_000
# No single page may take more than this share of the byte budget.
MAX_ENTRY_SHARE = 8

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

# --- which cookies a cached page may be served to --------------------------------------

_PAGE_COOKIES: list[str] = []


def register_page_cookie(name: str) -> None:
    """Let requests carrying cookie ``name`` use the page cache; its value becomes part of the key.

    For cookies that change a public page for everyone who sends the same value,
    such as the portal's display mode. Never for a cookie that identifies a person.
    """
    if name not in _PAGE_COOKIES:
        _PAGE_COOKIES.append(name)


def page_cookies() -> tuple[str, ...]:
    return tuple(_PAGE_COOKIES)


def declare_params(response: Any, names: Iterable[str]) -> Any:
    """Say that ``response``'s page reads only the query parameters ``names`` (none if empty).

    The page cache then keys the page on those parameters alone and answers requests
    carrying any other parameter from the same entry (see the module docstring).
    Declare every parameter the page or its templates read: one left out would be
    ignored for visitors served from the cache.
    """
    response[PARAMS_HEADER] = ",".join(sorted(set(names)))
    return response


def _parse_declaration(value: str) -> frozenset[str]:
    return frozenset(part.strip() for part in value.split(",") if part.strip())


def canonical_query(query: str, declared: frozenset[str]) -> tuple[str, bool]:
    """``query`` reduced to the declared parameters, sorted by name; and whether it had others.

    The pieces are kept as sent (still percent-encoded) and in their order within one
    name, so a repeated parameter keeps its meaning; only the names are decoded.
    """
    kept: list[tuple[str, str]] = []
    extra = False
    for piece in query.split("&"):
        if not piece:
            continue
        name = unquote_plus(piece.split("=", 1)[0])
        if name in declared:
            kept.append((name, piece))
        else:
            extra = True
    kept.sort(key=lambda item: item[0])
    return "&".join(piece for _, piece in kept), extra


# --- generation: the shared purge signal -----------------------------------------------


def _cache():
    return caches["default"]


def current_generation() -> str:
    """The token entries must carry to be served (created when the cache has none)."""
    cache = _cache()
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        value = cache.get(GENERATION_KEY)
    return value


class _GenerationReader:
    """Reads the current generation for one process, as cheaply as the backend allows.

    With Django's file cache the token's file is never rewritten in place, only
    replaced (a new file renamed over it), so one ``stat`` tells whether it changed:
    the reader keeps the file it last read open, which pins its inode number, so a
    different number means a new file, which is read and parsed once. With any other
    backend (Redis, locmem) it is one ``cache.get`` per request.
    """

    def __init__(self) -> None:
        cache = _cache()
        self._path: str | None = None
        if isinstance(cache, FileBasedCache):
            self._path = cache._key_to_file(GENERATION_KEY)
        # (inode, device, token, open descriptor), replaced whole.
        self._last: tuple[int, int, str, int] | None = None
        self._lock = threading.Lock()

    def current(self) -> str:
        if self._path is None:
            return current_generation()
        try:
            st = os.stat(self._path)
        except FileNotFoundError:
            return current_generation()
        # Read after the stat: a file that reuses the inode of a file this reader has
        # let go of can only exist once ``_last`` no longer names that inode.
        last = self._last
        if last is not None and last[0] == st.st_ino and last[1] == st.st_dev:
            return last[2]
        return self._reread()

    def _reread(self) -> str:
        with self._lock:
            try:
                fd = os.open(self._path, os.O_RDONLY)
            except FileNotFoundError:
                return current_generation()
            try:
                st = os.fstat(fd)
                chunks = []
                while chunk := os.read(fd, 4096):
                    chunks.append(chunk)
            except OSError:
                os.close(fd)
                raise
            value = self._parse(b"".join(chunks))
            if value is None:
                os.close(fd)
                return current_generation()
            old, self._last = self._last, (st.st_ino, st.st_dev, value, fd)
            if old is not None:
                os.close(old[3])
            return value

    @staticmethod
    def _parse(raw: bytes) -> str | None:
        """The value of a FileBasedCache file: pickled expiry, then the zlib'd pickled value."""
        try:
            buffer = io.BytesIO(raw)
            expiry = pickle.load(buffer)
            if expiry is not None and expiry < time.time():
                return None
            value = pickle.loads(zlib.decompress(buffer.read()))
        except Exception:  # a half-written or foreign file: ask the cache itself
            return None
        return value if isinstance(value, str) else None


def purge_now() -> None:
    """Invalidate every cached page in every process, at once."""
    _cache().set(GENERATION_KEY, uuid.uuid4().hex, None)


def purge(*, using: str | None = None) -> None:
    """Invalidate every cached page once the current transaction commits (at once outside one).

    Called many times in one transaction, it still purges once.
    """
    alias = using or DEFAULT_DB_ALIAS
    connection = connections[alias]
    if connection.in_atomic_block:
        # A purge queued in this savepoint or an enclosing one runs whenever the
        # current work commits (rolling back an enclosing savepoint discards both).
        active = set(connection.savepoint_ids)
        for sids, func, *_ in connection.run_on_commit:
            if func is purge_now and sids <= active:
                return
    transaction.on_commit(purge_now, using=alias)


# --- which writes purge ------------------------------------------------------------------

# Models whose rows never show on a public page, by label or class; with a field set,
# only saves that write nothing but those fields are exempt.
_INTERNAL: dict[object, frozenset[str] | None] = {}
_resolved: list[tuple[type, frozenset[str] | None]] | None = None
_connected = False

_PAGE_BOOKKEEPING = frozenset(
    {
        "latest_revision",
        "latest_revision_created_at",
        "draft_title",
        "has_unpublished_changes",
        "locked",
        "locked_at",
        "locked_by",
        "wagtail_admin_comments",
    }
)


def register_internal_model(model: type | str, *, fields: Iterable[str] | None = None) -> None:
    """Exempt writes to ``model`` (and its subclasses) from purging the page cache.

    ``model`` is a class or an ``"app_label.ModelName"`` label (ignored when that app is
    not installed). With ``fields``, only saves whose ``update_fields`` lie within them
    are exempt: e.g. ``auth.User`` with ``{"last_login"}``.
    """
    global _resolved
    _INTERNAL[model] = frozenset(fields) if fields is not None else None
    _resolved = None
    if _connected and fields is None:
        _connect_deletes()


for _label in (
    "sessions.Session",
    "axes.AccessAttempt",
    "axes.AccessAttemptExpiration",
    "axes.AccessLog",
    "axes.AccessFailureLog",
    "django_tasks_database.DBTaskResult",
    "wagtailcore.Revision",
    "wagtailcore.PageLogEntry",
    "wagtailcore.ModelLogEntry",
    "wagtailcore.WorkflowState",
    "wagtailcore.TaskState",
    "wagtailcore.PageSubscription",
    "wagtailcore.Comment",
    "wagtailcore.CommentReply",
    "wagtailcore.ReferenceIndex",
    "wagtailcore.UploadedFile",
    "wagtailadmin.EditingSession",
    "wagtailadmin.FormState",
    "wagtailusers.UserProfile",
    "wagtailsearch.IndexEntry",
    "wagtailsearch.SQLiteFTSIndexEntry",
    # Made while a page renders: purging on them would empty the cache on a miss.
    "wagtailimages.Rendition",
    "wagtailembeds.Embed",
    # Anonymous form posts do not change the public pages.
    "wagtailforms.FormSubmission",
    "otp_totp.TOTPDevice",
    "otp_static.StaticDevice",
    "otp_static.StaticToken",
    "admin.LogEntry",
    "contenttypes.ContentType",
    "auth.Permission",
):
    register_internal_model(_label)
register_internal_model("auth.User", fields={"last_login"})
register_internal_model("wagtailcore.Page", fields=_PAGE_BOOKKEEPING)


def _rules() -> list[tuple[type, frozenset[str] | None]]:
    global _resolved
    if _resolved is None:
        from django.apps import apps

        rules = []
        for model, fields in list(_INTERNAL.items()):
            if isinstance(model, str):
                try:
                    model = apps.get_model(model)
                except LookupError:
                    continue
            rules.append((model, fields))
        _resolved = rules
    return _resolved


def is_internal(sender: type, update_fields: Iterable[str] | None = None) -> bool:
    """Whether a write to ``sender`` (with these ``update_fields``) leaves public pages alone."""
    for model, fields in _rules():
        if isinstance(sender, type) and issubclass(sender, model):
            if fields is None:
                return True
            if update_fields and set(update_fields) <= fields:
                return True
    return False


def _on_save(sender: type, update_fields: Any = None, using: str | None = None, **kwargs: Any):
    if not is_internal(sender, update_fields):
        purge(using=using)


def _on_delete(sender: type, using: str | None = None, **kwargs: Any) -> None:
    if not is_internal(sender):
        purge(using=using)


def _on_m2m(sender: type, instance: Any, action: str, using: str | None = None, **kwargs: Any):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if is_internal(sender) or is_internal(type(instance)):
        return
    purge(using=using)


def _on_publication(sender: Any, **kwargs: Any) -> None:
    purge()


def _delete_uid(model: type) -> str:
    return f"gongkai.pagecache.delete.{model._meta.label_lower}"


def _connect_deletes() -> None:
    """Listen to deletes model by model, leaving internal models without a listener.

    A ``post_delete`` receiver for every sender would stop Django from deleting any
    model's rows in bulk (``QuerySet.delete()`` fetches and signals each row of a
    model with listeners), e.g. when expired sessions or task results are cleared.
    """
    from django.apps import apps
    from django.db.models.signals import post_delete

    for model in apps.get_models(include_auto_created=True):
        uid = _delete_uid(model)
        if is_internal(model):
            post_delete.disconnect(sender=model, dispatch_uid=uid)
        else:
            post_delete.connect(_on_delete, sender=model, dispatch_uid=uid)


def connect_signals() -> None:
    """Purge on every write that can change a public page (called from CoreConfig.ready)."""
    global _connected
    from django.db.models.signals import m2m_changed, post_save
    from wagtail.signals import page_published, page_unpublished, published, unpublished

    post_save.connect(_on_save, dispatch_uid="gongkai.pagecache.save")
    m2m_changed.connect(_on_m2m, dispatch_uid="gongkai.pagecache.m2m")
    for signal in (page_published, page_unpublished, published, unpublished):
        signal.connect(_on_publication, dispatch_uid=f"gongkai.pagecache.{id(signal)}")
    _connected = True
    _connect_deletes()


# --- the middleware -------------------------------------------------------------------------


@dataclass(slots=True)
class _Entry:
    status: str
    headers: list[tuple[str, str]]
    not_modified_headers: list[tuple[str, str]]
    body: bytes
    etag: str
    generation: str
    expires: float
    size: int


_NOT_MODIFIED_HEADERS = {"cache-control", "content-location", "etag", "expires", "vary"}
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "x-page-cache", "x-page-params"}


def _etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    # Weak comparison (RFC 9110 13.1.2): W/"x" matches "x".
    tag = etag.removeprefix("W/")
    return any(part.strip().removeprefix("W/") == tag for part in header.split(","))


def _cache_control(value: str) -> set[str]:
    return {part.strip().split("=", 1)[0].lower() for part in value.split(",") if part.strip()}


class PageCache:
    """WSGI middleware: serve stored anonymous public pages without entering Django."""

    def __init__(
        self,
        app: WSGIApp,
        *,
        seconds: int | None = None,
        max_entries: int | None = None,
        max_bytes: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.seconds = settings.PAGE_CACHE_SECONDS if seconds is None else seconds
        self.max_entries = settings.PAGE_CACHE_MAX_ENTRIES if max_entries is None else max_entries
        self.max_bytes = settings.PAGE_CACHE_MAX_BYTES if max_bytes is None else max_bytes
        self.clock = clock
        self._entries: OrderedDict[tuple, _Entry] = OrderedDict()
        # Request headers (as environ keys) each URL's response varies on, and how many
        # entries each URL has.
        self._vary: dict[tuple, tuple[str, ...]] = {}
        self._variants: dict[tuple, int] = {}
        # The query parameters each path declared (by scheme, proxy scheme, host, path).
        self._declared: dict[tuple, frozenset[str]] = {}
        self._bytes = 0
        self._lock = threading.Lock()
        self._generation_seen: str | None = None
        self._generation = _GenerationReader()
        self._allowed_cookies = frozenset([*page_cookies(), settings.CSRF_COOKIE_NAME])
        self._keyed_cookies = page_cookies()
        self._no_cookies: tuple[str | None, ...] = (None,) * len(self._keyed_cookies)
        self._one_language = len(settings.LANGUAGES) == 1

    # -- bookkeeping, for tests and the benchmark
    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        return self._bytes

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._vary.clear()
            self._variants.clear()
            self._declared.clear()
            self._bytes = 0

    # -- WSGI
    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        where = self._where(environ)
        if where is None:
            return self.app(environ, start_response)
        try:
            generation = self._generation.current()
        except Exception:  # the shared cache is down: serve uncached rather than fail
            logger.exception("page cache: cannot read the generation; not caching")
            return self.app(environ, start_response)
        if generation != self._generation_seen:
            # Everything stored under an older token is dead: free it at once.
            self.clear()
            self._generation_seen = generation
        query = environ.get("QUERY_STRING", "")
        declared = self._declared.get(where[0])
        if declared is None:
            if len(query) > MAX_QUERY_STRING:
                return self.app(environ, start_response)
        else:
            if len(query) > MAX_PARSED_QUERY_STRING:
                return self.app(environ, start_response)
            query, extra = canonical_query(query, declared)
            if len(query) > MAX_QUERY_STRING:
                return self.app(environ, start_response)
            if extra:
                # Render (on a miss) the canonical URL itself, so that what is stored
                # and served carries nothing of the parameters the page ignores.
                environ = {**environ, "QUERY_STRING": query}
        base = (*where[0], query, where[1])
        entry = self._lookup(base, environ, generation)
        if entry is not None:
            return self._serve(entry, environ, start_response)
        return self._miss(base, where[0], environ, start_response, generation)

    def _where(self, environ: dict[str, Any]) -> tuple[tuple, tuple] | None:
        """(scheme, proxy scheme, host, script, path) and the keyed cookies; None: not cacheable."""
        method = environ.get("REQUEST_METHOD")
        if method != "GET" and method != "HEAD":
            return None
        host = environ.get("HTTP_HOST")
        if not host or "HTTP_AUTHORIZATION" in environ:
            return None
        keyed = self._no_cookies
        raw = environ.get("HTTP_COOKIE")
        if raw:
            cookies = parse_cookie(raw)
            if not self._allowed_cookies.issuperset(cookies):
                return None
            keyed = tuple(cookies.get(name) for name in self._keyed_cookies)
        path = (
            environ.get("wsgi.url_scheme"),
            environ.get("HTTP_X_FORWARDED_PROTO"),
            host,
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""),
        )
        return path, keyed

    def _lookup(self, base: tuple, environ: dict[str, Any], generation: str) -> _Entry | None:
        vary = self._vary.get(base)
        if vary is None:
            return None
        key = (base, tuple(environ.get(name) for name in vary))
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.generation != generation or entry.expires <= self.clock():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
        return entry

    def _serve(
        self, entry: _Entry, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        condition = environ.get("HTTP_IF_NONE_MATCH")
        if condition and _etag_matches(condition, entry.etag):
            start_response("304 Not Modified", entry.not_modified_headers)
            return []
        start_response(entry.status, entry.headers)
        if environ["REQUEST_METHOD"] == "HEAD":
            return []
        return [entry.body]

    def _miss(
        self,
        base: tuple,
        path: tuple,
        environ: dict[str, Any],
        start_response: StartResponse,
        generation: str,
    ) -> Iterable[bytes]:
        captured: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured[:] = [status, headers, exc_info]
            return _no_write

        result = self.app(environ, capture)
        if not captured:  # Django always calls start_response before returning
            return result
        status, headers, exc_info = captured
        declaration = next((v for k, v in headers if k.lower() == "x-page-params"), None)
        if declaration is not None:
            headers = [(k, v) for k, v in headers if k.lower() != "x-page-params"]
        vary = self._storable(environ, status, headers, result)
        if vary is not None and declaration is not None:
            declared = _parse_declaration(declaration)
            if self._declared.get(path) != declared:
                with self._lock:
                    if len(self._declared) >= MAX_DECLARED_PATHS:
                        self._declared.clear()
                    self._declared[path] = declared
            canonical, extra = canonical_query(environ.get("QUERY_STRING", ""), declared)
            if extra:
                # Rendered before the declaration was known, for a URL with parameters
                # the page ignores: not stored; the next such request renders the
                # canonical URL and stores that.
                vary = None
            else:
                base = (*path, canonical, base[-1])
        if vary is None:
            start_response(status, [*headers, (HEADER, "miss")], exc_info)
            return result
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        etag = next((v for k, v in headers if k.lower() == "etag"), None)
        headers = [(k, v) for k, v in headers if k.lower() not in _HOP_BY_HOP]
        if etag is None:
            etag = f'"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"'
            headers.append(("ETag", etag))
        self._store(base, vary, environ, status, headers, body, etag, generation)
        start_response(status, [*headers, (HEADER, "miss")])
        return [body]

    def _storable(
        self, environ: dict[str, Any], status: str, headers: list[tuple[str, str]], result: Any
    ) -> tuple[str, ...] | None:
        """The environ keys the response varies on, or None when it must not be stored."""
        if environ["REQUEST_METHOD"] != "GET" or not status.startswith("200 "):
            return None
        # Only a plain HttpResponse: not streamed, not a file handed to wsgi.file_wrapper.
        if getattr(result, "streaming", True):
            return None
        cache_control: set[str] = set()
        length = None
        vary: list[str] = []
        for name, value in headers:
            lower = name.lower()
            if lower == "set-cookie":
                return None
            if lower == "cache-control":
                cache_control |= _cache_control(value)
            elif lower == "content-length":
                length = int(value)
            elif lower == "vary":
                vary += [part.strip().lower() for part in value.split(",") if part.strip()]
            elif lower.startswith("content-security-policy") and "'nonce-" in value:
                return None
        if "public" not in cache_control or cache_control & {"private", "no-store", "no-cache"}:
            return None
        if length is None or length > self.max_bytes // MAX_ENTRY_SHARE:
            return None
        keys = []
        for header in vary:
            if header == "*":
                return None
            if header == "cookie" or (header == "accept-language" and self._one_language):
                continue
            keys.append("HTTP_" + header.upper().replace("-", "_"))
        return tuple(sorted(set(keys)))

    def _store(
        self,
        base: tuple,
        vary: tuple[str, ...],
        environ: dict[str, Any],
        status: str,
        headers: list[tuple[str, str]],
        body: bytes,
        etag: str,
        generation: str,
    ) -> None:
        key = (base, tuple(environ.get(name) for name in vary))
        size = len(body) + sum(len(k) + len(v) for k, v in headers) + 200
        entry = _Entry(
            status=status,
            headers=[*headers, (HEADER, "hit")],
            not_modified_headers=[
                *((k, v) for k, v in headers if k.lower() in _NOT_MODIFIED_HEADERS),
                (HEADER, "hit"),
            ],
            body=body,
            etag=etag,
            generation=generation,
            expires=self.clock() + self.seconds,
            size=size,
        )
        with self._lock:
            if base in self._vary and self._vary[base] != vary:
                # The page's Vary changed: entries keyed the old way are unreachable.
                for old in [k for k in self._entries if k[0] == base]:
                    self._drop(old)
            self._drop(key)
            self._vary[base] = vary
            self._variants[base] = self._variants.get(base, 0) + 1
            self._entries[key] = entry
            self._bytes += size
            while self._entries and (
                len(self._entries) > self.max_entries or self._bytes > self.max_bytes
            ):
                self._drop(next(iter(self._entries)))

    def _drop(self, key: tuple) -> None:
        """Remove one entry (the lock is held)."""
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        self._bytes -= entry.size
        base = key[0]
        left = self._variants[base] - 1
        if left:
            self._variants[base] = left
        else:
            del self._variants[base]
            del self._vary[base]


def _no_write(data: bytes) -> None:
    raise RuntimeError("the page cache does not support the WSGI write() callable")


def wrap(app: WSGIApp) -> WSGIApp:
    """``app`` behind the page cache when ``PAGE_CACHE`` is on, else ``app`` itself."""
    return PageCache(app) if settings.PAGE_CACHE else app
