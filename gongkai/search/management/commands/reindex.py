"""Rebuild the search index from everything that is public now."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from tqdm import tqdm

from gongkai.search.services import count_public, reindex


class Command(BaseCommand):
    help = "Rebuild the full-text search index; search keeps working during the rebuild."

    def handle(self, *args, **options):
        total = count_public()
        with tqdm(total=total, desc=_("Indexing"), unit=_("item"), file=self.stderr) as bar:
            result = reindex(progress=bar.update)
        self.stdout.write(
            _("Indexed %(count)d items (generation %(generation)d).")
            % {"count": result["indexed"], "generation": result["generation"]}
        )
        for kind, count in sorted(result["by_kind"].items()):
            self.stdout.write(f"  {kind}: {count}")
