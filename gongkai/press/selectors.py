"""Reads of the press list: the columns one can follow, and subscribers for their staff."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from gongkai.portal.columns import columns

from .models import Subscriber


def column_choices() -> list[tuple[str, str]]:
    """Columns of the portal's registry that are open (have a URL): what one can follow."""
    return [(column.key, str(column.title)) for column in columns() if column.is_ready]


def column_titles() -> dict[str, str]:
    return {column.key: str(column.title) for column in columns()}


def can_view_subscribers(user: Any) -> bool:
    """Contacts are personal data: the office (局办公室) and the information centre only."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or user.has_perm("press.view_subscriber")


def subscribers_for(user: Any, *, status: str | None = None) -> QuerySet[Subscriber]:
    if not can_view_subscribers(user):
        return Subscriber.objects.none()
    queryset = Subscriber.objects.all()
    if status:
        queryset = queryset.filter(status=status)
    return queryset
