"""查看并审核: approval only after the reviewer has opened the draft and its changes."""

import pytest
from django.test import Client

from gongkai.catalog.models import CatalogRecord
from gongkai.conftest import login_verified
from gongkai.review.models import RevisionSeen

from .conftest import current, submit
from .test_services import approve, confidentiality_data

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    login_verified(client, user)
    return client


def approve_in_admin(client, page, state):
    return client.post(f"/admin/pages/workflow/action/{page.pk}/approve/{state.pk}/", {})


def test_approval_is_refused_until_the_preview_was_opened(draft, world):
    submit(draft, world.drafter)
    state = current(draft)
    head = client_for(world.department_head)

    # The queue offers 查看并审核, not 同意, and a POST of the approval is refused.
    dashboard = head.get("/admin/").content.decode()
    assert f"/admin/review/preview/{state.pk}/" in dashboard
    assert f"/approve/{state.pk}/" not in dashboard
    refused = approve_in_admin(head, draft, state)
    assert refused.status_code == 302
    assert "查看并审核" in head.get(refused["Location"]).content.decode()
    assert current(draft).pk == state.pk  # still waiting at 初审
    assert current(draft).status == "in_progress"

    # Opening the preview records it for this reviewer and this revision only.
    response = head.get(f"/admin/review/preview/{state.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "尚未发布：以下为全部内容" in html
    assert draft.title in html and "申请人身份证号" in html  # the body, in full
    revision = CatalogRecord.objects.get(pk=draft.pk).get_latest_revision()
    assert RevisionSeen.objects.filter(revision=revision, user=world.department_head).exists()
    assert "no-store" in response["Cache-Control"]

    approve_in_admin(head, draft, state)
    state.refresh_from_db()
    assert state.status == "approved"
    assert current(draft).task.specific.step_kind == "confidentiality"


def test_a_new_revision_must_be_seen_again(draft, world):
    submit(draft, world.drafter)
    state = current(draft)
    head = client_for(world.department_head)
    head.get(f"/admin/review/preview/{state.pk}/")
    # The drafter changes the draft while it waits: what was seen is no longer what is approved.
    page = CatalogRecord.objects.get(pk=draft.pk)
    page.title = draft.title + "（修订）"
    page.save_revision(user=world.drafter)
    approve_in_admin(head, draft, state)
    state.refresh_from_db()
    assert state.status == "in_progress"


def test_the_preview_shows_the_change_from_the_published_version(draft, world):
    from gongkai.catalog.tests.factories import publish_reviewed

    publish_reviewed(CatalogRecord.objects.get(pk=draft.pk))
    page = CatalogRecord.objects.get(pk=draft.pk)
    page.summary = "新增的内容概述"
    page.save_revision(user=world.drafter)
    submit(page, world.drafter)
    state = current(page)
    html = client_for(world.department_head).get(f"/admin/review/preview/{state.pk}/").content
    html = html.decode()
    assert "与已发布版本相比的改动" in html
    assert "新增的内容概述" in html
    assert "申请人身份证号" not in html  # the unchanged body is not repeated


@pytest.mark.parametrize("who", ["drafter", "office_reviewer", "leader", None])
def test_only_the_reviewer_of_the_step_may_open_it(draft, world, who):
    submit(draft, world.drafter)
    state = current(draft)
    client = client_for(getattr(world, who)) if who else Client()
    response = client.get(f"/admin/review/preview/{state.pk}/")
    assert response.status_code in (302, 403)
    assert not RevisionSeen.objects.exists()


def test_the_service_path_is_unchanged(draft, world):
    """Seeds and the confidentiality step's own checks still decide through the service;
    the preview rule guards the admin, where people click."""
    submit(draft, world.drafter)
    approve(draft, world.department_head)
    assert current(draft).task.specific.step_kind == "confidentiality"
    assert confidentiality_data()["checklist"]
