import pytest

pytestmark = pytest.mark.django_db


def test_bureau_contacts(client, world):
    data = client.get("/api/v1/org/bureau").json()
    assert data["name"] == "测试市人力资源和社会保障局"
    assert data["phone"] == "0857-1234567"


def test_departments_lists_only_active_ones(client, world):
    world.policy.is_active = False
    world.policy.save()
    data = client.get("/api/v1/org/departments").json()
    names = [d["name"] for d in data]
    assert "局办公室" in names and "市就业局" in names
    assert "政策法规科" not in names
    employment = next(d for d in data if d["name"] == "市就业局")
    assert employment["kind_display"] == "直属单位"


def test_openapi_lists_the_org_routes(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/org/departments" in spec["paths"]
