"""Choose the full-text backend for the database in use (setting SEARCH_BACKEND)."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.utils.module_loading import import_string

from .base import SearchBackend

BACKENDS = {
    "sqlite": "gongkai.search.backends.sqlite.SQLiteBackend",
    "postgresql": "gongkai.search.backends.postgres.PostgresBackend",
}

_instances: dict[str, SearchBackend] = {}


def get_backend() -> SearchBackend:
    """The configured backend; "auto" (the default) follows the database vendor."""
    name = getattr(settings, "SEARCH_BACKEND", "auto") or "auto"
    path = BACKENDS.get(connection.vendor if name == "auto" else name, name)
    if path not in _instances:
        _instances[path] = import_string(path)()
    return _instances[path]
