"""The page cache in front of the real Django handler, called with WSGI environs."""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes
from wsgiref.headers import Headers

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.utils import timezone
from wagtail.models import PageViewRestriction

from gongkai.catalog.services import record_withdraw
from gongkai.catalog.tests.factories import column, publish_reviewed, record
from gongkai.core import pagecache
from gongkai.core.pagecache import PageCache, current_generation
from gongkai.portal.accessibility import LARGE_FONT_COOKIE

pytestmark = pytest.mark.django_db


# --- helpers -------------------------------------------------------------------------------


@dataclass
class Answer:
    status: str
    headers: Headers
    body: bytes

    @property
    def code(self) -> int:
        return int(self.status.split()[0])

    @property
    def cache(self) -> str | None:
        return self.headers.get("X-Page-Cache")


def environ(
    path: str,
    *,
    method: str = "GET",
    query: str = "",
    host: str = "localhost",
    scheme: str = "http",
    cookies: dict[str, str] | None = None,
    **headers: str,
) -> dict[str, Any]:
    env = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        # WSGI carries the decoded path as latin-1 characters of its UTF-8 bytes (PEP 3333).
        "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
        "QUERY_STRING": query,
        "SERVER_NAME": host,
        "SERVER_PORT": "443" if scheme == "https" else "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scheme,
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if cookies:
        env["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    for name, value in headers.items():
        env["HTTP_" + name.upper()] = value
    return env


def call(app: Any, path: str, **kwargs: Any) -> Answer:
    got: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        got["status"], got["headers"] = status, headers

    result = app(environ(path, **kwargs), start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return Answer(got["status"], Headers(list(got["headers"])), body)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(wsgi_keeps_db_connection, clock):
    """Django's own WSGI handler behind the page cache, as gongkai/wsgi.py builds it."""
    return PageCache(WSGIHandler(), clock=clock)


@pytest.fixture
def results(world):
    return column()


@pytest.fixture
def published(results, world):
    return record(results, title="关于失业保险稳岗返还的公示", department=world.employment)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a block as if its transaction committed, on-commit callbacks included.

    The test's own transaction never commits, so purges queued while the fixtures were
    built stay pending; they are dropped first, as if that setup had been committed,
    or they would stand in for the purge the block is meant to queue.
    """

    def run():
        connection.run_on_commit = [
            entry for entry in connection.run_on_commit if entry[1] is not pagecache.purge_now
        ]
        return django_capture_on_commit_callbacks(execute=True)

    return run


def fake_app(response: HttpResponse | None = None, **headers: str):
    """A WSGI app answering every request with `response` (public by default); counts calls."""

    def application(environ: dict[str, Any], start_response: Any) -> Any:
        application.calls += 1
        answer = response or HttpResponse(f"page {application.calls}".encode())
        if response is None:
            answer["Cache-Control"] = "public, max-age=0, s-maxage=1"
            answer["Content-Length"] = str(len(answer.content))
        for name, value in headers.items():
            answer[name.replace("_", "-")] = value
        start_response(
            f"{answer.status_code} {answer.reason_phrase}",
            [*answer.items(), *(("Set-Cookie", c.OutputString()) for c in answer.cookies.values())],
        )
        return answer

    application.calls = 0
    return application


# --- hits and misses on real pages ----------------------------------------------------------


def test_an_anonymous_record_page_is_a_miss_then_a_hit(app, published, django_assert_num_queries):
    first = call(app, published.url)
    assert first.code == 200
    assert first.cache == "miss"
    assert published.title in first.body.decode()
    assert "public" in first.headers["Cache-Control"]
    assert first.headers["ETag"]

    with django_assert_num_queries(0):
        second = call(app, published.url)
    assert second.code == 200
    assert second.cache == "hit"
    assert second.body == first.body
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Content-Type"] == first.headers["Content-Type"]
    assert second.headers["Content-Length"] == str(len(first.body))
    assert len(app) == 1


def test_the_column_page_is_cached_too(app, results, published):
    assert call(app, results.url).cache == "miss"
    again = call(app, results.url)
    assert again.cache == "hit"
    assert published.title in again.body.decode()


def test_the_large_font_mode_gets_its_own_entry(app, published):
    plain = call(app, published.url)
    large = call(app, published.url, cookies={LARGE_FONT_COOKIE: "1"})
    assert large.cache == "miss"
    assert 'class="mode-large"' in large.body.decode()
    assert 'class="mode-large"' not in plain.body.decode()

    assert call(app, published.url, cookies={LARGE_FONT_COOKIE: "1"}).body == large.body
    assert call(app, published.url, cookies={LARGE_FONT_COOKIE: "1"}).cache == "hit"
    again = call(app, published.url)
    assert again.cache == "hit"
    assert again.body == plain.body
    assert len(app) == 2


def test_a_csrf_cookie_alone_still_gets_the_shared_page(app, published):
    stored = call(app, published.url)
    answer = call(app, published.url, cookies={"csrftoken": "x" * 32})
    assert answer.cache == "hit"
    assert answer.body == stored.body


def test_a_session_cookie_goes_to_django(app, published, world):
    call(app, published.url)
    client = Client()
    client.force_login(world.drafter)
    session = client.cookies["sessionid"].value

    answer = call(app, published.url, cookies={"sessionid": session})
    assert answer.code == 200
    assert answer.cache is None  # not even looked up
    assert "private" in answer.headers["Cache-Control"]
    assert len(app) == 1

    # Another cookie beside the display mode is enough to bypass.
    assert call(app, published.url, cookies={LARGE_FONT_COOKIE: "1", "other": "x"}).cache is None


def test_private_pages_are_never_stored_nor_served_to_others(app, published, world):
    PageViewRestriction.objects.create(
        page=published, restriction_type=PageViewRestriction.PASSWORD, password="secret-1"
    )
    for _ in range(2):
        answer = call(app, published.url)
        assert answer.cache == "miss"
        assert "private" in answer.headers["Cache-Control"]
        assert published.title not in answer.body.decode()
    assert len(app) == 0


def test_authorization_header_bypasses(app, published):
    call(app, published.url)
    assert call(app, published.url, AUTHORIZATION="Bearer abc").cache is None


def test_head_is_answered_from_the_get_entry_without_a_body(app, published):
    cold = call(app, published.url, method="HEAD")
    assert cold.cache == "miss"
    assert len(app) == 0  # a HEAD miss is not stored

    full = call(app, published.url)
    head = call(app, published.url, method="HEAD")
    assert head.code == 200
    assert head.cache == "hit"
    assert head.body == b""
    assert head.headers["Content-Length"] == str(len(full.body))


def test_if_none_match_is_answered_304_from_the_cache(app, published):
    etag = call(app, published.url).headers["ETag"]
    answer = call(app, published.url, IF_NONE_MATCH=etag)
    assert answer.code == 304
    assert answer.cache == "hit"
    assert answer.body == b""
    assert answer.headers["ETag"] == etag
    assert "Content-Length" not in answer.headers
    assert call(app, published.url, IF_NONE_MATCH='"other"').code == 200


def test_hosts_and_schemes_never_share_entries(app, published):
    call(app, published.url)
    assert call(app, published.url, host="127.0.0.1").cache == "miss"
    assert call(app, published.url, scheme="https").cache == "miss"
    assert call(app, published.url, X_FORWARDED_PROTO="https").cache == "miss"
    assert call(app, published.url).cache == "hit"


def test_query_strings_are_part_of_the_key_and_long_ones_are_not_cached(app, results):
    call(app, results.url, query="page=1")
    assert call(app, results.url, query="page=1").cache == "hit"
    assert call(app, results.url, query="page=2").cache == "miss"
    long = "topic=" + "x" * 1100
    call(app, results.url, query=long)
    assert call(app, results.url, query=long).cache is None


# --- declared query parameters ---------------------------------------------------------------


def test_unknown_parameters_on_a_record_are_answered_from_the_canonical_entry(
    app, published, django_assert_num_queries
):
    canonical = call(app, published.url)
    assert canonical.cache == "miss"
    for query in ("utm_source=wechat", "x=8f3a91", "from=singlemessage&isappinstalled=0", "&&"):
        with django_assert_num_queries(0):
            answer = call(app, published.url, query=query)
        assert answer.code == 200
        assert answer.cache == "hit"
        assert answer.body == canonical.body
    assert len(app) == 1
    # The declaration is internal: never sent.
    assert "X-Page-Params" not in canonical.headers


def test_a_first_visit_with_junk_is_not_stored_and_the_next_renders_the_canonical_url(
    app, published
):
    first = call(app, published.url, query="junk=%3Cscript%3E")
    assert first.code == 200
    assert first.cache == "miss"
    assert len(app) == 0  # rendered for the junk URL (its large-font link says so)
    second = call(app, published.url, query="other=1")
    assert second.cache == "miss"
    assert len(app) == 1
    body = second.body.decode()
    assert "other" not in body and "junk" not in body  # rendered for the canonical URL
    assert call(app, published.url).body == second.body
    assert call(app, published.url).cache == "hit"


def test_declared_parameters_stay_in_the_key(app, published, results):
    plain = call(app, published.url)
    printed = call(app, published.url, query="print=1&utm_medium=qr")
    assert printed.cache == "miss"
    assert printed.body != plain.body
    again = call(app, published.url, query="utm_campaign=x&print=1")
    assert again.cache == "hit"
    assert again.body == printed.body

    call(app, results.url, query="page=1")
    assert call(app, results.url, query="page=1&fbclid=abc").cache == "hit"
    assert call(app, results.url, query="validity=valid&page=1").cache == "miss"
    assert call(app, results.url, query="page=1&validity=valid&z=1").cache == "hit"


def test_column_pages_declare_every_filter():
    from gongkai.catalog.filters import FILTER_KEYS
    from gongkai.catalog.models import CatalogColumnPage, CatalogRecord
    from gongkai.portal.models import HomePage

    assert set(CatalogColumnPage.cache_params) == {*FILTER_KEYS, "page"}
    assert CatalogRecord.cache_params == ("print",)
    assert HomePage.cache_params == ()


def test_search_keys_on_its_own_parameters(app, world):
    first = call(app, "/search/", query="q=%E7%A4%BE%E4%BF%9D")
    assert first.code == 200
    assert call(app, "/search/", query="q=%E7%A4%BE%E4%BF%9D&utm_source=x").cache == "hit"
    assert call(app, "/search/", query="q=%E5%8C%BB%E4%BF%9D").cache == "miss"


def test_the_benchmark_serves_random_queries_from_the_entry(published, wsgi_keeps_db_connection):
    from gongkai.core.benchmarks import pagecache_unknown_params_benchmark

    result = pagecache_unknown_params_benchmark(requests=5, baseline_requests=2)
    assert result.notes["answers_candidate"] == {"200 hit": 5}
    assert result.notes["answers_baseline"] == {"200 miss": 2}
    assert result.notes["page"] == published.url
    assert result.ratio > 1


def test_an_undeclared_page_keeps_the_whole_query_in_its_key():
    app = PageCache(fake_app())
    assert call(app, "/", query="a=1").cache == "miss"
    assert call(app, "/", query="a=1").cache == "hit"
    assert call(app, "/", query="a=2").cache == "miss"
    assert call(app, "/", query="a=1&b=1").cache == "miss"


def test_a_declared_fake_page_is_keyed_on_its_parameters_sorted():
    inner = fake_app(X_Page_Params="a,b")
    app = PageCache(inner)
    assert call(app, "/", query="b=2&a=1").cache == "miss"
    assert len(app) == 1  # only declared parameters: stored, under the sorted key
    for query in ("a=1&b=2", "b=2&a=1", "a=1&x=9&b=2", "utm_source=y&b=2&a=1"):
        answer = call(app, "/", query=query)
        assert answer.cache == "hit"
        assert answer.body == b"page 1"
        assert "X-Page-Params" not in answer.headers
    assert call(app, "/", query="a=1&b=3").cache == "miss"
    # A repeated parameter keeps its order: a=1&a=2 is not a=2&a=1.
    assert call(app, "/", query="a=1&a=2").cache == "miss"
    assert call(app, "/", query="a=2&a=1").cache == "miss"
    assert inner.calls == 4
    # A miss with junk renders the canonical URL itself.
    seen = []

    def recording(environ, start_response):
        seen.append(environ["QUERY_STRING"])
        return inner(environ, start_response)

    app.app = recording
    call(app, "/", query="zz=1&b=9")
    assert seen == ["b=9"]


def test_errors_and_posts_are_not_cached(app, world):
    assert call(app, "/no-such-page/").code == 404
    assert call(app, "/no-such-page/").cache == "miss"
    assert call(app, "/", method="POST").cache is None
    assert len(app) == 0


# --- purging -------------------------------------------------------------------------------


def test_publishing_a_record_is_visible_at_once(app, results, published, world, commit):
    assert call(app, results.url).cache == "miss"
    assert call(app, results.url).cache == "hit"

    with commit():
        new = record(results, title="关于2026年就业见习补贴的公示", department=world.employment)
    answer = call(app, results.url)
    assert answer.cache == "miss"
    assert new.title in answer.body.decode()
    assert call(app, new.url).code == 200


def test_republishing_a_change_is_visible_at_once(app, published, commit):
    assert call(app, published.url).cache == "miss"
    assert call(app, published.url).cache == "hit"
    published.title = "关于失业保险稳岗返还的公示（更正）"
    with commit():
        publish_reviewed(published)
    answer = call(app, published.url)
    assert answer.cache == "miss"
    assert "（更正）" in answer.body.decode()


def test_withdrawing_a_record_takes_it_off_at_once(app, results, published, world, commit):
    call(app, published.url)
    call(app, results.url)
    assert call(app, published.url).cache == "hit"

    with commit():
        record_withdraw(record=published, by=world.office_reviewer, reason="内容有误")
    assert call(app, published.url).code == 404
    column_page = call(app, results.url)
    assert column_page.cache == "miss"
    assert published.title not in column_page.body.decode()


def test_unpublishing_takes_the_page_off_at_once(app, published, commit):
    call(app, published.url)
    with commit():
        published.unpublish()
    assert call(app, published.url).code == 404


def test_draft_edits_do_not_purge(app, published, commit):
    generation = current_generation()
    call(app, published.url)
    published.title = "草稿里的新标题"
    with commit():
        published.save_revision()
    assert current_generation() == generation
    answer = call(app, published.url)
    assert answer.cache == "hit"
    assert "草稿里的新标题" not in answer.body.decode()


def test_internal_bookkeeping_does_not_purge(app, published, world, commit):
    call(app, published.url)
    generation = current_generation()
    with commit() as callbacks:
        session = SessionStore()
        session["x"] = 1
        session.save()
        world.drafter.last_login = timezone.now()
        world.drafter.save(update_fields=["last_login"])
    assert callbacks == []
    assert current_generation() == generation
    assert call(app, published.url).cache == "hit"


def test_any_other_model_purges_once_per_transaction(world, commit):
    generation = current_generation()
    with commit() as callbacks, transaction.atomic():
        for name in ("甲科", "乙科", "丙科"):
            world.office.name = name
            world.office.save()
            with transaction.atomic():  # a nested savepoint is covered by the outer purge
                world.policy.save()
    assert callbacks == [pagecache.purge_now]
    assert current_generation() != generation


def test_a_rolled_back_savepoint_does_not_lose_the_purge(world, commit):
    with commit() as callbacks, transaction.atomic():
        try:
            with transaction.atomic():
                world.office.save()
                raise RuntimeError
        except RuntimeError:
            pass
        world.policy.save()
    assert callbacks == [pagecache.purge_now]


def test_apps_can_declare_their_own_internal_models(world, commit):
    from gongkai.org.models import Department

    pagecache.register_internal_model(Department)
    try:
        with commit() as callbacks:
            world.office.save()
        assert callbacks == []
    finally:
        del pagecache._INTERNAL[Department]
        pagecache._resolved = None
        pagecache._connect_deletes()


def test_deleting_purges_and_internal_models_get_no_delete_listener(world, commit):
    """A post_delete listener costs a model Django's fast bulk delete; internal ones need none."""
    from django.contrib.sessions.models import Session
    from django.db.models.signals import post_delete

    from gongkai.org.models import Department

    assert pagecache._on_delete not in post_delete._live_receivers(Session)[0]
    assert pagecache._on_delete in post_delete._live_receivers(Department)[0]

    department = Department.objects.create(code="temp", name="临时科")
    with commit() as callbacks:
        Department.objects.filter(pk=department.pk).delete()
    assert callbacks == [pagecache.purge_now]


def test_purge_reaches_another_process(published, wsgi_keeps_db_connection):
    """Two middlewares stand for two processes: they share only Django's cache."""
    one, two = PageCache(WSGIHandler()), PageCache(WSGIHandler())
    call(one, published.url)
    call(two, published.url)
    pagecache.purge_now()
    assert call(one, published.url).cache == "miss"
    assert call(two, published.url).cache == "miss"
    assert call(two, published.url).cache == "hit"


def test_a_lost_generation_never_revives_old_entries(published, app):
    from django.core.cache import cache

    call(app, published.url)
    cache.delete(pagecache.GENERATION_KEY)
    assert call(app, published.url).cache == "miss"


# --- what is stored, bounds and expiry (a stand-in application) ---------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Cache_Control": "private, max-age=0"},
        {"Cache_Control": "public, no-cache"},
        {"Cache_Control": "public, no-store"},
        {"Cache_Control": "max-age=60"},
        {"Vary": "*"},
        {"Content_Security_Policy": "script-src 'nonce-abc'"},
    ],
)
def test_responses_not_marked_shareable_are_not_stored(headers):
    inner = fake_app(**headers)
    app = PageCache(inner)
    call(app, "/")
    assert call(app, "/").cache == "miss"
    assert inner.calls == 2
    assert len(app) == 0


def test_responses_that_set_a_cookie_are_never_stored():
    response = HttpResponse(b"hello")
    response["Cache-Control"] = "public, max-age=0, s-maxage=1"
    response["Content-Length"] = "5"
    response.set_cookie("tracking", "1")
    app = PageCache(fake_app(response))
    assert call(app, "/").cache == "miss"
    assert call(app, "/").cache == "miss"
    assert len(app) == 0


def test_vary_headers_are_part_of_the_key():
    inner = fake_app(Vary="Cookie, Accept-Language, Accept-Encoding")
    app = PageCache(inner)
    gzip = call(app, "/", ACCEPT_ENCODING="gzip").body
    plain = call(app, "/").body
    assert gzip != plain
    assert call(app, "/", ACCEPT_ENCODING="gzip").body == gzip
    assert call(app, "/").body == plain
    # Accept-Language cannot change a page while only one language is configured.
    assert call(app, "/", ACCEPT_LANGUAGE="en").body == plain
    assert inner.calls == 2


def test_entries_expire_after_page_cache_seconds(clock):
    inner = fake_app()
    app = PageCache(inner, seconds=60, clock=clock)
    call(app, "/")
    clock.now += 59
    assert call(app, "/").cache == "hit"
    clock.now += 2
    answer = call(app, "/")
    assert answer.cache == "miss"
    assert answer.body == b"page 2"
    assert len(app) == 1


def test_the_least_recently_used_entry_goes_first():
    app = PageCache(fake_app(), max_entries=2)
    call(app, "/a/")
    call(app, "/b/")
    call(app, "/a/")  # /a/ is now more recent than /b/
    call(app, "/c/")
    assert len(app) == 2
    assert call(app, "/a/").cache == "hit"
    assert call(app, "/c/").cache == "hit"
    assert call(app, "/b/").cache == "miss"


def test_the_byte_budget_is_kept():
    app = PageCache(fake_app(), max_bytes=8 * 1024)
    for n in range(50):
        call(app, f"/{n}/")
    assert app.size <= 8 * 1024
    assert 0 < len(app) < 50
    assert call(app, "/49/").cache == "hit"
    assert call(app, "/0/").cache == "miss"


def test_a_page_larger_than_its_share_of_the_budget_is_not_stored():
    big = HttpResponse(b"x" * 4096)
    big["Cache-Control"] = "public"
    big["Content-Length"] = "4096"
    app = PageCache(fake_app(big), max_bytes=4 * 4096)
    call(app, "/")
    assert len(app) == 0


def test_wrap_follows_the_setting():
    inner = fake_app()
    with override_settings(PAGE_CACHE=False):
        assert pagecache.wrap(inner) is inner
    with override_settings(PAGE_CACHE=True):
        assert isinstance(pagecache.wrap(inner), PageCache)


def test_the_page_cache_setting_is_on_by_default_and_documented():
    from gongkai.settings import base
    from gongkai.settings.env import REGISTRY

    assert base.PAGE_CACHE is True
    for name in ("PAGE_CACHE", "PAGE_CACHE_SECONDS", "PAGE_CACHE_MAX_ENTRIES", "PAGE_CACHE_MAX_MB"):
        assert REGISTRY[name].help


def test_with_the_file_cache_the_generation_is_watched_by_its_file(
    tmp_path, published, wsgi_keeps_db_connection
):
    """The default one-machine setup: the token lives in the file cache all processes share."""
    from django.core.cache import cache

    file_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        }
    }
    with override_settings(CACHES=file_cache):
        one, two = PageCache(WSGIHandler()), PageCache(WSGIHandler())
        assert one._generation._path is not None
        for app in (one, two):
            assert call(app, published.url).cache == "miss"
            assert call(app, published.url).cache == "hit"
            assert one._generation.current() == current_generation()

        pagecache.purge_now()  # as another process would
        for app in (one, two):
            assert call(app, published.url).cache == "miss"
            assert call(app, published.url).cache == "hit"

        cache.clear()  # the token's file is gone: a new token, never the old entries
        assert call(one, published.url).cache == "miss"
        assert one._generation.current() == current_generation()
