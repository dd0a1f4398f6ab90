"""The search rate limit: exact under concurrency, and a refusal that costs nothing.

The concurrent tests count through the real backends: Django's locmem cache (threads),
and the SQLite counter used with the file cache, from several processes at once.
"""

from __future__ import annotations

import multiprocessing
import threading

import pytest
import time_machine
from django.test import RequestFactory, override_settings

from gongkai.search import ratelimit

LIMIT = 30


def _hits(count: int, address: str = "198.51.100.20") -> list[bool]:
    request = RequestFactory().get("/search/", {"q": "就业"}, REMOTE_ADDR=address)
    return [ratelimit.hit(request, limit=LIMIT).allowed for _ in range(count)]


def _concurrently(workers: int, each: int) -> list[bool]:
    results: list[bool] = []
    lock = threading.Lock()
    barrier = threading.Barrier(workers)

    def work() -> None:
        barrier.wait()
        got = _hits(each)
        with lock:
            results.extend(got)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_threads_on_the_locmem_cache_let_exactly_the_limit_through():
    with time_machine.travel("2026-06-01 10:00:05 +0800", tick=False):
        results = _concurrently(workers=8, each=12)
    assert len(results) == 96
    assert results.count(True) == LIMIT


@pytest.fixture
def file_cache(tmp_path):
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    with override_settings(CACHES=caches):
        yield tmp_path / "cache"


def _process(start: multiprocessing.synchronize.Barrier, out, each: int) -> None:
    with time_machine.travel("2026-06-01 10:00:05 +0800", tick=False):
        start.wait()
        out.put(_hits(each))


def test_processes_on_the_file_cache_let_exactly_the_limit_through(file_cache):
    # Forked children share nothing with the parent but the cache directory.
    context = multiprocessing.get_context("fork")
    start = context.Barrier(4)
    out = context.Queue()
    processes = [context.Process(target=_process, args=(start, out, 20)) for _ in range(4)]
    for process in processes:
        process.start()
    results = [allowed for _ in processes for allowed in out.get(timeout=60)]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    assert len(results) == 80
    assert results.count(True) == LIMIT
    assert (file_cache / "ratelimit.sqlite3").exists()


def test_the_file_cache_counter_survives_culling_and_forgets_old_windows(file_cache):
    with time_machine.travel("2026-06-01 10:00:05 +0800", tick=False):
        assert _hits(LIMIT + 1) == [True] * LIMIT + [False]
        from django.core.cache import cache

        cache.clear()  # what culling a full file cache does: the counts stay
        assert _hits(1) == [False]
    with time_machine.travel("2026-06-01 10:03:05 +0800", tick=False):
        assert _hits(1) == [True]
        counter = ratelimit._sqlite_counter(cache)
        windows = counter._connection().execute("SELECT DISTINCT window FROM hits").fetchall()
        assert len(windows) == 1  # the window from three minutes ago is gone


def test_a_broken_counter_lets_searches_through(file_cache, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(ratelimit.SQLiteCounter, "incr", broken)
    assert _hits(LIMIT + 5) == [True] * (LIMIT + 5)


@override_settings(SEARCH_RATE_LIMIT=1)
@pytest.mark.django_db
def test_the_429_page_is_static_and_costs_no_query(client, django_assert_num_queries):
    with time_machine.travel("2026-06-01 10:00:15 +0800", tick=False):
        client.get("/search/", {"q": "就业"})
        with django_assert_num_queries(0):
            page = client.get("/search/", {"q": "养老"})
        with django_assert_num_queries(0):
            api = client.get("/api/v1/search/", {"q": "养老"})
    assert page.status_code == 429
    assert page["Retry-After"] == "45"
    assert page["Content-Type"] == "text/html; charset=utf-8"
    html = page.content.decode()
    assert '<html lang="zh-CN"' in html
    assert "<title>搜索过于频繁</title>" in html
    assert "一分钟内已搜索超过 1 次。请在 45 秒后再试。" in html
    assert len(page.content) < 2000  # no site frame
    assert 'class="mainnav' not in html
    assert api.status_code == 429
    assert api["Retry-After"] == "45"
    assert api["Content-Type"] == "application/json"
    assert api.json() == {"detail": "本地址搜索过于频繁：每分钟最多 1 次。请在 45 秒后再试。"}
