"""Shared test fixtures. Browser fixtures live in gongkai/core/tests/browser.py."""
