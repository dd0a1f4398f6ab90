"""Strip hidden metadata from the attachments of every published record.

    manage.py strip_published_attachments

For attachments published before stripping existed: each document is archived (the
original stays in the staff archive) and its file replaced by the clean copy. Running it
again changes nothing. The summary lists the files that could not be read; the command
exits with status 1 if there was any (also on later runs, until
the file is replaced).
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from gongkai.catalog.attachments import StripSummary, attachments_strip_for_publication
from gongkai.catalog.models import CatalogRecord


class Command(BaseCommand):
    help = "Strip hidden metadata (author, comments, tracked changes…) from published attachments."

    def handle(self, *args: Any, **options: Any) -> None:
        records = (
            CatalogRecord.objects.live().filter(attachments__isnull=False).distinct().order_by("pk")
        )
        summary = StripSummary()
        progress = tqdm(
            records.iterator(),
            total=records.count(),
            desc=_("Records"),
            unit="",
            file=sys.stderr,
            disable=options.get("verbosity", 1) < 1,
        )
        for record in progress:
            summary.merge(attachments_strip_for_publication(page=record))
        self.stdout.write(
            _(
                "Stripped: %(stripped)s; nothing hidden: %(clean)s; already done: "
                "%(unchanged)s; not readable: %(problems)s."
            )
            % {
                "stripped": summary.stripped,
                "clean": summary.clean,
                "unchanged": summary.unchanged,
                "problems": len(summary.problems),
            }
        )
        for name, problem in summary.problems:
            self.stdout.write(f"  {name}: {problem}")
        if summary.problems:
            raise CommandError(
                _("%(count)s attachments could not be stripped.") % {"count": len(summary.problems)}
            )
