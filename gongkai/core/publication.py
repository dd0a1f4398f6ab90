"""The one gate every publication passes (DESIGN.md: nothing is published without review).

Page types that hold government information call `check_can_publish(page)`
from their `save()` whenever they go live; every path (admin, workflow, API,
management command, scheduled publishing) ends in that save. Apps register
guards; the review app registers the one that demands a completed review.
Apps meet here through the registry: core imports none of them.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied


class PublicationRefused(PermissionDenied):
    """Publishing was refused; `str()` gives the reason in Chinese."""


Guard = Callable[[object], None]
_guards: dict[str, Guard] = {}


def register_publication_guard(name: str, guard: Guard) -> None:
    """Register `guard(page)`, which raises PublicationRefused to stop a publication."""
    _guards[name] = guard


def unregister_publication_guard(name: str) -> None:
    _guards.pop(name, None)


def check_can_publish(page) -> None:
    """Run every guard; the first refusal propagates and the save is abandoned."""
    for guard in list(_guards.values()):
        guard(page)
