"""Reads of the organisation."""

from collections import Counter

from django.db.models import ProtectedError, QuerySet, RestrictedError
from django.db.models.deletion import Collector

from .models import Department, Responsibility, StaffProfile


def department_delete_blockers(department: Department) -> list[tuple[str, int]]:
    """What still belongs to `department`, as (verbose name plural, count) pairs.

    Found generically: every model of any app that points at Department with
    on_delete=PROTECT or RESTRICT blocks deletion, so later modules need not
    register anything. Responsibilities (a many-to-many) are counted too.
    """
    counts: Counter[str] = Counter()
    collector = Collector(using="default")
    try:
        collector.collect([department])
    except (ProtectedError, RestrictedError) as exc:
        objs = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", ())
        for obj in objs:
            counts[str(obj._meta.verbose_name_plural)] += 1
    n_resp = department.responsibilities.count()
    if n_resp:
        counts[str(Responsibility._meta.verbose_name_plural)] += n_resp
    return sorted(counts.items())


def active_departments() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True)


def department_of(user) -> Department | None:
    """The department `user` belongs to, or None for accounts without a profile."""
    if not getattr(user, "is_authenticated", False):
        return None
    profile = StaffProfile.objects.select_related("department").filter(user=user).first()
    return profile.department if profile else None


def staff_name(user) -> str:
    """How a member of staff is named on screens and in the 审查单: a Chinese name family name
    first and without a space (张文, not Django's “文 张”), others as Django joins them."""
    if user is None:
        return ""
    from .names import chinese_full_name

    return chinese_full_name(user) or user.get_username()


def department_heads(department: Department) -> QuerySet:
    """Active users holding the department-head role (科室负责人) in `department`."""
    from django.contrib.auth import get_user_model

    from .roles import DEPARTMENT_HEAD

    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            staff_profile__department=department,
            groups__role_link__code=DEPARTMENT_HEAD,
        )
        .distinct()
    )


def responsible_departments(plan_item: str) -> QuerySet[Department]:
    """Departments responsible for a plan item ("二(五)1"); all active ones for 各科室、单位.

    An unknown plan item gives no departments.
    """
    resp = Responsibility.objects.filter(plan_item=plan_item).first()
    if resp is None:
        return Department.objects.none()
    if resp.all_departments:
        return active_departments()
    return resp.departments.all()
