"""Reads of the notifications app: only a user's own notices; the outbox for its managers."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import MailStatus, Notification, OutgoingMail
from .permissions import can_manage_outbox


def notifications_for(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    queryset = Notification.objects.filter(recipient=user)
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset


def unread_count(user: Any) -> int:
    return notifications_for(user, unread_only=True).count()


def outbox_for(user: Any, *, status: str | None = None) -> QuerySet[OutgoingMail]:
    if not can_manage_outbox(user):
        return OutgoingMail.objects.none()
    queryset = OutgoingMail.objects.all()
    if status in MailStatus.values:
        queryset = queryset.filter(status=status)
    return queryset


def failed_mail_count(user: Any) -> int:
    return outbox_for(user, status=MailStatus.FAILED).count()
