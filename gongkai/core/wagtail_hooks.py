"""Admin screens of the core app; each module registers its own hooks on import."""

from . import audit_admin, calendar_admin  # noqa: F401
