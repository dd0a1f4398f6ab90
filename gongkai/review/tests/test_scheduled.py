"""Scheduled publishing (manage.py publish_scheduled): a refused revision does not stop the run."""

import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import PageLogEntry

from gongkai.catalog.models import CatalogRecord
from gongkai.catalog.tests.factories import column, record
from gongkai.review.services import review_record_attest
from gongkai.review.states import ReviewAction
from gongkai.review.tasks import publish_scheduled

pytestmark = pytest.mark.django_db


def schedule(page: CatalogRecord, *, hours: int, reviewed: bool):
    """Schedule the page's current state to go live in `hours`; attest a review if asked."""
    page.go_live_at = timezone.now() + timezone.timedelta(hours=hours)
    revision = page.save_revision()
    if reviewed:
        review_record_attest(page=page, note="测试补录")
    # Scheduling does not make the page live, so the guard does not stop it here: a
    # publisher can schedule an unreviewed revision; going live is where the gate is.
    revision.publish()
    revision.refresh_from_db()
    assert revision.approved_go_live_at is not None
    return revision


@pytest.fixture
def due(world):
    results = column()
    unreviewed = record(
        results, title="未经审查的定时发布", publish=False, department=world.employment
    )
    reviewed = record(results, title="已审查的定时发布", publish=False, department=world.employment)
    first = schedule(unreviewed, hours=1, reviewed=False)
    second = schedule(reviewed, hours=2, reviewed=True)
    return unreviewed, first, reviewed, second


def run_command() -> str:
    out = io.StringIO()
    with time_machine.travel(timezone.now() + timezone.timedelta(days=1)):
        call_command("publish_scheduled", stdout=out)
    return out.getvalue()


def test_a_refused_revision_is_skipped_and_the_next_one_published(due):
    unreviewed, first, reviewed, second = due
    output = run_command()

    page = CatalogRecord.objects.get(pk=reviewed.pk)
    assert page.live and page.live_revision_id == second.pk and page.index_number
    second.refresh_from_db()
    assert second.approved_go_live_at is None

    skipped = CatalogRecord.objects.get(pk=unreviewed.pk)
    assert not skipped.live and skipped.live_revision_id is None and not skipped.index_number
    first.refresh_from_db()
    assert first.approved_go_live_at is not None  # rolled back whole: still scheduled

    refused_line = next(line for line in output.splitlines() if "未经审查的定时发布" in line)
    assert "未发布" in refused_line and str(first.pk) in refused_line
    assert "尚未完成审查" in refused_line
    assert "1 条已发布，1 条被拒绝" in output

    entries = PageLogEntry.objects.filter(page=unreviewed, action=ReviewAction.SCHEDULED_REFUSED)
    assert [entry.data["revision"] for entry in entries] == [first.pk]
    assert PageLogEntry.objects.filter(
        page=reviewed, action="wagtail.publish.scheduled", revision=second
    ).exists()


def test_a_refusal_is_audited_once_and_published_once_reviewed(due):
    unreviewed, first, _reviewed, _second = due
    run_command()
    output = run_command()  # still refused, reported again, not audited again
    assert "未经审查的定时发布" in output
    assert (
        PageLogEntry.objects.filter(page=unreviewed, action=ReviewAction.SCHEDULED_REFUSED).count()
        == 1
    )

    page = CatalogRecord.objects.get(pk=unreviewed.pk)
    review_record_attest(page=page, note="测试补录")  # attests the scheduled (latest) revision
    with time_machine.travel(timezone.now() + timezone.timedelta(days=1)):
        result = publish_scheduled.call()
    assert result == {"published": [first.pk], "refused": [], "expired": []}
    assert CatalogRecord.objects.get(pk=unreviewed.pk).live


def test_dry_run_changes_nothing(due):
    unreviewed, _first, reviewed, _second = due
    out = io.StringIO()
    with time_machine.travel(timezone.now() + timezone.timedelta(days=1)):
        call_command("publish_scheduled", "--dryrun", stdout=out)
    assert "未经审查的定时发布" in out.getvalue() and "已审查的定时发布" in out.getvalue()
    assert not CatalogRecord.objects.filter(pk__in=[unreviewed.pk, reviewed.pk], live=True).exists()
    assert not PageLogEntry.objects.filter(action=ReviewAction.SCHEDULED_REFUSED).exists()
