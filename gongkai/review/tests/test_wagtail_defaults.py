"""Wagtail's defaults that staff should not see: the "Root" title and the Moderators workflow."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.test import Client
from wagtail.models import Page, Task, TaskState, Workflow, WorkflowPage, WorkflowState

from gongkai.catalog.tests.factories import column, record
from gongkai.conftest import login_verified

pytestmark = pytest.mark.django_db

DEFAULT = "Moderators approval"
rename = importlib.import_module("gongkai.portal.migrations.0002_root_page_title")
deactivate = importlib.import_module("gongkai.review.migrations.0002_deactivate_default_workflow")


def test_a_migrated_database_has_only_our_workflow_and_a_chinese_root(workflow):
    root = Page.get_first_root_node()
    assert (root.title, root.draft_title) == ("网站根目录", "网站根目录")
    assert not Workflow.objects.get(name=DEFAULT).active  # kept: states may refer to it
    assert not Task.objects.get(name=DEFAULT).active
    assert not WorkflowPage.objects.filter(workflow__name=DEFAULT).exists()
    assert list(Workflow.objects.filter(active=True)) == [workflow]


def test_staff_see_only_our_workflow_in_the_admin(workflow, django_user_model):
    admin = django_user_model.objects.create_superuser("t-root", "root@example.org", "x")
    client = Client()
    login_verified(client, admin)
    html = client.get("/admin/workflows/list/").content.decode()
    assert "政府信息发布审查" in html and DEFAULT not in html
    tasks = client.get("/admin/workflows/tasks/index/").content.decode()
    assert "科室负责人初审" in tasks and DEFAULT not in tasks
    explorer = client.get(f"/admin/pages/{Page.get_first_root_node().pk}/").content.decode()
    assert "网站根目录" in explorer


def test_on_an_existing_database_open_moderation_is_cancelled_and_it_is_idempotent(world):
    # The state of a database migrated before: Wagtail's defaults active and in use.
    Page.objects.filter(depth=1).update(title="Root", draft_title="Root")
    moderators = Workflow.objects.get(name=DEFAULT)
    Workflow.objects.filter(pk=moderators.pk).update(active=True)
    Task.objects.filter(name=DEFAULT).update(active=True)
    root = Page.get_first_root_node()
    WorkflowPage.objects.get_or_create(page=root, defaults={"workflow": moderators})
    task = Task.objects.get(name=DEFAULT).specific
    task.groups.set([Group.objects.get_or_create(name="Moderators")[0]])
    draft = record(column(), publish=False, department=world.employment)
    state = Workflow.objects.get(pk=moderators.pk).start(draft, world.drafter)
    assert state.status == WorkflowState.STATUS_IN_PROGRESS

    for _ in range(2):
        rename.rename_root(apps, None)
        deactivate.deactivate_default_workflow(apps, None)

    assert Page.get_first_root_node().title == "网站根目录"
    assert not Workflow.objects.get(pk=moderators.pk).active
    assert not Task.objects.get(name=DEFAULT).active
    assert not WorkflowPage.objects.filter(workflow=moderators).exists()
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_CANCELLED
    assert not TaskState.objects.filter(
        workflow_state=state, status=TaskState.STATUS_IN_PROGRESS
    ).exists()
    assert Workflow.objects.filter(pk=moderators.pk).exists()  # not deleted


def test_a_root_renamed_by_hand_is_left_alone(db):
    Page.objects.filter(depth=1).update(title="本局网站", draft_title="本局网站")
    rename.rename_root(apps, None)
    assert Page.get_first_root_node().title == "本局网站"
