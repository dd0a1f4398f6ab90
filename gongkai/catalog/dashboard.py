"""The staff dashboard's 公开时效 panel (Wagtail admin home).

条例 第26条 lateness is prevented, not only counted: drafts and records in review that have
reached working day `TIMELINESS_WARN_AT` since their 信息形成日期 are listed with the working
days left, overdue ones in red, and 条例 第18条 re-reviews falling due beside them. A
departmental user sees their own department's; bureau-wide roles see all, by department.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from wagtail.admin.ui.components import Component

from .timeliness import (
    group_by_department,
    records_approaching_limit,
    rereview_soon_days,
    rereviews_for,
    timeliness_limit,
    timeliness_warn_at,
)


class TimelinessPanel(Component):
    """公开时效提醒: what must be published soon, and re-reviews due."""

    name = "catalog_timeliness"
    template_name = "catalog/admin/timeliness_panel.html"
    order = 80

    def __init__(self, *, pending: list, rereviews: list, grouped: bool) -> None:
        self.pending = pending
        self.rereviews = rereviews
        self.grouped = grouped

    def get_context_data(self, parent_context: Any) -> dict[str, Any]:
        return {
            "groups": group_by_department(self.pending),
            "rereview_groups": group_by_department(self.rereviews),
            "grouped": self.grouped,
            "limit": timeliness_limit(),
            "warn_at": timeliness_warn_at(),
            "soon_days": rereview_soon_days(),
        }


def timeliness_panel(user: Any, today=None) -> TimelinessPanel | None:
    """The panel for `user` on `today` (Asia/Shanghai), or None when there is nothing to say."""
    from gongkai.org.permissions import department_scope

    today = today or timezone.localdate()
    pending = records_approaching_limit(user, today)
    rereviews = rereviews_for(user, today, within_days=rereview_soon_days())
    if not pending and not rereviews:
        return None
    return TimelinessPanel(
        pending=pending, rereviews=rereviews, grouped=department_scope(user).across
    )
