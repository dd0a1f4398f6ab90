"""One way to record who did what to which record, when, and from where.

Pages and snippets already write Wagtail's audit log; plain models use the
same log (ModelLogEntry) through `audit()`. Every entry also gets the
client's IP address (see `signals.py`), so the admin's 审计日志 report can
show and filter it.

Each app names its actions in a `TextChoices` whose values are namespaced
("core.calendar.save") and registers them with `register_audit_actions` from
its `wagtail_hooks.py`, so the admin shows their Chinese labels.
"""

from typing import Any

from django.db import models
from wagtail.log_actions import log


def audit(
    instance: models.Model,
    action: str,
    *,
    user: Any = None,
    data: dict | None = None,
    title: str | None = None,
):
    """Write one audit entry for `instance`. Returns the log entry."""
    kwargs: dict[str, Any] = {"data": dict(data or {})}
    if title:
        kwargs["title"] = title
    if user is not None and getattr(user, "is_authenticated", False):
        kwargs["user"] = user
    entry = log(instance, str(action), **kwargs)
    if entry is None:  # pragma: no cover - Wagtail logs every model by default
        raise RuntimeError(f"No audit log model for {type(instance).__name__}")
    return entry


def register_audit_actions(actions_registry, choices: type[models.TextChoices]) -> None:
    """Register every member of `choices` with Wagtail's log action registry."""
    for member in choices:
        actions_registry.register_action(member.value, member.label, member.label)
