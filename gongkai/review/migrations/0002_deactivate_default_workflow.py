"""Deactivate Wagtail's default "Moderators approval" workflow and its group task.

Wagtail creates them (wagtailcore 0048) for its stock Moderators group; our only
workflow is 政府信息发布审查 (services.review_workflow_install), so staff should not
be offered the other one. They are deactivated as `Workflow.deactivate()` and
`Task.deactivate()` do, not deleted: workflow and task states may refer to them. Any
moderation still in progress under them is cancelled, and the workflow is unlinked from
the pages and snippet types it was assigned to. Running it again changes nothing.
"""

from django.db import migrations
from django.db.models import Q
from django.utils import timezone

DEFAULT_NAME = "Moderators approval"
OPEN = ("in_progress", "needs_changes")


def deactivate_default_workflow(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    WorkflowState = apps.get_model("wagtailcore", "WorkflowState")
    TaskState = apps.get_model("wagtailcore", "TaskState")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    now = timezone.now()

    workflows = Workflow.objects.filter(name=DEFAULT_NAME, active=True)
    tasks = Task.objects.filter(name=DEFAULT_NAME, active=True)
    states = WorkflowState.objects.filter(workflow__in=workflows, status__in=OPEN)
    TaskState.objects.filter(status="in_progress").filter(
        Q(task__in=tasks) | Q(workflow_state__in=states)
    ).update(status="cancelled", finished_at=now)
    states.update(status="cancelled")
    WorkflowPage.objects.filter(workflow__in=workflows).delete()
    WorkflowContentType.objects.filter(workflow__in=workflows).delete()
    workflows.update(active=False)
    tasks.update(active=False)


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0001_initial"),
        ("wagtailcore", "0048_add_default_workflows"),
    ]

    operations = [
        migrations.RunPython(deactivate_default_workflow, migrations.RunPython.noop),
    ]
