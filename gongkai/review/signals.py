"""Keep the 审查单 in step with Wagtail's workflow."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.models import TaskState
from wagtail.signals import task_submitted, workflow_cancelled


def _is_submission(task_state) -> bool:
    """A task state started by the drafter: the first of the workflow, or the restart of a
    returned step (resubmission). Not the next step after an approval, nor a send-back."""
    previous = (
        TaskState.objects.filter(workflow_state_id=task_state.workflow_state_id)
        .exclude(pk=task_state.pk)
        .order_by("-started_at", "-pk")
        .first()
    )
    return previous is None or previous.status == TaskState.STATUS_REJECTED


@receiver(task_submitted)
def open_review_record(sender, instance, user=None, **kwargs):
    from .models import ReviewTask
    from .services import review_record_open

    if isinstance(instance.task.specific, ReviewTask):
        review_record_open(
            workflow_state=instance.workflow_state, by=user, submitted=_is_submission(instance)
        )


@receiver(workflow_cancelled)
def cancel_review_record(sender, instance, user=None, **kwargs):
    from .services import review_record_cancel

    review_record_cancel(workflow_state=instance, by=user)


@receiver(post_save)
def changed_after_confidentiality_review(sender, instance, raw=False, update_fields=None, **kw):
    """A change saved after the confidentiality review sends the draft back to it.

    Wagtail's save_revision ends by saving the object's ``latest_revision`` pointer; at that
    moment the new revision is the object's latest, on every path. Cheap checks first: this
    runs for every save of every model.
    """
    if raw or not update_fields or "latest_revision" not in update_fields:
        return
    if getattr(instance, "latest_revision_id", None) is None:
        return
    if not hasattr(type(instance), "current_workflow_state"):
        return
    from .services import review_revision_saved

    review_revision_saved(obj=instance, revision=instance.latest_revision)
