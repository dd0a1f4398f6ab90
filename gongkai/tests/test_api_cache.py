"""/api/v1/ answers carry the public pages' cache policy (gongkai.portal.cache)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

READS = ["/api/v1/", "/api/v1/org/bureau", "/api/v1/org/departments", "/api/v1/catalog/records"]


def cache_control(response) -> set[str]:
    return {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",")}


@pytest.mark.parametrize("url", READS)
def test_anonymous_reads_may_be_shared(world, url):
    response = Client().get(url)
    assert response.status_code == 200
    assert "public" in cache_control(response)
    assert "private" not in cache_control(response)


@pytest.mark.parametrize("url", READS)
def test_signed_in_reads_are_private(world, url):
    client = Client()
    client.force_login(world.drafter)
    response = client.get(url)
    assert response.status_code == 200
    assert "public" not in cache_control(response)
    assert "private" in cache_control(response)


def test_a_session_cookie_makes_it_private(world):
    client = Client()
    client.cookies["sessionid"] = "someone"
    response = client.get("/api/v1/org/bureau")
    assert "public" not in cache_control(response)


def test_writes_and_errors_are_not_shared(world):
    client = Client()
    for response in (
        client.post("/api/v1/org/bureau", {}),
        client.delete("/api/v1/catalog/records"),
        client.get("/api/v1/catalog/records/999999"),
        client.get("/api/v1/catalog/records?limit=abc"),
    ):
        assert response.status_code >= 400
        assert "public" not in cache_control(response)
