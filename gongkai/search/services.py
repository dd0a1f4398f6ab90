"""Writes to the search index: refresh one object, or rebuild everything."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from gongkai.core import pagecache

from .backends import get_backend
from .models import SearchEntry, SearchState, SynonymGroup
from .registry import Searchable, SearchDocument, searchables
from .text import TERMS_VERSION, normalise

REBUILD_BATCH = 200


def title_key(title: str) -> str:
    """What an exact-title query must equal: normalised, without any spaces."""
    return "".join(normalise(title).split())[:500]


def _entry_fields(searchable: Searchable, doc: SearchDocument) -> dict:
    published: date | None = doc.date
    return {
        "kind": searchable.kind,
        "object_id": str(doc.object_id),
        "title": doc.title[:500],
        "title_key": title_key(doc.title),
        "doc_number": (doc.doc_number or "")[:100],
        "summary": doc.summary or "",
        "body": doc.body or "",
        "extra": doc.extra or "",
        "url": doc.url[:500],
        "date": published,
        "year": published.year if published else None,
        "column_path": doc.column_path[:255],
        "section_id": doc.section_id,
        "section": (doc.section or "")[:100],
        "topic": (doc.topic or "")[:100],
        "department": (doc.department or "")[:100],
        "validity": (doc.validity or "")[:20],
        "terms_version": TERMS_VERSION,
        "expires_at": doc.expires_at,
    }


def _expired(doc: SearchDocument | None) -> bool:
    return doc is not None and doc.expires_at is not None and doc.expires_at <= timezone.now()


def _write(searchable: Searchable, key: str, doc: SearchDocument | None, generations) -> None:
    backend = get_backend()
    existing = list(SearchEntry.objects.filter(key=key, generation__in=generations))
    if existing:
        backend.remove(existing)
        SearchEntry.objects.filter(pk__in=[e.pk for e in existing]).delete()
    if doc is None or _expired(doc):
        return
    fields = _entry_fields(searchable, doc)
    entries = [SearchEntry(generation=g, key=key, **fields) for g in generations]
    for entry in entries:
        entry.save()
    backend.add(entries)


def refresh(searchable: Searchable, object_id) -> bool:
    """Bring one object's entry up to date; True if it is now searchable.

    The object is read afresh: whatever `searchable.document` says now is what
    the index holds (None, or a missing object, drops the entry).
    """
    manager = searchable.model._default_manager
    obj = manager.filter(pk=object_id).first()
    if obj is not None and hasattr(obj, "specific"):
        obj = obj.specific
    doc = searchable.document(obj) if obj is not None else None
    key = searchable.key(object_id)
    with transaction.atomic():
        state = SearchState.objects.select_for_update().get_or_create(pk=1)[0]
        _write(searchable, key, doc, state.live_generations())
        # Cached search pages must not outlive the index they were made from.
        pagecache.purge()
    return doc is not None


def drop_expired() -> int:
    """Drop every entry whose document has expired (all generations); how many.

    Run every minute (`tasks.drop_expired`, registered with core.periodic); the
    results page also hides an expired entry met before the next run.
    """
    now = timezone.now()
    backend = get_backend()
    with transaction.atomic():
        SearchState.objects.select_for_update().get_or_create(pk=1)
        expired = list(SearchEntry.objects.filter(expires_at__lte=now))
        if not expired:
            return 0
        backend.remove(expired)
        SearchEntry.objects.filter(pk__in=[e.pk for e in expired]).delete()
        pagecache.purge()
    return len(expired)


def refresh_object(obj) -> None:
    """Re-index `obj` now for every searchable type it belongs to."""
    from .registry import for_model

    for searchable in for_model(type(obj)):
        refresh(searchable, obj.pk)


def _documents(searchable: Searchable) -> Iterable[tuple[str, SearchDocument]]:
    """Every public object's document, read in batches (the rebuild writes meanwhile)."""
    public = searchable.public()
    if isinstance(public, QuerySet):
        ids = list(public.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), REBUILD_BATCH):
            for obj in public.filter(pk__in=ids[start : start + REBUILD_BATCH]).order_by("pk"):
                doc = searchable.document(obj)
                if doc is not None and not _expired(doc):
                    yield searchable.key(doc.object_id), doc
        return
    for obj in public:
        doc = searchable.document(obj)
        if doc is not None and not _expired(doc):
            yield searchable.key(doc.object_id), doc


def count_public() -> int:
    total = 0
    for searchable in searchables():
        public = searchable.public()
        total += public.count() if hasattr(public, "count") else len(list(public))
    return total


def reindex(*, progress: Callable[[int], None] | None = None) -> dict:
    """Rebuild the whole index as a new generation, then switch to it.

    Searches keep using the current generation until the switch, which is one
    short transaction; objects changed meanwhile are written to both generations
    by `refresh`. Returns counts. After a change of the term rules (`TERMS_VERSION`)
    the old index cannot be kept alongside, and the rebuild starts from nothing.
    """
    backend = get_backend()
    if SearchEntry.objects.exclude(terms_version=TERMS_VERSION).exists():
        # Built under other term rules: its index rows cannot be removed one by one,
        # so start from nothing (search finds nothing until the rebuild is done).
        clear()
    with transaction.atomic():
        state = SearchState.objects.select_for_update().get_or_create(pk=1)[0]
        building = max(state.current, state.building or 0) + 1
        # Leftovers of an interrupted rebuild.
        _drop_generations(backend, exclude=[state.current])
        state.building = building
        state.save(update_fields=["building"])

    indexed = 0
    batch: list[SearchEntry] = []

    def flush() -> None:
        nonlocal indexed
        if not batch:
            return
        with transaction.atomic():
            keys = [e.key for e in batch]
            stale = list(SearchEntry.objects.filter(generation=building, key__in=keys))
            if stale:
                backend.remove(stale)
                SearchEntry.objects.filter(pk__in=[e.pk for e in stale]).delete()
            created = SearchEntry.objects.bulk_create(batch)
            if any(e.pk is None for e in created):  # backends without RETURNING ids
                created = list(SearchEntry.objects.filter(generation=building, key__in=keys))
            backend.add(created)
        indexed += len(batch)
        if progress:
            progress(len(batch))
        batch.clear()

    by_kind: dict[str, int] = {}
    for searchable in searchables():
        for key, doc in _documents(searchable):
            batch.append(
                SearchEntry(generation=building, key=key, **_entry_fields(searchable, doc))
            )
            by_kind[searchable.kind] = by_kind.get(searchable.kind, 0) + 1
            if len(batch) >= REBUILD_BATCH:
                flush()
    flush()

    with transaction.atomic():
        state = SearchState.objects.select_for_update().get(pk=1)
        old = state.current
        state.current = building
        state.building = None
        state.rebuilt_at = timezone.now()
        state.save()
        pagecache.purge()
    _drop_generations(backend, exclude=[building])
    if hasattr(backend, "optimize"):
        backend.optimize()
    return {"indexed": indexed, "by_kind": by_kind, "generation": building, "previous": old}


def _drop_generations(backend, *, exclude: list[int]) -> None:
    while True:
        with transaction.atomic():
            chunk = list(SearchEntry.objects.exclude(generation__in=exclude)[:1000])
            if not chunk:
                return
            backend.remove(chunk)
            SearchEntry.objects.filter(pk__in=[e.pk for e in chunk]).delete()


def clear() -> None:
    """Empty the index (tests; `reindex` refills it)."""
    with transaction.atomic():
        get_backend().clear()
        SearchEntry.objects.all().delete()
        SearchState.objects.update_or_create(pk=1, defaults={"current": 1, "building": None})
        pagecache.purge()


@transaction.atomic
def synonym_group_create(
    *, words: list[str], one_way: bool = False, note: str = "", by=None
) -> SynonymGroup:
    """Add a group of synonyms (validated as the admin form does), logged in the audit log.

    Searches use it from the next query on; cached result pages are purged.
    """
    from wagtail.log_actions import log

    group = SynonymGroup(terms="\n".join(words), one_way=one_way, note=note)
    group.full_clean()
    group.save()
    log(instance=group, action="wagtail.create", user=by)
    return group
