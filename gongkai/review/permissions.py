"""Who may decide which review step (谁审查谁负责)."""

from gongkai.org import roles
from gongkai.org.selectors import department_of

from .states import StepKind

STEP_ROLES = {
    StepKind.DEPARTMENT: roles.DEPARTMENT_HEAD,
    StepKind.CONFIDENTIALITY: roles.OFFICE_REVIEWER,
    StepKind.SIGN_OFF: roles.LEADER,
}


def can_decide(kind: str, obj, user) -> bool:
    """True when `user` may approve or reject step `kind` for page `obj`.

    Only the role decides, never superuser status: the 审查单 must name a reviewer who
    holds the office. The department review belongs to the head of the record's own
    department.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not roles.user_has_role(user, STEP_ROLES[kind]):
        return False
    if kind == StepKind.DEPARTMENT:
        page = getattr(obj, "specific", obj)
        department_id = getattr(page, "department_id", None)
        own = department_of(user)
        return own is not None and department_id is not None and own.pk == department_id
    return True
