"""Audit-log plumbing: the client IP on every entry, and staff sign-in events."""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.http import HttpRequest
from wagtail.models import ModelLogEntry, PageLogEntry

from .audit import AuthAction, audit
from .request_context import client_ip


@receiver(pre_save, sender=ModelLogEntry)
@receiver(pre_save, sender=PageLogEntry)
def stamp_client_ip(sender: type, instance: Any, **kwargs: Any) -> None:
    """Add the client's address to every audit entry written during a request."""
    if instance.pk is not None:
        return
    ip = client_ip()
    if not ip:
        return
    if instance.data is None:
        instance.data = {}
    if isinstance(instance.data, dict):
        instance.data.setdefault("ip", ip)


def _user_named(username: str | None) -> Any:
    if not username:
        return None
    User = get_user_model()
    return User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()


@receiver(user_logged_in, dispatch_uid="gongkai.core.audit_login")
def audit_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit(user, AuthAction.LOGIN, user=user)


@receiver(user_logged_out, dispatch_uid="gongkai.core.audit_logout")
def audit_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None and user.pk is not None:
        audit(user, AuthAction.LOGOUT, user=user)


@receiver(user_login_failed, dispatch_uid="gongkai.core.audit_login_failed")
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Only failures against an existing account are recorded: they are the
    # ones an administrator can act on. Unknown names stay in axes' own log.
    User = get_user_model()
    user = _user_named(credentials.get(User.USERNAME_FIELD) or credentials.get("username"))
    if user is not None:
        audit(user, AuthAction.LOGIN_FAILED)


@receiver(user_locked_out, dispatch_uid="gongkai.core.audit_locked_out")
def audit_locked_out(
    sender: Any, request: HttpRequest | None, username: str | None, ip_address: str, **kwargs: Any
) -> None:
    user = _user_named(username)
    if user is not None:
        audit(user, AuthAction.LOCKED_OUT, data={"ip": ip_address})
