"""The embedded setup: one machine, SQLite, no other service. Used by `make run`."""

from .base import *  # noqa: F403
