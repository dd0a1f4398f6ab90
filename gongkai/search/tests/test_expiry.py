"""What expires by itself (SearchDocument.expires_at) is never indexed once expired,
leaves the index within a minute (the periodic sweep), and is never shown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from gongkai.core import periodic
from gongkai.search import services
from gongkai.search.models import SearchEntry
from gongkai.search.registry import (
    Searchable,
    SearchDocument,
    register_searchable,
    unregister_searchable,
)
from gongkai.search.selectors import search

KIND = "test.notice"


class Notice:
    def __init__(self, pk: int, title: str, expires_at=None):
        self.pk = pk
        self.title = title
        self.expires_at = expires_at


@pytest.fixture
def notices(db):
    items: dict[int, Notice] = {}
    register_searchable(
        Searchable(
            kind=KIND,
            label="公示",
            model=Notice,  # type: ignore[arg-type]
            public=lambda: list(items.values()),
            document=lambda n: SearchDocument(
                object_id=n.pk,
                title=n.title,
                url=f"/notice/{n.pk}/",
                body="行政许可公示。",
                expires_at=n.expires_at,
            ),
        )
    )
    services.clear()
    yield items
    unregister_searchable(KIND)


def _found(query: str) -> set[int]:
    return {int(hit.entry.object_id) for hit in search(query).hits}


def test_an_expired_document_is_never_indexed(notices):
    now = timezone.now()
    notices[1] = Notice(1, "鸬鹚养殖许可公示", now - timedelta(minutes=1))
    notices[2] = Notice(2, "鹈鹕养殖许可公示", now + timedelta(days=7))
    notices[3] = Notice(3, "蜉蝣养殖许可公示")
    services.reindex()
    assert _found("养殖许可") == {2, 3}
    assert not SearchEntry.objects.filter(kind=KIND, object_id="1").exists()


def test_expiry_drops_the_entry_without_anyone_saving_it(notices, monkeypatch):
    now = timezone.now()
    notices[1] = Notice(1, "鸬鹚养殖许可公示", now + timedelta(minutes=5))
    notices[2] = Notice(2, "鹈鹕养殖许可公示", now + timedelta(days=7))
    services.reindex()
    assert _found("养殖许可") == {1, 2}

    later = now + timedelta(minutes=6)
    monkeypatch.setattr(timezone, "now", lambda: later)
    # Before the sweep: counted, but never shown.
    results = search("鸬鹚")
    assert results.hits == []
    # The sweep drops it, index rows and all, and only it.
    assert services.drop_expired() == 1
    assert search("鸬鹚").total == 0
    assert _found("养殖许可") == {2}
    assert services.drop_expired() == 0


def test_the_sweep_runs_every_minute(notices):
    from gongkai.search.tasks import drop_expired

    job = next(j for j in periodic.jobs() if j.name == "search.drop_expired")
    assert job.every_seconds == 60 and job.task is drop_expired
    notices[1] = Notice(1, "鸬鹚养殖许可公示", timezone.now() + timedelta(seconds=1))
    services.reindex()
    assert drop_expired.call() == 0
    SearchEntry.objects.filter(kind=KIND).update(expires_at=timezone.now())
    assert drop_expired.call() == 1
