"""Keep the 审查单 in step with Wagtail's workflow."""

from django.dispatch import receiver
from wagtail.signals import task_submitted, workflow_cancelled


@receiver(task_submitted)
def open_review_record(sender, instance, user=None, **kwargs):
    from .models import ReviewTask
    from .services import review_record_open

    if isinstance(instance.task.specific, ReviewTask):
        review_record_open(workflow_state=instance.workflow_state, by=user)


@receiver(workflow_cancelled)
def cancel_review_record(sender, instance, user=None, **kwargs):
    from .services import review_record_cancel

    review_record_cancel(workflow_state=instance, by=user)
