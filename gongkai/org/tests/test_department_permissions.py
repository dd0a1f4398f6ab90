"""The department rule (org/permissions.py) and the department settings it works with."""

import lxml.html
import pytest
from django.test import Client
from django.urls import reverse

from gongkai.catalog.models import CatalogRecord
from gongkai.catalog.tests.factories import column, record
from gongkai.conftest import login_verified
from gongkai.org import roles
from gongkai.org.models import Department, StaffProfile
from gongkai.org.permissions import (
    CROSS_DEPARTMENT_ROLES,
    DepartmentPagePermissionTester,
    choosable_departments,
    department_scope,
    editable_department_pages,
    filter_department_owned,
    forget_department_scope,
    register_cross_department_role,
)
from gongkai.org.selectors import department_heads
from gongkai.org.tests.factories import UserFactory, staff

pytestmark = pytest.mark.django_db

ACTIONS = (
    "can_edit",
    "can_delete",
    "can_copy",
    "can_move",
    "can_lock",
    "can_view_revisions",
    "can_submit_for_moderation",
)


@pytest.fixture
def results(world):
    return column()


@pytest.fixture
def own(results, world):
    return record(results, title="就业局的草稿", publish=False, department=world.employment)


@pytest.fixture
def other(results, world):
    return record(results, title="政策法规科的草稿", publish=False, department=world.policy)


def allowed(page, user) -> dict[str, bool]:
    tester = page.permissions_for_user(user)
    return {name: bool(getattr(tester, name)()) for name in ACTIONS}


def test_the_bureau_wide_roles_are_the_office_the_leaders_and_the_site_administrator():
    assert {roles.OFFICE_REVIEWER, roles.LEADER, roles.SITE_ADMIN} == CROSS_DEPARTMENT_ROLES


def test_scopes_of_each_role(world):
    assert department_scope(world.drafter).department_id == world.employment.pk
    assert not department_scope(world.drafter).across
    assert not department_scope(world.department_head).across
    assert not department_scope(world.policy_reviewer).across
    for user in (world.office_reviewer, world.leader, world.site_admin):
        assert department_scope(user).across
    assert department_scope(UserFactory(username="t-root", is_superuser=True)).across
    nobody = UserFactory(username="t-nobody")
    assert department_scope(nobody).department_id is None
    assert not department_scope(nobody).across


def test_a_later_module_adds_a_bureau_wide_role(world, own, other):
    user = staff("t-policy-2", role=roles.POLICY_REVIEWER, department=world.policy)
    assert not department_scope(user).across
    register_cross_department_role(roles.POLICY_REVIEWER)
    try:
        forget_department_scope(user)
        assert department_scope(user).across
    finally:
        CROSS_DEPARTMENT_ROLES.discard(roles.POLICY_REVIEWER)


def test_departmental_roles_may_do_nothing_on_another_departments_page(world, own, other):
    assert isinstance(other.permissions_for_user(world.drafter), DepartmentPagePermissionTester)
    assert not any(allowed(other, world.drafter).values())
    assert not any(allowed(other, world.department_head).values())
    mine = allowed(own, world.drafter)
    assert mine["can_edit"] and mine["can_delete"] and mine["can_copy"] and mine["can_move"]
    assert mine["can_view_revisions"]
    assert allowed(own, world.department_head)["can_edit"]


def test_a_plain_page_from_a_listing_gets_the_same_answer(world, other):
    from wagtail.models import Page

    plain = Page.objects.get(pk=other.pk)  # not specific: Wagtail casts it for the tester
    assert not plain.permissions_for_user(world.drafter).can_edit()
    assert plain.permissions_for_user(world.office_reviewer).can_edit()


@pytest.mark.parametrize("who", ["office_reviewer", "leader", "site_admin"])
def test_bureau_wide_roles_work_on_every_department(world, own, other, who):
    user = getattr(world, who)
    assert allowed(own, user) == allowed(other, user)
    assert allowed(other, user)["can_edit"]


def test_a_reviewer_whom_the_current_step_lets_in_keeps_the_editor(world, other, monkeypatch):
    class Step:
        def user_can_access_editor(self, page, user):
            return user == world.drafter

        def user_can_lock(self, page, user):
            return user == world.drafter

        def user_can_unlock(self, page, user):
            return user == world.drafter

    monkeypatch.setattr(DepartmentPagePermissionTester, "_current_task", lambda self: Step())
    tester = other.permissions_for_user(world.drafter)
    assert tester.can_edit() and tester.can_lock() and tester.can_unlock()
    assert not tester.can_copy() and not tester.can_delete() and not tester.can_move()
    assert not tester.can_publish() and not tester.can_view_revisions()
    assert not other.permissions_for_user(world.department_head).can_edit()


def test_choosable_departments(world):
    assert list(choosable_departments(world.drafter)) == [world.employment]
    assert set(choosable_departments(world.office_reviewer)) == {
        world.office,
        world.policy,
        world.employment,
    }
    assert set(choosable_departments(world.drafter, current_id=world.policy.pk)) == {
        world.employment,
        world.policy,
    }
    assert not choosable_departments(UserFactory(username="t-nobody")).exists()
    world.policy.is_active = False
    world.policy.save()
    assert world.policy not in choosable_departments(world.site_admin)


def test_querysets_follow_the_same_rule(world, results, own, other):
    unassigned = CatalogRecord(title="未定科室", live=False, owner=world.drafter)
    results.add_child(instance=unassigned)
    records = CatalogRecord.objects.all()
    assert set(filter_department_owned(records, world.drafter)) == {own, unassigned}
    assert set(filter_department_owned(records, world.office_reviewer)) == {
        own,
        other,
        unassigned,
    }
    assert set(editable_department_pages(world.drafter, records)) == {own, unassigned}
    assert set(editable_department_pages(world.department_head, records)) == {own}
    assert set(editable_department_pages(world.leader, records)) == {own, other, unassigned}
    assert not editable_department_pages(world.policy_reviewer, records).exists()


# --- department settings -----------------------------------------------------------------------


def test_department_heads_are_the_active_heads_of_that_department(world):
    second = staff("t-head-2", role=roles.DEPARTMENT_HEAD, department=world.employment)
    retired = staff("t-head-3", role=roles.DEPARTMENT_HEAD, department=world.employment)
    retired.is_active = False
    retired.save()
    staff("t-head-policy", role=roles.DEPARTMENT_HEAD, department=world.policy)
    assert set(department_heads(world.employment)) == {world.department_head, second}
    assert not department_heads(world.office).exists()
    assert world.drafter not in department_heads(world.employment)


def test_first_review_by_the_office_is_off_unless_set(world):
    assert Department._meta.get_field("first_review_by_office").default is False
    assert not world.employment.first_review_by_office


def test_the_site_administrator_sets_first_review_by_the_office(world):
    client = Client()
    login_verified(client, world.site_admin)
    url = reverse("wagtailsnippets_org_department:edit", args=[world.policy.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = lxml.html.fromstring(page.content.decode())
    form = next(f for f in html.forms if f.xpath(".//input[@name='first_review_by_office']"))
    data = dict(form.form_values())
    data["first_review_by_office"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    world.policy.refresh_from_db()
    assert world.policy.first_review_by_office

    drafter = Client()
    login_verified(drafter, world.drafter)
    drafter.post(url, {**data, "first_review_by_office": ""})
    world.policy.refresh_from_db()
    assert world.policy.first_review_by_office


def test_a_profile_change_is_seen_once_the_scope_is_forgotten(world, own, other):
    assert not other.permissions_for_user(world.drafter).can_edit()
    StaffProfile.objects.filter(user=world.drafter).update(department=world.policy)
    forget_department_scope(world.drafter)
    assert other.permissions_for_user(world.drafter).can_edit()
    assert not own.permissions_for_user(world.drafter).can_edit()
