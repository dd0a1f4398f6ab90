"""Short, stable URLs for catalogue records (e.g. /results/employment/2019-0601-1234/).

Wagtail routes a page by its slug, and by default makes the slug from the title: a Chinese
title of 33 characters became a slug of about 300 percent-encoded characters, and an edit
of the title changed the URL. A record's slug is instead its date and its page id, given
once when the record is created and kept through title edits and revisions. A slug that
staff set by hand in Latin letters is kept as it is.
"""

from __future__ import annotations

import re
from datetime import date

SLUG_RE = re.compile(r"^\d{4}-\d{4}-\d+(?:-\d+)?$")
MAX_SLUG = 40


def record_slug(on: date, number: int) -> str:
    """The slug of the record numbered ``number`` (its page id), dated ``on``."""
    return f"{on:%Y-%m%d}-{number}"


def needs_short_slug(slug: str) -> bool:
    """True for an empty slug and for one made from a Chinese title (not plain ASCII, or
    too long to be a URL people read out or type)."""
    return not slug or not slug.isascii() or len(slug) > MAX_SLUG
