"""Background work of the files app (django-tasks)."""

from django_tasks import task

from .services import files_sweep_run


@task()
def files_sweep() -> dict[str, int]:
    """Repair public state after crashes: stale uses, unused copies, orphan copy files."""
    result = files_sweep_run()
    return {
        "stale_uses": result.stale_uses,
        "copies_dropped": result.copies_dropped,
        "orphan_files": result.orphan_files,
    }
