"""Benchmarks of the core app (run by `manage.py bench`)."""

import random
from datetime import date, timedelta

import chinese_calendar

from .bench import BenchmarkResult, Measurement, register_benchmark, timed
from .workdays import Calendar

PAIRS = 10_000
SEED = 20260928


def _pairs() -> list[tuple[date, int]]:
    rng = random.Random(SEED)
    first = date(2004, 1, 1).toordinal()
    # Stay clear of the package's last year so the baseline never runs out of data.
    last = date(2025, 12, 31).toordinal()
    return [(date.fromordinal(rng.randint(first, last)), rng.randint(1, 60)) for _ in range(PAIRS)]


def _naive_add(start: date, n: int) -> date:
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        if chinese_calendar.is_workday(day):
            counted += 1
    return day


def add_working_days_benchmark() -> BenchmarkResult:
    pairs = _pairs()
    load_seconds, calendar = timed(Calendar.load)
    # Warm the snapshot's index outside the timing: a loop reuses one snapshot.
    index_seconds, _ = timed(lambda: calendar.add_working_days(date(2004, 1, 1), 1))
    candidate_seconds, fast = timed(lambda: [calendar.add_working_days(s, n) for s, n in pairs])
    baseline_seconds, naive = timed(lambda: [_naive_add(s, n) for s, n in pairs])
    mismatches = sum(1 for a, b in zip(fast, naive, strict=True) if a != b)
    return BenchmarkResult(
        items=PAIRS,
        baseline=Measurement("day-by-day loop over chinese_calendar.is_workday", baseline_seconds),
        candidate=Measurement("add_working_days with one Calendar snapshot", candidate_seconds),
        notes={
            "snapshot_load_seconds": round(load_seconds, 6),
            "snapshot_index_seconds": round(index_seconds, 6),
            "n_range": [1, 60],
            "seed": SEED,
            "mismatches": mismatches,
        },
    )


register_benchmark(
    "workdays.add_working_days",
    add_working_days_benchmark,
    "add_working_days over 10,000 random (start, n) pairs, one Calendar snapshot, "
    "against a naive day-by-day loop calling chinese_calendar.is_workday",
)


# --- pagecache.unknown_params -------------------------------------------------------------

PAGECACHE_REQUESTS = 300
# Each baseline request is a full render (a few per second on a busy machine): fewer of them.
PAGECACHE_BASELINE_REQUESTS = 40


def _environ(path: str, query: str, host: str) -> dict:
    import io
    import sys
    from urllib.parse import unquote_to_bytes

    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        # WSGI carries the decoded path as latin-1 characters of its UTF-8 bytes (PEP 3333).
        "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
        "QUERY_STRING": query,
        "SERVER_NAME": host,
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def _serve_all(app, path: str, host: str, queries: list[str]) -> dict[str, int]:
    seen: dict[str, int] = {}
    for query in queries:
        status: list[str] = []

        def start_response(code, headers, exc_info=None, status=status):
            status.append(f"{code.split()[0]} {dict(headers).get('X-Page-Cache')}")

        result = app(_environ(path, query, host), start_response)
        b"".join(result)
        if hasattr(result, "close"):
            result.close()
        seen[status[0]] = seen.get(status[0], 0) + 1
    return seen


def pagecache_unknown_params_benchmark(
    requests: int = PAGECACHE_REQUESTS, baseline_requests: int = PAGECACHE_BASELINE_REQUESTS
) -> BenchmarkResult:
    """A public record page asked for with a fresh random query string each time.

    Candidate: the page cache as it is, keyed on the parameters the page declares, so
    every ``?x=<random>`` is answered from the canonical entry. Baseline: the same page
    cache with the declaration removed from the answers (as before issue 10), where
    every new query string is a new key and so a full Django render. Seconds are per
    request, so that the ratio compares like with like.
    """
    import uuid

    from django.core.handlers.wsgi import WSGIHandler

    from gongkai.catalog.models import CatalogRecord

    from .pagecache import PARAMS_HEADER, PageCache

    record = next((r for r in CatalogRecord.objects.live().order_by("pk") if r.is_public), None)
    if record is None:
        return BenchmarkResult(
            items=0,
            baseline=Measurement("page cache without declarations", 0.0),
            candidate=Measurement("page cache keyed on declared parameters", 0.0),
            notes={"skipped": "no public record: run `manage.py seed_demo` first"},
        )
    site = record.get_site()
    host = site.hostname if site else "localhost"
    path = record.get_url_parts()[2] if record.get_url_parts() else record.url
    django_app = WSGIHandler()

    def undeclared(environ, start_response):
        def strip(status, headers, exc_info=None):
            headers = [(k, v) for k, v in headers if k != PARAMS_HEADER]
            return start_response(status, headers, exc_info)

        return django_app(environ, strip)

    queries = [f"x={uuid.uuid4().hex}" for _ in range(requests)]
    candidate = PageCache(django_app)
    warm = _serve_all(candidate, path, host, ["", "warm=1"])
    candidate_seconds, candidate_seen = timed(lambda: _serve_all(candidate, path, host, queries))
    baseline = PageCache(undeclared)
    baseline_seconds, baseline_seen = timed(
        lambda: _serve_all(baseline, path, host, queries[:baseline_requests])
    )
    candidate_seconds /= requests
    baseline_seconds /= baseline_requests
    return BenchmarkResult(
        items=requests,
        baseline=Measurement(
            "page cache keyed on the whole query string (every ?x=random a render)",
            baseline_seconds,
        ),
        candidate=Measurement(
            "page cache keyed on the declared parameters (?x=random from the entry)",
            candidate_seconds,
        ),
        notes={
            "page": path,
            "seconds": "per request",
            "baseline_requests": baseline_requests,
            "requests_per_second_candidate": round(1 / candidate_seconds, 1),
            "requests_per_second_baseline": round(1 / baseline_seconds, 1),
            "answers_candidate": candidate_seen,
            "answers_baseline": baseline_seen,
            "warmup": warm,
            "in_process": "one thread, no HTTP server: the cost of the application alone",
        },
    )


register_benchmark(
    "pagecache.unknown_params",
    pagecache_unknown_params_benchmark,
    "a public record page requested with a fresh random query string each time (300 times), "
    "through the page cache keyed on the parameters the page declares, against the same "
    "cache keyed on the whole query string (40 times, each a full render); per request",
)
