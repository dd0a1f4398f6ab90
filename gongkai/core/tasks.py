"""Background work of the core app (django-tasks)."""

from django_tasks import task

from .deadlines import recompute_open_deadlines


@task()
def recompute_deadlines(years: list[int]) -> dict[str, int | None]:
    """Recompute the open deadlines touching `years` after a calendar change."""
    return recompute_open_deadlines(set(years))
