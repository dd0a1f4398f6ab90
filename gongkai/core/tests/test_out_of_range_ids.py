"""Every route with an ``<int:...>`` part answers 404 (JSON in the API), never 500, for ids
no database can hold, and never 500 for 0 or a negative number.

The routes are found by walking the URL resolver, so new apps' routes are checked too.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from gongkai.conftest import login_verified

pytestmark = pytest.mark.django_db

TOO_LARGE = (2**63, 99999999999999999999)
EDGE = (-1, 0)
_PART = re.compile(r"<(?:(\w+):)?(\w+)>")


def _routes(patterns=None, prefix: str = "") -> list[str]:
    found = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = getattr(entry.pattern, "_route", None)
        if route is None:  # a regular expression: no converters
            continue
        if isinstance(entry, URLResolver):
            found += _routes(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            found.append(prefix + route)
    return sorted({route for route in found if "<int:" in route})


def _url(route: str, value: int) -> str:
    def part(match: re.Match) -> str:
        return str(value) if match.group(1) == "int" else "x"

    return "/" + _PART.sub(part, route)


def test_the_walk_finds_the_known_routes():
    routes = _routes()
    assert "gongkai/feeds/<int:page_id>/rss/" in routes
    assert any(route.startswith("api/v1/") for route in routes)
    assert any(route.startswith("admin/pages/") for route in routes)


@pytest.mark.parametrize("anonymous", [True, False], ids=["anonymous", "site-admin"])
def test_out_of_range_ids_answer_404_on_every_int_route(world, anonymous):
    client = Client()
    if not anonymous:
        login_verified(client, world.site_admin)
    failures = []
    for route in _routes():
        for value in (*TOO_LARGE, *EDGE):
            url = _url(route, value)
            response = client.get(url)
            code = response.status_code
            if value in TOO_LARGE:
                ok = code == 404 or (anonymous and code == 302)
                if route.startswith("api/"):
                    ok = code in (404, 422) and response["Content-Type"].startswith(
                        "application/json"
                    )
            else:
                ok = code < 500
            if not ok:
                failures.append(f"{url}: {code}")
    assert not failures, failures


def test_the_feed_of_the_issue_is_a_404(client, world):
    assert client.get("/gongkai/feeds/9223372036854775808/rss/").status_code == 404
    assert client.get("/gongkai/feeds/9223372036854775808/atom/").status_code == 404
    assert client.get("/gongkai/feeds/9223372036854775807/rss/").status_code == 404
