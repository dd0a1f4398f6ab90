"""Background tasks of the search index."""

from django_tasks import task

from . import services


@task()
def drop_expired() -> int:
    """Drop the entries whose documents have expired (run every minute by core.periodic)."""
    return services.drop_expired()
