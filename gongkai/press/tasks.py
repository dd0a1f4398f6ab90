"""Background work of the press list (django-tasks)."""

from django_tasks import task

from .services import press_digest_run


@task()
def press_digest() -> dict[str, int]:
    """Send the digests that are due (run hourly by core.periodic)."""
    return press_digest_run()
