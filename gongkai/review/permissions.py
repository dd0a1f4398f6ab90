"""Who may decide which review step (谁审查谁负责), and nobody reviews their own submission."""

from __future__ import annotations

from typing import Any

from gongkai.org import roles
from gongkai.org.selectors import department_heads, department_of

from .states import StepKind

STEP_ROLES = {
    StepKind.DEPARTMENT: roles.DEPARTMENT_HEAD,
    StepKind.CONFIDENTIALITY: roles.OFFICE_REVIEWER,
    StepKind.SIGN_OFF: roles.LEADER,
}


def submitter_ids(obj: Any) -> set[int]:
    """Who submitted (or resubmitted) `obj`'s current workflow: they may not approve its
    first step."""
    from .models import ReviewRecord

    workflow_state = getattr(obj, "current_workflow_state", None)
    if workflow_state is None:
        return set()
    ids = {workflow_state.requested_by_id}
    record = ReviewRecord.objects.filter(workflow_state=workflow_state).first()
    if record is not None:
        ids |= {record.submitted_by_id, record.last_submitted_by_id}
    return {pk for pk in ids if pk is not None}


def office_takes_first_review(department: Any, exclude: set[int]) -> bool:
    """Whether the office (局办公室) decides the department review of `department`'s records.

    Configured per department (a one-person department: ``first_review_by_office``), and
    always when the department has no head besides those in `exclude` (the submitters):
    a submission never waits for a reviewer who may not decide it.
    """
    if department is None:
        return True
    if department.first_review_by_office:
        return True
    return not department_heads(department).exclude(pk__in=exclude).exists()


def can_decide(kind: str, obj: Any, user: Any) -> bool:
    """True when `user` may approve or reject step `kind` for page `obj`.

    Only the role decides, never superuser status: the 审查单 must name a reviewer who
    holds the office. The department review belongs to the head of the record's own
    department, or to the office where the department is so configured or has no other
    head; whoever submitted the record never decides that first step.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    page = getattr(obj, "specific", obj)
    if kind != StepKind.DEPARTMENT:
        return roles.user_has_role(user, STEP_ROLES[kind])
    submitters = submitter_ids(page)
    if user.pk in submitters:
        return False
    department_id = getattr(page, "department_id", None)
    department = getattr(page, "department", None) if department_id else None
    if roles.user_has_role(user, roles.DEPARTMENT_HEAD):
        own = department_of(user)
        if (
            own is not None
            and department_id is not None
            and own.pk == department_id
            and not department.first_review_by_office
        ):
            return True
    if roles.user_has_role(user, roles.OFFICE_REVIEWER):
        return office_takes_first_review(department, submitters)
    return False
