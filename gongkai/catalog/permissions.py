"""Who may do what with catalogue records, beyond Wagtail's page permissions.

Withdrawal (撤回) is a decision on published government information, the reverse of
publication: it belongs to the office (局办公室, which coordinates disclosure and keeps the
confidentiality review) and to the leaders in charge (分管领导, who sign off), across every
department, and to superusers. Drafters and department heads propose, they do not take
information off the site; the site administrator (信息中心) runs the system but takes no
decision on its content, as it publishes none either. A record leaves the site only that
way: Wagtail's plain unpublish is refused for records (see `RecordPermissionTester`).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from gongkai.org import roles
from gongkai.org.permissions import DepartmentPagePermissionTester, user_role_codes

WITHDRAW_ROLES = frozenset({roles.OFFICE_REVIEWER, roles.LEADER})


def may_withdraw_records(user: Any) -> bool:
    """Whether `user` withdraws records at all (by role), whatever their state."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or bool(user_role_codes(user) & WITHDRAW_ROLES)


def withdraw_refusal(record: Any, user: Any) -> str | None:
    """Why `user` may not withdraw `record` now, or None if they may."""
    from .models import CatalogRecord

    if not isinstance(record, CatalogRecord):
        return _("Only catalogue records can be withdrawn.")
    if not may_withdraw_records(user):
        return _("You may not withdraw this record.")
    if record.withdrawn_at is not None:
        return _("This record has already been withdrawn.")
    if not record.live:
        return _("Only a published record can be withdrawn.")
    return None


def can_withdraw(record: Any, user: Any) -> bool:
    """The one rule: office reviewers, leaders and superusers withdraw any live record
    that is not withdrawn yet."""
    return withdraw_refusal(record, user) is None


class RecordPermissionTester(DepartmentPagePermissionTester):
    """Department boundaries, and no plain unpublishing: records are withdrawn instead,
    with a reason and an audit entry (services.record_withdraw). Closes every Wagtail path
    alike: the unpublish view and menu items, the bulk action, the admin API and the
    unpublishing of a column with its descendants."""

    def can_unpublish(self):
        return False
