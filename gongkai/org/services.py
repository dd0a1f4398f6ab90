"""Writes to the organisation: departments, staff, responsibilities."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.core.audit import audit

from .models import Department, Responsibility, StaffProfile
from .selectors import department_delete_blockers

User = get_user_model()


class OrgAction(models.TextChoices):
    DEPARTMENT_DELETE = "org.department.delete", gettext_lazy("Delete department")
    STAFF_PROFILE_SET = "org.staff.set_department", gettext_lazy("Assign staff to department")
    RESPONSIBILITY_SET = "org.responsibility.set", gettext_lazy("Set responsible departments")


class DepartmentInUse(ValidationError):
    """Raised when a department still owns staff or records."""


def department_delete_refusal(department: Department) -> str | None:
    """The Chinese explanation of why `department` cannot be deleted, or None."""
    blockers = department_delete_blockers(department)
    if not blockers:
        return None
    parts = "、".join(f"{label}（{count}）" for label, count in blockers)
    return _(
        "The department “%(name)s” cannot be deleted: %(parts)s still belong to it. "
        "Move them to another department first, or mark the department inactive instead."
    ) % {"name": department.name, "parts": parts}


@transaction.atomic
def department_delete(*, department: Department, by=None) -> None:
    """Delete a department that owns nothing; otherwise raise DepartmentInUse.

    Staff, responsibilities and any record that points at the department with
    on_delete=PROTECT block the deletion.
    """
    refusal = department_delete_refusal(department)
    if refusal:
        raise DepartmentInUse(refusal)
    audit(department, OrgAction.DEPARTMENT_DELETE, user=by, data={"name": department.name})
    department.delete()


@transaction.atomic
def staff_profile_set(
    *, user, department: Department, title: str = "", phone: str = "", by=None
) -> StaffProfile:
    """Put `user` in `department` (creating their staff profile if needed)."""
    profile, created = StaffProfile.objects.select_for_update().get_or_create(
        user=user, defaults={"department": department, "title": title, "phone": phone}
    )
    before = None if created else profile.department_id
    if not created:
        profile.department = department
        profile.title = title
        profile.phone = phone
        profile.save()
    if created or before != department.pk:
        audit(
            user,
            OrgAction.STAFF_PROFILE_SET,
            user=by,
            data={"department": department.name, "previous_department_id": before},
        )
    return profile


@transaction.atomic
def responsibility_set(
    *,
    plan_item: str,
    title: str,
    departments: list[Department] | None = None,
    all_departments: bool = False,
    description: str = "",
    sort_order: int = 100,
    by=None,
) -> Responsibility:
    """Record who is responsible for a plan item (creates or updates it)."""
    if not all_departments and not departments:
        raise ValidationError(
            _("Name at least one responsible department, or mark it as all departments.")
        )
    wanted = {
        "title": title,
        "all_departments": all_departments,
        "description": description,
        "sort_order": sort_order,
    }
    wanted_departments = {d.pk for d in departments or []}
    resp = Responsibility.objects.filter(plan_item=plan_item).first()
    if resp is not None:
        unchanged = (
            all(getattr(resp, k) == v for k, v in wanted.items())
            and set(resp.departments.values_list("pk", flat=True)) == wanted_departments
        )
        if unchanged:
            return resp
    resp, _created = Responsibility.objects.update_or_create(plan_item=plan_item, defaults=wanted)
    resp.departments.set(wanted_departments)
    audit(resp, OrgAction.RESPONSIBILITY_SET, user=by, data={"plan_item": plan_item})
    return resp
