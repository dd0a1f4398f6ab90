"""Background work of the review app (django-tasks)."""

from django_tasks import task

from .services import scheduled_publish_run


@task()
def publish_scheduled() -> dict[str, list[int]]:
    """Run scheduled publishing once (for a periodic scheduler); refused revisions are skipped."""
    run = scheduled_publish_run()
    return {
        "published": [revision.pk for revision in run.published],
        "refused": [revision.pk for revision, _reason in run.refused],
        "expired": [obj.pk for obj in run.expired],
    }
