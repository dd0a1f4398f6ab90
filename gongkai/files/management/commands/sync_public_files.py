"""Record which files every live object shows, and write their published copies.

    manage.py sync_public_files [--missing]

Publication does this for each object as it goes live; run this once after upgrading
from a release without published copies (files of records published before it answer
404 until then), or to repair. Idempotent: existing copies of unchanged files are kept.
``--missing`` (what `make run` does) only looks at live objects that show files but have
no recorded use yet.
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

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--missing",
            action="store_true",
            help="Only live objects that have no recorded file use yet.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from django.contrib.contenttypes.models import ContentType

        from gongkai.files.models import PublicUse

        objects = []
        for owner in owners():
            manager = owner.model._default_manager
            live = manager.filter(live=True) if hasattr(owner.model, "live") else manager.all()
            if options["missing"]:
                content_type = ContentType.objects.get_for_model(
                    owner.model, for_concrete_model=False
                )
                used = PublicUse.objects.filter(content_type=content_type).values("object_id")
                live = live.exclude(pk__in=used)
            for obj in live.order_by("pk"):
                specific = getattr(obj, "specific", obj)
                if options["missing"] and not (
                    list(owner.documents(specific)) or list(owner.images(specific))
                ):
                    continue
                objects.append(specific)
        problems: list[tuple[Any, str]] = []
        synced = 0
        for obj in tqdm(objects, disable=len(objects) < 20 or not sys.stderr.isatty()):
            try:
                with transaction.atomic():
                    public_uses_sync(obj=obj)
            except CopyRefused as exc:
                problems.append((obj, " ".join(exc.messages)))
            else:
                synced += 1
        self.stdout.write(_("%(count)s live object(s) synced.") % {"count": synced})
        for obj, message in problems:
            self.stderr.write(f"{obj} (#{obj.pk}): {message}")
        if problems:
            sys.exit(1)
