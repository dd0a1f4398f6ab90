"""Department boundaries on catalogue records, over HTTP as each role (org/permissions.py).

Drafters and department heads write their own department's records only; the office
reviewers, the leaders and the site administrator work across the bureau.
"""

import json

import lxml.html
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page, Revision

from gongkai.catalog.models import CatalogRecord, Genre, TopicCategory
from gongkai.catalog.seeds import seed_vocabularies
from gongkai.catalog.tests.factories import column, record
from gongkai.conftest import login_verified
from gongkai.org import roles
from gongkai.org.permissions import no_department_message
from gongkai.org.tests.factories import UserFactory, staff

pytestmark = pytest.mark.django_db

DENIED = "/admin/"  # where Wagtail's admin sends a PermissionDenied


@pytest.fixture
def results(world):
    return column()


@pytest.fixture
def policy_drafter(world):
    return staff("t-drafter-policy", role=roles.DRAFTER, department=world.policy)


@pytest.fixture
def own(results, world):
    """A draft of the employment bureau (the drafter's and the head's department)."""
    return record(results, title="就业局的草稿", publish=False, department=world.employment)


@pytest.fixture
def other(results, world):
    """A draft of the policy section: another department for the drafter and the head."""
    return record(results, title="政策法规科的草稿", publish=False, department=world.policy)


@pytest.fixture
def other_live(results, world):
    return record(results, title="政策法规科已发布的信息", department=world.policy)


def signed_in(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def revisions(page) -> int:
    return Revision.page_revisions.filter(object_id=str(page.pk)).count()


def form_data(client: Client, url: str) -> dict[str, object]:
    """The values the page form at `url` would send back unchanged (lxml reads the real form)."""
    response = client.get(url)
    assert response.status_code == 200, response.get("Location")
    html = lxml.html.fromstring(response.content.decode())
    form = next(f for f in html.forms if f.get("id") == "page-edit-form")
    return dict(form.form_values())


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def denied(response) -> bool:
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == DENIED
    )


# --- editing -------------------------------------------------------------------------------


def test_a_drafter_cannot_open_or_post_the_editor_of_another_departments_record(world, other):
    data = form_data(signed_in(world.office_reviewer), edit_url(other))
    data["title"] = "撰稿人改了别科室的标题"
    before = revisions(other)
    drafter = signed_in(world.drafter)
    assert denied(drafter.get(edit_url(other)))
    assert denied(drafter.post(edit_url(other), data))
    assert denied(drafter.post(edit_url(other), {**data, "action-submit": "1"}))
    assert revisions(other) == before
    assert CatalogRecord.objects.get(pk=other.pk).get_latest_revision_as_object().title == (
        "政策法规科的草稿"
    )


def test_a_drafter_edits_their_own_departments_record(world, own):
    client = signed_in(world.drafter)
    data = form_data(client, edit_url(own))
    data["title"] = "就业局改过的草稿"
    before = revisions(own)
    response = client.post(edit_url(own), data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert revisions(own) == before + 1
    latest = CatalogRecord.objects.get(pk=own.pk).get_latest_revision_as_object()
    assert latest.title == "就业局改过的草稿"
    assert latest.department_id == world.employment.pk


@pytest.mark.parametrize("who", ["office_reviewer", "leader", "site_admin"])
def test_bureau_wide_roles_edit_any_departments_record(world, other, who):
    client = signed_in(getattr(world, who))
    data = form_data(client, edit_url(other))
    data["title"] = f"{who} 改过"
    before = revisions(other)
    response = client.post(edit_url(other), data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert revisions(other) == before + 1


def test_a_superuser_edits_any_record(world, other):
    admin = UserFactory(username="t-root", is_superuser=True, is_staff=True)
    assert signed_in(admin).get(edit_url(other)).status_code == 200


def test_a_department_head_is_bounded_like_a_drafter(world, own, other):
    head = signed_in(world.department_head)
    assert head.get(edit_url(own)).status_code == 200
    data = form_data(signed_in(world.office_reviewer), edit_url(other))
    before = revisions(other)
    assert denied(head.get(edit_url(other)))
    assert denied(head.post(edit_url(other), data))
    assert revisions(other) == before
    policy_head = signed_in(
        staff("t-head-policy", role=roles.DEPARTMENT_HEAD, department=world.policy)
    )
    assert policy_head.get(edit_url(other)).status_code == 200
    assert denied(policy_head.get(edit_url(own)))


# --- every other admin path ------------------------------------------------------------------


def test_a_drafter_cannot_delete_copy_or_move_another_departments_record(world, results, other):
    drafter = signed_in(world.drafter)
    delete = reverse("wagtailadmin_pages:delete", args=[other.pk])
    assert denied(drafter.get(delete))
    assert denied(drafter.post(delete))
    assert CatalogRecord.objects.filter(pk=other.pk).exists()

    copy = reverse("wagtailadmin_pages:copy", args=[other.pk])
    pages_before = Page.objects.count()
    assert denied(drafter.get(copy))
    payload = {"new_title": "复制", "new_slug": "copied", "new_parent_page": results.pk}
    assert denied(drafter.post(copy, payload))
    assert Page.objects.count() == pages_before

    elsewhere = column("elsewhere", "其他栏目")
    move = reverse("wagtailadmin_pages:move", args=[other.pk])
    confirm = reverse("wagtailadmin_pages:move_confirm", args=[other.pk, elsewhere.pk])
    assert denied(drafter.get(move))
    # (Wagtail shows the confirmation page itself to anyone; the move is what it checks.)
    assert denied(drafter.post(confirm))
    assert Page.objects.get(pk=other.pk).get_parent().pk == results.pk


def test_a_drafter_cannot_see_revisions_previews_or_history_of_another_departments_record(
    world, other
):
    first = other.get_latest_revision()
    page = CatalogRecord.objects.get(pk=other.pk)
    page.title = "第二版"
    second = page.save_revision(user=world.office_reviewer)
    drafter = signed_in(world.drafter)
    urls = [
        reverse("wagtailadmin_pages:history", args=[other.pk]),
        reverse("wagtailadmin_pages:revisions_view", args=[other.pk, first.pk]),
        reverse("wagtailadmin_pages:revisions_compare", args=[other.pk, first.pk, second.pk]),
        reverse("wagtailadmin_pages:revisions_revert", args=[other.pk, first.pk]),
        reverse("wagtailadmin_pages:view_draft", args=[other.pk]),
        reverse("wagtailadmin_pages:preview_on_edit", args=[other.pk]),
        reverse("wagtailadmin_pages:workflow_history", args=[other.pk]),
        reverse("wagtailadmin_pages:usage", args=[other.pk]),
    ]
    for url in urls:
        assert denied(drafter.get(url)), url
    data = form_data(signed_in(world.office_reviewer), edit_url(other))
    before = revisions(other)
    revert = reverse("wagtailadmin_pages:revisions_revert", args=[other.pk, first.pk])
    assert denied(drafter.post(revert, data))
    assert denied(
        drafter.post(reverse("wagtailadmin_pages:preview_on_edit", args=[other.pk]), data)
    )
    assert revisions(other) == before


def test_a_drafter_cannot_lock_another_departments_record(world, other):
    drafter = signed_in(world.drafter)
    assert denied(drafter.post(reverse("wagtailadmin_pages:lock", args=[other.pk])))
    other.refresh_from_db()
    assert not other.locked
    reviewer = signed_in(world.site_admin)
    reviewer.post(reverse("wagtailadmin_pages:lock", args=[other.pk]))
    other.refresh_from_db()
    assert other.locked
    assert denied(drafter.post(reverse("wagtailadmin_pages:unlock", args=[other.pk])))
    other.refresh_from_db()
    assert other.locked


def test_bulk_actions_leave_another_departments_records_alone(world, results, own, other):
    drafter = signed_in(world.drafter)
    elsewhere = column("elsewhere", "其他栏目")
    for action, payload in (
        ("delete", {}),
        ("move", {"chooser": elsewhere.pk}),
    ):
        url = (
            reverse("wagtail_bulk_action", args=("wagtailcore", "page", action)) + f"?id={other.pk}"
        )
        confirm = drafter.get(url)
        assert confirm.status_code == 200
        assert other.title in confirm.content.decode()
        assert [i["item"].pk for i in confirm.context["items"]] == []
        drafter.post(url, payload)
        assert Page.objects.get(pk=other.pk).get_parent().pk == results.pk
    # The drafter's own draft is theirs to delete.
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "delete")) + f"?id={own.pk}"
    drafter.post(url, {})
    assert not CatalogRecord.objects.filter(pk=own.pk).exists()
    assert CatalogRecord.objects.filter(pk=other.pk).exists()


def test_the_explorer_offers_a_drafter_actions_on_their_own_records_only(
    world, results, own, other
):
    html = signed_in(world.drafter).get(reverse("wagtailadmin_explore", args=[results.pk]))
    text = html.content.decode()
    assert other.title in text  # listed: reading the tree is not editing it
    for name in ("edit", "delete", "copy", "move", "history"):
        assert reverse(f"wagtailadmin_pages:{name}", args=[own.pk]) in text, name
        assert reverse(f"wagtailadmin_pages:{name}", args=[other.pk]) not in text, name


def test_the_admin_api_actions_respect_the_boundary(world, results, other):
    drafter = Client(enforce_csrf_checks=False)
    login_verified(drafter, world.drafter)
    base = f"/admin/api/main/pages/{other.pk}/action"
    response = drafter.post(f"{base}/delete/", "{}", content_type="application/json")
    assert response.status_code in (403, 400), response.content
    assert CatalogRecord.objects.filter(pk=other.pk).exists()
    response = drafter.post(
        f"{base}/copy/",
        json.dumps({"destination_page_id": results.pk}),
        content_type="application/json",
    )
    assert response.status_code in (403, 400), response.content
    assert CatalogRecord.objects.filter(title=other.title).count() == 1


# --- creating ---------------------------------------------------------------------------------


def add_url(parent) -> str:
    return reverse("wagtailadmin_pages:add", args=("catalog", "catalogrecord", parent.pk))


def new_record_data(client: Client, parent, **changes) -> dict[str, object]:
    if not TopicCategory.objects.exists():
        seed_vocabularies()
    data = form_data(client, add_url(parent))
    data.update(
        {
            "title": "新建的通知",
            "slug": "new-notice",
            "topic": TopicCategory.objects.get(name="劳动就业").pk,
            "genre": Genre.objects.get(name="通知").pk,
            "formed_date": "2026-11-02",
            "body": json.dumps({"blocks": [], "entityMap": {}}),
        }
    )
    data.update(changes)
    return data


def department_field(client: Client, url: str) -> tuple[list[str] | None, str | None]:
    """The department choices offered at `url` (None: Wagtail's chooser of every
    department) and the value preset."""
    response = client.get(url)
    assert response.status_code == 200, response.get("Location")
    html = lxml.html.fromstring(response.content.decode())
    select = html.xpath("//select[@name='department']")
    if select:
        options = [o.get("value") for o in select[0].xpath("option") if o.get("value")]
        return options, select[0].value
    return None, html.xpath("//input[@name='department']")[0].get("value") or None


def test_a_new_record_starts_with_the_drafters_department(world, results, own):
    client = signed_in(world.drafter)
    options, selected = department_field(client, add_url(results))
    assert options == [str(world.employment.pk)]
    assert selected == str(world.employment.pk)
    response = client.post(add_url(results), new_record_data(client, results))
    assert response.status_code == 302, response.content.decode()[-3000:]
    created = CatalogRecord.objects.get(slug="new-notice")
    assert created.department_id == world.employment.pk
    assert created.owner == world.drafter
    assert client.get(edit_url(created)).status_code == 200


def test_a_drafter_cannot_create_a_record_for_another_department(world, results, own):
    client = signed_in(world.drafter)
    data = new_record_data(client, results, department=world.policy.pk)
    response = client.post(add_url(results), data)
    assert response.status_code == 200
    assert "department" in response.context["form"].errors
    assert not CatalogRecord.objects.filter(slug="new-notice").exists()


def test_a_drafter_cannot_move_their_record_to_another_department(world, own):
    client = signed_in(world.drafter)
    data = form_data(client, edit_url(own))
    data["department"] = world.policy.pk
    before = revisions(own)
    response = client.post(edit_url(own), data)
    assert response.status_code == 200
    assert "department" in response.context["form"].errors
    assert revisions(own) == before


def test_bureau_wide_roles_choose_any_department(world, results, own):
    # Of the bureau-wide roles only the site administrator adds pages (roles.py); the
    # office reviewers and leaders edit, and may reassign a record while doing so.
    client = signed_in(world.site_admin)
    options, selected = department_field(client, add_url(results))
    # Every department, in the select with a type-ahead filter (catalog/widgets.py).
    from gongkai.org.models import Department

    assert sorted(options, key=int) == sorted(
        str(pk) for pk in Department.objects.values_list("pk", flat=True)
    )
    assert 'data-filter-for="id_department"' in client.get(add_url(results)).content.decode()
    assert selected == str(world.office.pk)  # their own, preset
    response = client.post(
        add_url(results), new_record_data(client, results, department=world.policy.pk)
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert CatalogRecord.objects.get(slug="new-notice").department_id == world.policy.pk

    office = signed_in(world.office_reviewer)
    data = form_data(office, edit_url(own))
    data["department"] = world.policy.pk
    assert office.post(edit_url(own), data).status_code == 302
    latest = CatalogRecord.objects.get(pk=own.pk).get_latest_revision_as_object()
    assert latest.department_id == world.policy.pk


def test_staff_without_a_department_cannot_create_records(settings, world, results):
    nobody = UserFactory(username="t-nodept")
    nobody.groups.add(roles_group(roles.DRAFTER))
    client = signed_in(nobody)
    response = client.get(add_url(results), follow=True)
    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_explore", args=[results.pk])
    with translation.override(settings.LANGUAGE_CODE):
        expected = no_department_message(CatalogRecord)
    assert expected in [str(m).strip() for m in response.context["messages"]]
    data = new_record_data(signed_in(world.site_admin), results)
    data.pop("department", None)
    response = client.post(add_url(results), data)
    assert response.status_code == 302
    assert not CatalogRecord.objects.filter(slug="new-notice").exists()


def roles_group(code):
    from gongkai.org.models import RoleGroup

    return RoleGroup.objects.get(code=code).group


# --- a department change waiting for review --------------------------------------------------


def test_a_pending_department_change_already_moves_the_record(world, results, policy_drafter):
    live = record(results, title="就业局已发布的信息", department=world.employment)
    office = signed_in(world.office_reviewer)
    data = form_data(office, edit_url(live))
    data["department"] = world.policy.pk
    assert office.post(edit_url(live), data).status_code == 302
    live.refresh_from_db()
    assert live.department_id == world.employment.pk  # the live page: not reviewed yet
    employment = signed_in(world.drafter)
    assert denied(employment.get(edit_url(live)))
    assert denied(employment.post(reverse("wagtailadmin_pages:delete", args=[live.pk])))
    assert CatalogRecord.objects.filter(pk=live.pk).exists()
    assert signed_in(policy_drafter).get(edit_url(live)).status_code == 200


def test_an_unassigned_import_belongs_to_its_creator(world, results, policy_drafter):
    page = CatalogRecord(title="导入未选科室", live=False, owner=world.drafter)
    results.add_child(instance=page)
    page.save_revision(user=world.drafter, clean=False)  # as the Word import does
    client = signed_in(world.drafter)
    options, selected = department_field(client, edit_url(page))
    assert options == [str(world.employment.pk)]
    assert selected == str(world.employment.pk)
    assert denied(signed_in(policy_drafter).get(edit_url(page)))


# --- attachment originals ----------------------------------------------------------------------


def test_attachment_originals_follow_the_department_rule(world, own, other, policy_drafter):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    from gongkai.catalog.archive import AttachmentOriginal
    from gongkai.catalog.models import RecordAttachment
    from gongkai.catalog.selectors import attachment_originals_for_user

    originals = {}
    for page in (own, other):
        document = get_document_model().objects.create(
            title=f"{page.title}附件", file=ContentFile(b"%PDF-1.4", name="a.pdf")
        )
        RecordAttachment.objects.create(record=page, document=document)
        originals[page.pk] = AttachmentOriginal.objects.create(document=document)

    def seen(user):
        return set(attachment_originals_for_user(user))

    assert seen(world.drafter) == {originals[own.pk]}
    assert seen(world.department_head) == {originals[own.pk]}
    assert seen(policy_drafter) == {originals[other.pk]}
    assert seen(world.office_reviewer) == set(originals.values())
    # Bureau-wide by role, but the originals of other departments are not theirs to read.
    assert seen(world.leader) == set()
    assert seen(world.site_admin) == set()


# --- review workflow ---------------------------------------------------------------------------


def test_the_review_workflow_keeps_its_deciders_and_nobody_else(world, other, policy_drafter):
    from gongkai.review.services import review_workflow_install

    review_workflow_install()
    policy_head = staff("t-head-policy", role=roles.DEPARTMENT_HEAD, department=world.policy)
    page = CatalogRecord.objects.get(pk=other.pk)
    page.get_workflow().start(page, policy_drafter)
    state = CatalogRecord.objects.get(pk=other.pk).current_workflow_task_state
    approve = reverse("wagtailadmin_pages:workflow_action", args=[other.pk, "approve", state.pk])

    for outsider in (world.drafter, world.department_head):
        client = signed_in(outsider)
        assert denied(client.get(edit_url(other)))
        assert denied(client.get(approve))
        assert denied(client.post(approve, {"comment": "越权审查"}))
    state.refresh_from_db()
    assert state.status == state.STATUS_IN_PROGRESS

    assert signed_in(policy_head).get(edit_url(other)).status_code == 200
    for reviewer in (world.office_reviewer, world.leader):
        assert signed_in(reviewer).get(edit_url(other)).status_code == 200
