"""Department boundaries (科室边界) for pages that belong to a department.

Roles are Wagtail groups holding page permissions over the whole tree (roles.py). On top
of them, a page that a department owns (a catalogue record; later a policy
interpretation...) is worked on only by its own department's staff, unless the user holds
a role that works across the bureau (`CROSS_DEPARTMENT_ROLES`) or is a superuser.

The check lives in the page's permission tester (`DepartmentOwnedPageMixin`). Every
Wagtail admin view, listing button, bulk action and admin-API action asks that tester
(Wagtail casts a plain `Page` to the specific class when `permissions_for_user` is
overridden), so the boundary holds on every path without per-view code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from wagtail import hooks
from wagtail.admin import messages
from wagtail.models import PagePermissionTester

from . import roles

# Roles that work on every department's pages. Later modules add theirs with
# register_cross_department_role().
CROSS_DEPARTMENT_ROLES: set[str] = {roles.OFFICE_REVIEWER, roles.LEADER, roles.SITE_ADMIN}

_SCOPE_CACHE = "_gongkai_department_scope"
_OWNER_CACHE = "_gongkai_owning_department_id"


def register_cross_department_role(code: str) -> None:
    """Let holders of role `code` work on every department's pages."""
    CROSS_DEPARTMENT_ROLES.add(code)


@dataclass(frozen=True)
class DepartmentScope:
    """Which departments' pages a user works on: all of them, or their own one."""

    across: bool
    department_id: int | None
    role_codes: frozenset[str] = frozenset()

    def covers(self, department_id: int | None) -> bool:
        if self.across:
            return True
        return self.department_id is not None and department_id == self.department_id


def department_scope(user: Any) -> DepartmentScope:
    """The scope of `user`, cached on the user object for the request (as Wagtail caches
    page permissions); `forget_department_scope` drops it."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return DepartmentScope(across=False, department_id=None)
    cached = getattr(user, _SCOPE_CACHE, None)
    if cached is not None:
        return cached
    from .models import StaffProfile

    codes = frozenset(
        user.groups.filter(role_link__isnull=False).values_list("role_link__code", flat=True)
    )
    across = user.is_superuser or bool(codes & CROSS_DEPARTMENT_ROLES)
    department_id = (
        StaffProfile.objects.filter(user=user).values_list("department_id", flat=True).first()
    )
    scope = DepartmentScope(across=across, department_id=department_id, role_codes=codes)
    setattr(user, _SCOPE_CACHE, scope)
    return scope


def forget_department_scope(user: Any) -> None:
    """Drop the cached scope (after changing the user's roles or department)."""
    user.__dict__.pop(_SCOPE_CACHE, None)


def user_role_codes(user: Any) -> frozenset[str]:
    """The role codes (roles.py) `user` holds, from the same per-request cache."""
    return department_scope(user).role_codes


def works_across_departments(user: Any) -> bool:
    return department_scope(user).across


def may_create_department_pages(user: Any) -> bool:
    """Only staff with a department, or with a bureau-wide role, create department pages."""
    scope = department_scope(user)
    return scope.across or scope.department_id is not None


def choosable_departments(user: Any, *, current_id: int | None = None) -> QuerySet:
    """The departments `user` may give a page: every active one for bureau-wide roles,
    otherwise their own; `current_id` (the page's present department) stays valid."""
    from .models import Department

    scope = department_scope(user)
    if scope.across:
        wanted = Q(is_active=True)
    elif scope.department_id is not None:
        wanted = Q(pk=scope.department_id)
    else:
        wanted = Q(pk__in=[])
    if current_id is not None:
        wanted |= Q(pk=current_id)
    return Department.objects.filter(wanted)


def filter_department_owned(queryset: QuerySet, user: Any, *, field: str = "department"):
    """Narrow `queryset` to what `user` may work on by the department rule.

    Everything for superusers and bureau-wide roles; otherwise their own department's
    objects, plus pages without a department that they own (created themselves).
    """
    scope = department_scope(user)
    if scope.across:
        return queryset
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    wanted = Q(pk__in=[])
    if scope.department_id is not None:
        wanted |= Q(**{f"{field}_id": scope.department_id})
    if any(f.name == "owner" for f in queryset.model._meta.get_fields()):
        wanted |= Q(**{f"{field}__isnull": True}, owner=user)
    return queryset.filter(wanted)


def editable_department_pages(user: Any, queryset: QuerySet) -> QuerySet:
    """Pages of `queryset` that `user` may edit: Wagtail's change permission (or add
    permission and ownership) narrowed by the department rule.

    The queryset form of `DepartmentPagePermissionTester.can_edit`, for lists; it reads
    the department saved on the page (not a pending draft's) and leaves out the
    reviewers whom only a workflow step lets into the editor.
    """
    from wagtail.permission_policies.pages import PagePermissionPolicy

    editable = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    field = getattr(queryset.model, "department_field", "department")
    return filter_department_owned(queryset.filter(pk__in=editable.values("pk")), user, field=field)


class DepartmentPagePermissionTester(PagePermissionTester):
    """Wagtail's tester, and outside their department a departmental user may do nothing.

    Refused on another department's page: edit (so preview, view draft, history, usage),
    delete, copy, move, publish, unpublish, revisions, submitting for review, privacy,
    unscheduling. Only the current review step's deciders (the workflow task's own rule)
    still get into the editor and may lock and unlock the page.
    """

    @cached_property
    def in_department(self) -> bool:
        if self.page_is_root or not self.user.is_active:
            return True  # Wagtail's own answers (root: nothing; inactive: nothing)
        scope = department_scope(self.user)
        if scope.across:
            return True
        department_id = self.page.owning_department_id()
        if department_id is None:
            # Not yet assigned (e.g. an unfinished import): its creator's until it is.
            return self.page.owner_id is not None and self.page.owner_id == self.user.pk
        return scope.covers(department_id)

    def _current_task(self):
        return self.page.current_workflow_task

    def can_edit(self):
        if self.in_department:
            return super().can_edit()
        if not self.user.is_active or self.page_is_root:
            return False
        task = self._current_task()
        return bool(task and task.user_can_access_editor(self.page, self.user))

    def can_delete(self, ignore_bulk=False):
        return self.in_department and super().can_delete(ignore_bulk=ignore_bulk)

    def can_unpublish(self):
        return self.in_department and super().can_unpublish()

    def can_publish(self):
        return self.in_department and super().can_publish()

    def can_submit_for_moderation(self):
        return self.in_department and super().can_submit_for_moderation()

    def can_lock(self):
        if self.in_department:
            return super().can_lock()
        task = self._current_task()
        return bool(task and task.user_can_lock(self.page, self.user))

    def can_unlock(self):
        if self.in_department:
            return super().can_unlock()
        if self.user_has_lock():
            return True
        task = self._current_task()
        return bool(task and task.user_can_unlock(self.page, self.user))

    def can_copy(self):
        return self.in_department and super().can_copy()

    def can_move(self):
        return self.in_department and super().can_move()

    def can_view_revisions(self):
        return self.in_department and super().can_view_revisions()


class DepartmentOwnedPageMixin:
    """For a page type with a department ForeignKey (`department_field`): department
    boundaries in the admin. Put it before `Page` in the bases."""

    department_field = "department"
    permission_tester_class: type[PagePermissionTester] = DepartmentPagePermissionTester

    def permissions_for_user(self, user):
        return self.permission_tester_class(user, self)

    def owning_department_id(self) -> int | None:
        """The department responsible for the page as the admin works on it.

        The one in its latest revision when it has unpublished changes (a department
        change waiting for review already counts), else the one saved on the page. Read
        from the database, not from this instance, which may be an old revision being
        reverted to; once per instance (a listing asks for every button), until
        refresh_from_db().
        """
        attname = f"{self.department_field}_id"
        if self.pk is None:
            return getattr(self, attname)
        if _OWNER_CACHE not in self.__dict__:
            self.__dict__[_OWNER_CACHE] = self._read_owning_department_id(attname)
        return self.__dict__[_OWNER_CACHE]

    def refresh_from_db(self, *args, **kwargs):
        self.__dict__.pop(_OWNER_CACHE, None)
        return super().refresh_from_db(*args, **kwargs)

    def _read_owning_department_id(self, attname: str) -> int | None:
        drafted_key = f"latest_revision__content__{self.department_field}"  # by field name
        row = (
            type(self)
            ._default_manager.filter(pk=self.pk)
            .values(attname, "has_unpublished_changes", drafted_key)
            .first()
        )
        if row is None:
            return getattr(self, attname)
        if row["has_unpublished_changes"] and row[drafted_key] is not None:
            return int(row[drafted_key])
        return row[attname]


# --- admin ------------------------------------------------------------------------------------

NO_DEPARTMENT = gettext_noop(
    "Your account belongs to no department, so you cannot create %(type)s. Ask the site "
    "administrator (信息中心) to set your department."
)


def no_department_message(page_class: type) -> str:
    return _(NO_DEPARTMENT) % {"type": page_class._meta.verbose_name_plural}


@hooks.register("before_create_page")
def refuse_creating_without_department(request, parent_page, page_class):
    """Staff without a department (and no bureau-wide role) create no department pages."""
    if issubclass(page_class, DepartmentOwnedPageMixin) and not may_create_department_pages(
        request.user
    ):
        messages.error(request, no_department_message(page_class))
        return redirect("wagtailadmin_explore", parent_page.pk)
    return None
