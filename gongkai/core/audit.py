"""One way to record who did what to which record, when, and from where.

Pages and snippets already write Wagtail's audit log; plain models use the
same log (ModelLogEntry) through `audit()`. Every entry also gets the
client's IP address (see `signals.py`), so the admin's 审计日志 report can
show and filter it.

Each app names its actions in a `TextChoices` whose values are namespaced
("core.calendar.save") and registers them with `register_audit_actions` from
its `wagtail_hooks.py`, so the admin shows their Chinese labels. Wagtail
refuses to save an entry whose action is not registered.
"""

from typing import Any

from django.db import models
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import LogActionRegistry, log
from wagtail.models import BaseLogEntry


class AuthAction(models.TextChoices):
    """Sign-in events of staff accounts (账号登录), written by `signals.py`."""

    LOGIN = "core.auth.login", _("Signed in")
    LOGOUT = "core.auth.logout", _("Signed out")
    LOGIN_FAILED = "core.auth.login_failed", _("Failed sign-in")
    LOCKED_OUT = "core.auth.locked_out", _("Locked out after failed sign-ins")


def _unwrap(obj: Any) -> Any:
    """The real object behind request.user (django-otp wraps one lazy object in another)."""
    while isinstance(obj, LazyObject):
        if obj._wrapped is empty:
            obj._setup()
        obj = obj._wrapped
    return obj


def audit(
    instance: models.Model,
    action: str,
    *,
    user: Any = None,
    data: dict[str, Any] | None = None,
    title: str | None = None,
) -> BaseLogEntry:
    """Write one audit entry for `instance` and return it.

    `instance` must be saved. A page gets a PageLogEntry, anything else a
    ModelLogEntry. `user` is the actor (None or anonymous: the system).
    `data` is stored as JSON; during a request the client's IP is added as
    data["ip"]. Outside a request (commands, tasks) there is no IP.
    """
    instance = _unwrap(instance)
    user = _unwrap(user)
    kwargs: dict[str, Any] = {"data": dict(data or {})}
    if title:
        kwargs["title"] = title
    if user is not None and getattr(user, "is_authenticated", False):
        kwargs["user"] = user
    entry = log(instance, str(action), **kwargs)
    if entry is None:  # pragma: no cover - Wagtail logs every model by default
        raise RuntimeError(f"No audit log model for {type(instance).__name__}")
    return entry


def register_audit_actions(
    actions_registry: LogActionRegistry, choices: type[models.TextChoices]
) -> None:
    """Register every member of `choices` with Wagtail's log action registry."""
    for member in choices:
        actions_registry.register_action(member.value, member.label, member.label)
