import time

from django.core.management.base import BaseCommand
from django.db import transaction

from gongkai.core.seeding import discover


class Command(BaseCommand):
    help = "Load the demo bureau: every app's seeds.py, in dependency order. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="*", help="Only these app labels.")

    def handle(self, *args, only=None, **options):
        started = time.monotonic()
        for module in discover():
            if only and module.label not in only:
                continue
            t0 = time.monotonic()
            with transaction.atomic():
                module.seed(stdout=self.stdout)
            self.stdout.write(f"  seeded {module.label} ({time.monotonic() - t0:.1f}s)")
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪 ({time.monotonic() - started:.1f}s)"))
