"""Periodic jobs: enqueued once per period across processes; scheduled publishing runs by itself."""

import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks import task

from gongkai.catalog.models import CatalogRecord
from gongkai.catalog.tests.factories import column, record
from gongkai.core import periodic
from gongkai.review.services import review_record_attest

CALLS: list[str] = []


@task()
def remember() -> None:
    CALLS.append("ran")


@pytest.fixture
def only_job(monkeypatch):
    monkeypatch.setattr(periodic, "_jobs", {})
    CALLS.clear()
    return periodic.register_periodic("test.remember", 60, remember)


def test_a_job_is_enqueued_once_per_period(only_job):
    start = 1_800_000_000.0  # a period boundary is every 60 s from the epoch
    assert periodic.run_due(start) == ["test.remember"]
    # Another process (or this one) in the same period does nothing.
    assert periodic.run_due(start + 30) == []
    assert periodic.run_due(start + 60) == ["test.remember"]
    assert CALLS == ["ran", "ran"]


def test_a_period_is_rejected():
    with pytest.raises(ValueError):
        periodic.register_periodic("bad", 0, remember)


def test_the_command_runs_once(only_job):
    out = io.StringIO()
    call_command("periodic", "--once", stdout=out)
    assert "test.remember" in out.getvalue() and CALLS == ["ran"]


@pytest.mark.django_db
def test_scheduled_publishing_is_registered_and_publishes_when_due(world):
    assert "review.publish_scheduled" in {job.name for job in periodic.jobs()}
    page = record(column(), title="定时发布的通知", publish=False, department=world.employment)
    page.go_live_at = timezone.now() + timezone.timedelta(hours=2)
    revision = page.save_revision()
    review_record_attest(page=page, note="测试补录")
    revision.publish()
    assert not CatalogRecord.objects.get(pk=page.pk).live
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=3)):
        assert "review.publish_scheduled" in periodic.run_due()
    assert CatalogRecord.objects.get(pk=page.pk).live
