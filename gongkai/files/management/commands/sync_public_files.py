"""Record which files every live object shows, and write their published copies.

    manage.py sync_public_files

Publication does this for each object as it goes live; run this once after upgrading
from a release without published copies (files of records published before it answer
404 until then), or to repair. Idempotent: existing copies of unchanged files are kept.
Exits with status 1 if a file could not be published (it stays unreachable).
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _
from tqdm import tqdm

from gongkai.files.registry import owners
from gongkai.files.services import CopyRefused, public_uses_sync


class Command(BaseCommand):
    help = "Record the files of every live object and write their published copies."

    def handle(self, *args: Any, **options: Any) -> None:
        objects = []
        for owner in owners():
            manager = owner.model._default_manager
            live = manager.filter(live=True) if hasattr(owner.model, "live") else manager.all()
            objects.extend(live.order_by("pk"))
        problems: list[tuple[Any, str]] = []
        synced = 0
        for obj in tqdm(objects, disable=len(objects) < 20 or not sys.stderr.isatty()):
            try:
                with transaction.atomic():
                    public_uses_sync(obj=getattr(obj, "specific", obj))
            except CopyRefused as exc:
                problems.append((obj, " ".join(exc.messages)))
            else:
                synced += 1
        self.stdout.write(_("%(count)s live object(s) synced.") % {"count": synced})
        for obj, message in problems:
            self.stderr.write(f"{obj} (#{obj.pk}): {message}")
        if problems:
            sys.exit(1)
