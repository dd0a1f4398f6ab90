"""Who sees the outbox: the information centre (信息中心, site administrators)."""

from typing import Any


def can_manage_outbox(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    from gongkai.org import roles

    return roles.user_has_role(user, roles.SITE_ADMIN)
