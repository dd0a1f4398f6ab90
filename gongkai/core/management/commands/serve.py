"""Serve the site with gunicorn, the background worker and the periodic-job clock, as one command.

Ctrl-C (SIGINT) or SIGTERM stops all three; if one dies, the others are
stopped and the command exits non-zero.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from .check_port import port_is_free


class Command(BaseCommand):
    help = (
        "Serve on 127.0.0.1:PORT with gunicorn plus the django-tasks database worker "
        "and the periodic-job clock."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--workers", type=int, default=settings.WEB_CONCURRENCY)
        # Off by default: gunicorn's access log costs more than answering a cached page
        # (portal.pages: ~2× fewer requests per second); nginx in front logs requests.
        parser.add_argument(
            "--access-log", action="store_true", help="log every request (gunicorn access log)"
        )

    def handle(self, *args, host, port, workers, access_log, **options):
        if not port_is_free(host, port):
            raise CommandError(
                f"端口 {port} 已被占用：请先停止占用它的程序，或换一个端口，例如 `PORT=8001 make run`。"
                f" (port {port} on {host} is already in use)"
            )
        env = {**os.environ}
        bindir = os.path.dirname(sys.executable)
        web = [
            os.path.join(bindir, "gunicorn"),
            "gongkai.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--threads",
            "4",
            "--worker-class",
            "gthread",
            "--timeout",
            "60",
            # A 500-character Chinese search is ~4.5 kB percent-encoded; the default
            # 4094-byte request line would refuse it before the site could answer.
            "--limit-request-line",
            "8190",
            "--graceful-timeout",
            "5",
            # The control socket lives in ~/.gunicorn and would clash between instances.
            "--no-control-socket",
        ]
        if access_log:
            web += [
                "--access-logfile",
                "-",
                "--access-logformat",
                '%(t)s "%(r)s" %(s)s %(b)s %(M)sms',
            ]
        worker = [
            sys.executable,
            os.path.join(settings.BASE_DIR, "manage.py"),
            "db_worker",
            "--queue-name",
            "*",
            "--interval",
            "1",
            "--no-reload",
        ]
        periodic = [sys.executable, os.path.join(settings.BASE_DIR, "manage.py"), "periodic"]
        procs = {
            "web": subprocess.Popen(web, env=env, start_new_session=True),
            "worker": subprocess.Popen(worker, env=env, start_new_session=True),
            "periodic": subprocess.Popen(periodic, env=env, start_new_session=True),
        }
        stopping = False

        def stop(signum=None, frame=None):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        self.stdout.write(
            self.style.SUCCESS(
                f"gongkai 已启动: http://{host}:{port}/  管理后台: http://{host}:{port}/admin/  (Ctrl-C 停止)"
            )
        )
        exit_code = 0
        try:
            while not stopping:
                for name, proc in procs.items():
                    code = proc.poll()
                    if code is not None:
                        self.stderr.write(f"{name} exited with code {code}; stopping.")
                        exit_code = code or 1
                        stopping = True
                        break
                time.sleep(0.3)
        finally:
            for proc in procs.values():
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 10
            for proc in procs.values():
                try:
                    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    proc.kill()
            self.stdout.write("gongkai 已停止。")
        if exit_code:
            raise CommandError(f"a process stopped unexpectedly (exit {exit_code})")
