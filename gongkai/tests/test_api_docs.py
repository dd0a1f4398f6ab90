import re


def test_api_index_points_to_the_spec(client):
    data = client.get("/api/v1/").json()
    assert data["openapi"] == "/api/v1/openapi.json"
    assert client.get(data["openapi"]).status_code == 200


def test_api_docs_use_only_local_assets(client):
    html = client.get("/api/v1/docs").content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls, "the docs page loads its assets"
    assert not [u for u in urls if u.startswith(("http:", "https:", "//"))], urls
