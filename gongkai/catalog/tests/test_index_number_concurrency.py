"""Two editors publishing at once never produce the same 索引号 (issue 3, on PostgreSQL).

SQLite serialises writers on the database lock, so the race only exists on a
server database; CI's second pass (.ci/run, DATABASE_URL set) runs this test.

Tasks go to the database queue, as in production (settings.base): with the
test settings' ImmediateBackend, Wagtail's search indexing runs inside each
publish transaction, and its PostgreSQL backend rewrites every index entry's
title norm, so concurrent publishes deadlock there (not on the 索引号 counter).
"""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from gongkai.catalog.models import CatalogRecord
from gongkai.catalog.tests.factories import column, record
from gongkai.review.services import review_record_attest

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrent publishes need PostgreSQL"
    ),
    # Real transactions (each thread has its own connection); restore Wagtail's
    # root page, locale and site after the flush, as the live-server tests do.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

N = 8
JOIN_SECONDS = 60


@pytest.fixture(autouse=True)
def _queued_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_concurrent_publishes_get_distinct_consecutive_index_numbers(world):
    results = column()
    pks = []
    for i in range(N):
        page = record(
            results, title=f"并发发布测试文件{i + 1}", publish=False, department=world.employment
        )
        review_record_attest(page=page, note="测试")
        pks.append(page.pk)

    barrier = threading.Barrier(N, timeout=JOIN_SECONDS)
    errors: list[BaseException] = []

    def publish(pk: int) -> None:
        try:
            page = CatalogRecord.objects.get(pk=pk)
            revision = page.get_latest_revision()
            barrier.wait()
            revision.publish()
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(pk,)) for pk in pks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a publish did not finish"
    assert errors == []

    numbers = list(CatalogRecord.objects.filter(pk__in=pks).values_list("index_number", flat=True))
    assert all(numbers) and len(set(numbers)) == N
    year = timezone.localdate().year
    assert sorted(numbers) == [f"MB1C12345/{year}-{n:05d}" for n in range(1, N + 1)]
    assert CatalogRecord.objects.filter(pk__in=pks, live=True).count() == N
