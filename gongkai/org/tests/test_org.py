import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import ModelLogEntry

from gongkai.conftest import login_verified
from gongkai.org import roles
from gongkai.org.models import Department, Responsibility, RoleGroup, StaffProfile
from gongkai.org.selectors import department_of, responsible_departments
from gongkai.org.services import (
    DepartmentInUse,
    department_delete,
    responsibility_set,
    staff_profile_set,
)
from gongkai.org.tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_role_permission_exists_and_groups_are_named_in_chinese():
    assert roles.sync_roles() == []
    names = {link.code: link.group.name for link in RoleGroup.objects.select_related("group")}
    assert names == {
        "drafter": "撰稿人",
        "department_head": "科室负责人",
        "office_reviewer": "局办公室审查员",
        "policy_reviewer": "政策法规科审核员",
        "leader": "分管领导",
        "site_admin": "信息中心管理员",
    }
    site_admin = RoleGroup.objects.get(code="site_admin").group
    assert site_admin.permissions.filter(codename="change_department").exists()
    drafter = RoleGroup.objects.get(code="drafter").group
    assert not drafter.permissions.filter(codename="delete_department").exists()
    assert drafter.permissions.filter(codename="access_admin").exists()


def test_sync_roles_is_idempotent_and_follows_grants():
    roles.sync_roles()
    before = Group.objects.count()
    roles.grant(roles.LEADER, "org.view_staffprofile")
    try:
        roles.sync_roles()
        leader = RoleGroup.objects.get(code="leader").group
        assert leader.permissions.filter(codename="view_staffprofile").exists()
        assert Group.objects.count() == before
    finally:
        roles.get_role(roles.LEADER).permissions.discard("org.view_staffprofile")


def test_unknown_permission_is_reported():
    roles.grant(roles.LEADER, "org.fly_to_the_moon")
    try:
        assert roles.sync_roles() == ["org.fly_to_the_moon"]
    finally:
        roles.get_role(roles.LEADER).permissions.discard("org.fly_to_the_moon")


def test_department_with_staff_cannot_be_deleted(world):
    with pytest.raises(DepartmentInUse) as exc:
        department_delete(department=world.employment)
    message = exc.value.messages[0]
    assert "市就业局" in message
    assert "2" in message  # two members of staff
    assert Department.objects.filter(pk=world.employment.pk).exists()


def test_department_named_in_a_responsibility_cannot_be_deleted(world):
    dept = DepartmentFactory(code="finance", name="财务科")
    responsibility_set(plan_item="二(三)4", title="推进财政预决算公开", departments=[dept])
    with pytest.raises(DepartmentInUse):
        department_delete(department=dept)


def test_empty_department_is_deleted_and_audited(world):
    dept = DepartmentFactory(code="spare", name="备用科室")
    department_delete(department=dept, by=world.site_admin)
    assert not Department.objects.filter(code="spare").exists()
    entry = ModelLogEntry.objects.get(action="org.department.delete")
    assert entry.user_id == world.site_admin.pk
    assert entry.data["name"] == "备用科室"


def test_staff_profile_moves_department_and_audits_only_changes(world):
    user = UserFactory(username="mover")
    staff_profile_set(user=user, department=world.office, title="科员")
    staff_profile_set(user=user, department=world.office, title="科员")
    staff_profile_set(user=user, department=world.policy, title="科员")
    assert department_of(user) == world.policy
    assert ModelLogEntry.objects.filter(action="org.staff.set_department").count() == 2


def test_responsibility_needs_a_department():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        responsibility_set(plan_item="二(七)1", title="扩大公众参与", departments=[])
    assert not Responsibility.objects.exists()


def test_responsible_departments(world):
    responsibility_set(plan_item="二(七)1", title="扩大公众参与", departments=[world.office])
    responsibility_set(plan_item="二(一)1", title="重大决策预公开", all_departments=True)
    assert list(responsible_departments("二(七)1")) == [world.office]
    assert set(responsible_departments("二(一)1")) == set(Department.objects.all())
    assert not responsible_departments("九(九)9").exists()


def test_admin_delete_view_explains_and_refuses(client, world):
    login_verified(client, world.site_admin)
    url = reverse("wagtailsnippets_org_department:delete", args=[world.employment.pk])
    for method in (client.get, client.post):
        response = method(url, follow=True)
        text = response.content.decode()
        assert "无法删除“市就业局”" in text
        assert "设为停用" in text
        assert Department.objects.filter(pk=world.employment.pk).exists()


def test_admin_bulk_delete_is_refused_too(client, world):
    login_verified(client, world.site_admin)
    url = (
        reverse("wagtail_bulk_action", args=("org", "department", "delete"))
        + f"?id={world.employment.pk}"
    )
    response = client.post(url, {}, follow=True)
    assert Department.objects.filter(pk=world.employment.pk).exists()
    assert "无法删除“市就业局”" in response.content.decode()


def test_admin_delete_of_empty_department_works(client, world):
    login_verified(client, world.site_admin)
    dept = DepartmentFactory(code="spare", name="备用科室")
    url = reverse("wagtailsnippets_org_department:delete", args=[dept.pk])
    assert client.post(url).status_code == 302
    assert not Department.objects.filter(pk=dept.pk).exists()


def test_drafter_cannot_edit_departments(client, world):
    client.force_login(world.drafter)
    url = reverse("wagtailsnippets_org_department:edit", args=[world.office.pk])
    response = client.get(url)
    assert response.status_code in (302, 403)


def test_creating_a_user_in_the_admin_requires_and_sets_a_department(client, world):
    login_verified(client, world.site_admin)
    url = reverse("wagtailusers_users:add")
    data = {
        "username": "newclerk",
        "email": "newclerk@example.gov.cn",
        "first_name": "新",
        "last_name": "职员",
        "password1": "a-long-demo-passphrase-1",
        "password2": "a-long-demo-passphrase-1",
        "groups": [RoleGroup.objects.get(code="drafter").group.pk],
    }
    response = client.post(url, data)
    assert response.status_code == 200  # form redisplayed: no department
    assert "请选择" in response.content.decode()
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="newclerk").exists()

    response = client.post(url, {**data, "department": world.policy.pk, "job_title": "科员"})
    assert response.status_code == 302, response.content.decode()[:2000]
    profile = StaffProfile.objects.get(user__username="newclerk")
    assert profile.department == world.policy
    assert profile.title == "科员"


def test_site_admin_may_edit_and_publish_every_page(world):
    from wagtail.models import Page

    home = Page.objects.get(depth=2)  # the page Wagtail creates under the root
    perms = home.permissions_for_user(world.site_admin)
    assert perms.can_edit() and perms.can_publish()
    assert not home.permissions_for_user(world.drafter).can_publish()
