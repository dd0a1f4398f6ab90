"""Background work of the notifications app (django-tasks)."""

from django_tasks import task

from . import reminders, services


@task()
def send_mail_task(mail_ids: list[int]) -> dict[str, int]:
    """Send the given outbox rows (enqueued after the commit that wrote them)."""
    return services.mail_send_many(mail_ids=mail_ids)


@task()
def outbox_sweep() -> dict[str, int]:
    """Send due retries and any pending row whose enqueue was lost (every minute)."""
    return services.outbox_sweep_run()


@task()
def reminders_run() -> dict[str, int]:
    """Run every registered reminder source for today and notify each reminder once."""
    return reminders.reminders_run()
