"""Is Wagtail's admin index complete and in terms? Rebuild it if not (demo seeding)."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from wagtail.models import Page
from wagtail.search.index import get_indexed_models
from wagtail.search.models import IndexEntry

from .. import text

PROBE_PAGES = 50


def index_is_current() -> bool:
    """One entry per indexable object, and a page found by a substring of its title.

    Rows written before this backend (or by older term rules) hold whole runs of
    Chinese, so the middle of a title is not found in them; a database whose task
    worker has not caught up yet has too few rows.
    """
    expected = sum(model.get_indexed_objects().count() for model in get_indexed_models())
    if IndexEntry.objects.count() != expected:
        return False
    for page in Page.objects.filter(depth__gt=1).order_by("pk")[:PROBE_PAGES]:
        for run, is_cjk in text.runs(text.normalise(page.title)):
            if is_cjk and len(run) >= 3:
                return Page.objects.filter(pk=page.pk).search(run[1:3]).count() == 1
    return True  # no Chinese title to ask about


def index_ensure() -> int | None:
    """Rebuild Wagtail's index (``update_index``) unless it is current; the entries written."""
    if index_is_current():
        return None
    call_command("update_index", stdout=StringIO(), verbosity=0)
    return IndexEntry.objects.count()
