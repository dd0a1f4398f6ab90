"""The test suite: same as the embedded setup, with fast hashing and inline tasks."""

import os

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
AXES_ENABLED = True
# Tests call Django directly; gongkai/core/tests/test_pagecache.py wraps it in the page cache.
PAGE_CACHE = False
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
