"""Publication guard: a page goes live only if every document it shows has a published copy."""

from __future__ import annotations

from typing import Any

from gongkai.core.publication import PublicationRefused

from .registry import owner_for


def public_copy_guard(page: Any) -> None:
    """Prepare the published copy of each document `page` shows; refuse if one cannot be made.

    Runs before the page is saved live, so a damaged or encrypted attachment stops the
    publication instead of going out as uploaded. The copies are not public until the
    publication commits (PublicUse, written on page_published).
    """
    from .services import CopyRefused, public_copy_prepare

    owner = owner_for(page)
    if owner is None:
        return
    for document in owner.documents(page):
        if document is None:
            continue
        try:
            public_copy_prepare(document=document)
        except CopyRefused as exc:
            raise PublicationRefused(" ".join(exc.messages)) from exc
