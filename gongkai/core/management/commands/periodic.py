"""Enqueue registered periodic jobs when due (run by `manage.py serve`)."""

import signal

from django.core.management.base import BaseCommand

from gongkai.core.periodic import jobs, loop, run_due


class Command(BaseCommand):
    help = "Enqueue periodic jobs (scheduled publishing, sweeps) when they are due."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Enqueue what is due and exit.")

    def handle(self, *args, once=False, **options):
        if once:
            for name in run_due():
                self.stdout.write(f"enqueued {name}")
            return
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        names = ", ".join(f"{job.name} every {job.every_seconds}s" for job in jobs())
        self.stdout.write(f"periodic jobs: {names or 'none'}")
        loop(should_stop=lambda: stopping)
