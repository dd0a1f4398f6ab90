"""Page-serving benchmark of the portal (run by `manage.py bench portal.pages`).

Issue 3, "Performance": anonymous record and column pages served by the
production setup (`manage.py serve`: gunicorn, 2 worker processes, DEBUG off,
settings `gongkai.settings.local` on a fresh demo bureau in a temporary
GONGKAI_VAR_DIR) against nginx serving the same HTML as static files, and the
documented nginx-in-front configuration (docs/nginx.conf.example: proxy_cache
micro-caching on the app's s-maxage) against the same static baseline. The load
generator is `wrk` on loopback, ~10 s per page and setup.

The app alone is measured as it runs in production, with its page cache
(`gongkai.core.pagecache`, PAGE_CACHE on): after the first request renders a
page, the web processes answer it from memory without entering Django, until
something public changes. So that the figure is not a cache answering for an
app that never served the page, the benchmark checks, and fails otherwise:
  - the app starts cold: the first request of each page is an `X-Page-Cache:
    miss` rendered by Django, and that HTML is what nginx serves statically;
  - the next requests are hits with exactly the same HTML, and so are requests
    right after the load run (the run was served by the page cache, not by
    errors; wrk also counts non-2xx answers);
  - a purge from another process (as a publication in the admin or a worker
    does) makes the next request a miss again, in both web processes.
It also measures the same pages with PAGE_CACHE off (`django_uncached`: every
request rendered by Django), reported beside the others but not in the ratios.

Ratios are requests per second of a setup divided by those of plain nginx
(targets: app alone >= 0.1, nginx in front >= 0.9). In the BenchmarkResult,
seconds are seconds per request (1 / requests per second, averaged over the
pages), so `ratio` is the app alone against plain nginx.

If wrk or nginx is missing, the benchmark installs Debian's `wrk` and
`nginx-light` with apt-get (saying so); if that is impossible it records
"skipped" with the reason instead of failing.
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings

from gongkai.core.bench import BenchmarkResult, Measurement, register_benchmark

NAME = "portal.pages"
HOST = "127.0.0.1"
WEB_WORKERS = 2
NGINX_WORKERS = 2
DURATION_SECONDS = 10
WARMUP_SECONDS = 2
CONNECTIONS = 32
WRK_THREADS = 2
START_TIMEOUT = 60
SETUP_TIMEOUT = 900
APP_TARGET = 0.1
FRONT_TARGET = 0.9

# The pages: a record and a column with records, both public and anonymous.
PAGES_SCRIPT = """
from gongkai.catalog.models import CatalogColumnPage, CatalogRecord
record = next(r for r in CatalogRecord.objects.live().order_by("pk") if r.is_public)
column = record.get_parent().specific
assert isinstance(column, CatalogColumnPage)
print("PAGE", record.url)
print("PAGE", column.url)
"""

# What a publication does to the page cache, from another process than the web workers.
PURGE_SCRIPT = "from gongkai.core.pagecache import purge_now; purge_now()"

NGINX_CONF = """\
worker_processes {workers};
{user}
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {tmp}/nginx-access.log;
    sendfile on;
    keepalive_timeout 65;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy_temp;
    fastcgi_temp_path {tmp}/fastcgi_temp;
    uwsgi_temp_path {tmp}/uwsgi_temp;
    scgi_temp_path {tmp}/scgi_temp;

    # Baseline: the pages' HTML saved as static files.
    server {{
        listen {host}:{static_port};
        root {tmp}/html;
        index index.html;
    }}

    # "nginx in front": the configuration of docs/nginx.conf.example.
    proxy_cache_path {tmp}/cache levels=1:2 keys_zone=gongkai:10m max_size=1g inactive=10m
                     use_temp_path=off;
    upstream gongkai {{
        server {host}:{app_port};
        keepalive 32;
    }}
    server {{
        listen {host}:{front_port};
{front_locations}
    }}
}}
"""


def _example_locations() -> str:
    """The `location` blocks of docs/nginx.conf.example, so both stay the same."""
    path = Path(settings.BASE_DIR) / "docs" / "nginx.conf.example"
    text = path.read_text(encoding="utf-8")
    begin = text.index("# --- locations (used by the portal.pages benchmark) ---")
    end = text.index("# --- end of locations ---")
    body = text[begin:end].split("\n", 1)[1]
    # The benchmark has no var/static alias: only the HTML pages are loaded.
    return re.sub(r"(?ms)^\s*location /static/ \{.*?^\s*\}\n", "", body)


def nginx_config(tmp: Path, *, app_port: int, static_port: int, front_port: int) -> Path:
    """Write the benchmark's nginx.conf (and its temp folders) into `tmp`; return its path."""
    for sub in ("client_body", "proxy_temp", "fastcgi_temp", "uwsgi_temp", "scgi_temp"):
        (tmp / sub).mkdir(exist_ok=True)
    conf = tmp / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            workers=NGINX_WORKERS,
            # As root, nginx workers would run as nobody, who cannot read the temp dir.
            user="user root root;" if os.geteuid() == 0 else "",
            tmp=tmp,
            host=HOST,
            static_port=static_port,
            front_port=front_port,
            app_port=app_port,
            front_locations=_example_locations(),
        ),
        encoding="utf-8",
    )
    return conf


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _wait_for(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {START_TIMEOUT} s")


def _fetch(url: str) -> tuple[bytes, dict[str, str]]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read(), {k.lower(): v for k, v in response.headers.items()}


def _ensure_tools() -> str | None:
    """None when wrk and nginx are there (installing them if need be), else the reason."""
    missing = [tool for tool in ("wrk", "nginx") if shutil.which(tool) is None]
    if not missing:
        return None
    packages = ["wrk" if tool == "wrk" else "nginx-light" for tool in missing]
    if shutil.which("apt-get") is None:
        return f"{', '.join(missing)} missing and apt-get is not available"
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    print(f"portal.pages: installing {' '.join(packages)} with apt-get", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        for command in (
            ["apt-get", "update", "-qq"],
            ["apt-get", "install", "-y", "-qq", *packages],
        ):
            subprocess.run(prefix + command, env=env, check=True, capture_output=True, timeout=600)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"{', '.join(missing)} missing and could not be installed: {exc}"
    still = [tool for tool in missing if shutil.which(tool) is None]
    return f"{', '.join(still)} still missing after apt-get" if still else None


def _wrk(url: str, seconds: int) -> dict[str, Any]:
    out = subprocess.run(
        [
            "wrk",
            f"-t{WRK_THREADS}",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "--latency",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    p99 = re.search(r"\s99%\s+(\S+)", out)
    return {
        "requests_per_second": round(rps, 1),
        "requests": requests,
        "non_2xx_3xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1).strip() if errors else None,
        "latency_p99": p99.group(1) if p99 else None,
    }


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _stop(proc: subprocess.Popen | None, groups: list[int]) -> None:
    """SIGTERM `proc`, wait, then SIGKILL it and the process groups it started."""
    if proc is not None and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
    for pgid in groups:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)


def _skipped(reason: str) -> BenchmarkResult:
    print(f"portal.pages: skipped ({reason})", file=sys.stderr)
    return BenchmarkResult(
        items=0,
        baseline=Measurement("nginx serving the pages' HTML as static files", 0.0),
        candidate=Measurement("gunicorn, 2 workers (manage.py serve)", 0.0),
        notes={"skipped": reason},
    )


def portal_pages_benchmark() -> BenchmarkResult:
    reason = _ensure_tools()
    if reason:
        return _skipped(reason)
    tmp = Path(tempfile.mkdtemp(prefix="gongkai-bench-pages-"))
    var = tmp / "var"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"}
    }
    env.update(
        GONGKAI_VAR_DIR=str(var),
        DJANGO_SETTINGS_MODULE="gongkai.settings.local",
        DEBUG="False",
        PYTHONUNBUFFERED="1",
    )
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    app_port, static_port, front_port = _free_port(), _free_port(), _free_port()
    uncached_port = _free_port()
    serve: subprocess.Popen | None = None
    nginx: subprocess.Popen | None = None
    groups: list[int] = []
    stack = contextlib.ExitStack()
    try:
        begin = time.perf_counter()
        for command in (
            ["migrate", "--noinput", "--verbosity", "0"],
            ["collectstatic", "--noinput", "--verbosity", "0"],
            ["seed_demo"],
        ):
            subprocess.run(
                manage + command,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                timeout=SETUP_TIMEOUT,
            )
        pages = subprocess.run(
            [*manage, "shell", "-c", PAGES_SCRIPT],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout
        # `shell` may print other lines (Django 5.2 lists its automatic imports).
        pages = [line.split()[1] for line in pages.splitlines() if line.startswith("PAGE ")]
        setup_seconds = time.perf_counter() - begin
        paths = {"record": urlsplit(pages[0]).path, "column": urlsplit(pages[1]).path}

        def serve_on(port: int, log_name: str, **extra: str) -> subprocess.Popen:
            log = stack.enter_context((tmp / log_name).open("wb"))
            proc = subprocess.Popen(
                [
                    *manage,
                    "serve",
                    "--host",
                    HOST,
                    "--port",
                    str(port),
                    "--workers",
                    str(WEB_WORKERS),
                ],
                env={**env, **extra},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            groups.append(proc.pid)
            # Not one of the measured pages: they must reach the page cache cold.
            _wait_for(f"http://{HOST}:{port}/robots.txt", time.monotonic() + START_TIMEOUT)
            # serve starts gunicorn and the worker each in a session of its own.
            groups.extend(_children(proc.pid))
            return proc

        serve = serve_on(app_port, "serve.log", PAGE_CACHE="true")
        app = f"http://{HOST}:{app_port}"

        headers: dict[str, dict[str, str]] = {}
        checks: dict[str, dict[str, Any]] = {}
        bodies: dict[str, bytes] = {}
        for name, path in paths.items():
            body, response_headers = _fetch(app + path)
            # Each web process has its own page cache: a few requests reach both.
            following = [_fetch(app + path) for _ in range(2 * WEB_WORKERS + 1)]
            headers[name] = {
                k: response_headers.get(k, "")
                for k in ("cache-control", "vary", "set-cookie", "etag", "x-page-cache")
            }
            checks[name] = {
                "first_request": response_headers.get("x-page-cache"),
                "next_requests": [h.get("x-page-cache") for _b, h in following],
                "same_html": all(b == body for b, _h in following),
            }
            _require(checks[name]["first_request"] == "miss", f"{name}: the app did not start cold")
            _require("hit" in checks[name]["next_requests"], f"{name}: not stored {headers[name]}")
            _require(checks[name]["same_html"], f"{name}: the page cache changed the HTML")
            bodies[name] = body
            target = tmp / "html" / unquote(path).lstrip("/") / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)

        conf = nginx_config(tmp, app_port=app_port, static_port=static_port, front_port=front_port)
        nginx = subprocess.Popen(
            ["nginx", "-p", str(tmp), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        groups.append(nginx.pid)
        static = f"http://{HOST}:{static_port}"
        front = f"http://{HOST}:{front_port}"
        _wait_for(static + paths["record"], time.monotonic() + START_TIMEOUT)
        _wait_for(front + paths["record"], time.monotonic() + START_TIMEOUT)

        figures: dict[str, dict[str, Any]] = {}
        cache_status: dict[str, str] = {}
        for name, path in paths.items():
            figures[name] = {}
            for setup, base in (("nginx_static", static), ("app", app), ("nginx_in_front", front)):
                _wrk(base + path, WARMUP_SECONDS)
                figures[name][setup] = _wrk(base + path, DURATION_SECONDS)
                if setup == "app":
                    # Entries live PAGE_CACHE_SECONDS, so a long run re-renders a page now
                    # and then; right after the run the page must still come from the cache.
                    after = [_fetch(app + path) for _ in range(2 * WEB_WORKERS + 1)]
                    checks[name]["after_run"] = [h.get("x-page-cache") for _b, h in after]
                    _require("hit" in checks[name]["after_run"], f"{name}: no hit after the run")
                    _require(
                        all(b == bodies[name] for b, _h in after),
                        f"{name}: the HTML changed during the run",
                    )
            cache_status[name] = _fetch(front + path)[1].get("x-cache-status", "")

        # A purge from another process (as a publication does) reaches both web processes:
        # right after a row of hits, the next request is a miss.
        for name, path in paths.items():
            warm = [_fetch(app + path)[1].get("x-page-cache") for _ in range(2 * WEB_WORKERS + 2)]
            checks[name]["before_purge"] = warm
            _require(warm[-WEB_WORKERS - 1 :] == ["hit"] * (WEB_WORKERS + 1), f"{name}: not warm")
        subprocess.run(
            [*manage, "shell", "-c", PURGE_SCRIPT], env=env, check=True, capture_output=True
        )
        for name, path in paths.items():
            checks[name]["after_purge"] = [
                _fetch(app + path)[1].get("x-page-cache") for _ in range(2 * WEB_WORKERS + 1)
            ]
            _require(
                checks[name]["after_purge"][0] == "miss" and "hit" in checks[name]["after_purge"],
                f"{name}: a purge from another process was not seen",
            )

        # The same pages rendered by Django on every request (PAGE_CACHE off), for reference.
        _stop(serve, [])
        serve = None
        uncached = serve_on(uncached_port, "serve-uncached.log", PAGE_CACHE="false")
        try:
            for name, path in paths.items():
                base = f"http://{HOST}:{uncached_port}"
                _require(
                    "x-page-cache" not in _fetch(base + path)[1], f"{name}: uncached is cached"
                )
                _wrk(base + path, WARMUP_SECONDS)
                figures[name]["django_uncached"] = _wrk(base + path, DURATION_SECONDS)
        finally:
            _stop(uncached, [])

        for name in paths:
            plain = figures[name]["nginx_static"]["requests_per_second"]
            for setup in ("app", "nginx_in_front", "django_uncached"):
                rps = figures[name][setup]["requests_per_second"]
                figures[name][f"{setup}_ratio"] = round(rps / plain, 4) if plain else 0.0

        def seconds_per_request(setup: str) -> float:
            return sum(1 / figures[n][setup]["requests_per_second"] for n in paths) / len(paths)

        notes = {
            "pages": paths,
            "figures": figures,
            "targets": {"app_ratio": APP_TARGET, "nginx_in_front_ratio": FRONT_TARGET},
            "app_ratio": round(seconds_per_request("nginx_static") / seconds_per_request("app"), 4),
            "nginx_in_front_ratio": round(
                seconds_per_request("nginx_static") / seconds_per_request("nginx_in_front"), 3
            ),
            "response_headers": headers,
            "page_cache_checks": checks,
            "x_cache_status_after_run": cache_status,
            "load": f"wrk -t{WRK_THREADS} -c{CONNECTIONS} -d{DURATION_SECONDS}s on loopback, "
            f"after a {WARMUP_SECONDS} s warm-up",
            "web_workers": WEB_WORKERS,
            "nginx_workers": NGINX_WORKERS,
            "cpus": os.cpu_count(),
            "setup_seconds": round(setup_seconds, 1),
            "portal_cache_seconds": settings.PORTAL_CACHE_SECONDS,
            "page_cache_seconds": settings.PAGE_CACHE_SECONDS,
        }
        _print_table(figures)
        return BenchmarkResult(
            items=sum(f[s]["requests"] for f in figures.values() for s in ("nginx_static", "app")),
            baseline=Measurement(
                "nginx serving the pages' HTML as static files (s/request)",
                seconds_per_request("nginx_static"),
            ),
            candidate=Measurement(
                "gunicorn, 2 workers, via manage.py serve, page cache on (s/request)",
                seconds_per_request("app"),
            ),
            notes=notes,
        )
    finally:
        _stop(nginx, [])
        _stop(serve, groups)
        stack.close()
        shutil.rmtree(tmp, ignore_errors=True)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise RuntimeError(f"portal.pages: {message}")


def _print_table(figures: dict[str, dict[str, Any]]) -> None:
    print(f"{'page':<8} {'setup':<16} {'req/s':>10} {'× nginx':>8} {'p99':>9} {'non-2xx':>8}")
    for name, row in figures.items():
        for setup in ("nginx_static", "app", "nginx_in_front", "django_uncached"):
            figure = row[setup]
            ratio = row.get(f"{setup}_ratio", 1.0)
            print(
                f"{name:<8} {setup:<16} {figure['requests_per_second']:>10.1f} {ratio:>8.4f} "
                f"{figure['latency_p99'] or '':>9} {figure['non_2xx_3xx']:>8}"
            )


register_benchmark(
    NAME,
    portal_pages_benchmark,
    "anonymous record and column pages: requests/s of manage.py serve (gunicorn, 2 workers, "
    "page cache on) and of nginx in front (proxy_cache micro-caching), each against nginx "
    "serving the same HTML statically; Django uncached for reference; wrk on loopback, "
    "~10 s per page and setup",
)
