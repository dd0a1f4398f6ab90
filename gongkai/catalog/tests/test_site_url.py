"""Every absolute URL the site hands out names SITE_URL, never the host a request came by."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from wagtail.models import Site

from gongkai.catalog.tests.factories import publish_reviewed
from gongkai.catalog.tests.public_factories import (
    Catalogue,
    attachment,
    catalogue,
    wire_public_context,
)
from gongkai.portal.seeds import seed as seed_portal
from gongkai.search import services as search_services

pytestmark = pytest.mark.django_db

PUBLIC = "https://gk.example.gov.cn"
URL_RE = re.compile(r"^(?:https?:)?//", re.IGNORECASE)


@pytest.fixture
def cat(world, monkeypatch, settings) -> Catalogue:
    # The request arrives by another name (a proxy's upstream, a forged Host header).
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL = PUBLIC
    settings.WAGTAILADMIN_BASE_URL = PUBLIC
    wire_public_context(monkeypatch)
    made = catalogue(world)
    attachment(made.visible[0], title="附件1：申请表")
    made.visible[0].body = (
        f'<p>见<a linktype="page" id="{made.visible[2].pk}">养老方案</a>。</p>'
        + '<p><a href="/gongkai/guide/">公开指南</a></p>'
    )
    publish_reviewed(made.visible[0])
    search_services.reindex()
    return made


def _get(client, url: str):
    response = client.get(url, HTTP_HOST="internal.upstream:8080")
    assert response.status_code == 200, (url, response.status_code)
    return response


def _xml_urls(content: bytes) -> list[str]:
    """Every text and attribute value of the XML document that is a URL (not namespaces)."""
    urls = []
    for element in ET.fromstring(content).iter():
        values = [element.text or "", *element.attrib.values()]
        urls += [value.strip() for value in values if URL_RE.match(value.strip())]
    return urls


def _json_urls(data) -> list[str]:
    urls = []
    if isinstance(data, dict):
        for value in data.values():
            urls += _json_urls(value)
    elif isinstance(data, list):
        for value in data:
            urls += _json_urls(value)
    elif isinstance(data, str):
        if URL_RE.match(data):
            urls.append(data)
        # URLs inside HTML fields (body_html): links and images
        urls += re.findall(r'(?:href|src)="((?:https?:)?//[^"]+)"', data)
    return urls


def _outside(urls: list[str]) -> list[str]:
    return [url for url in urls if not url.startswith(PUBLIC + "/")]


def test_sitemap_feeds_api_and_robots_name_site_url(client, cat):
    record = cat.visible[0]
    record_url = PUBLIC + record.url
    document = record.attachments.first().document
    found = {}

    sitemap = _get(client, "/sitemap.xml").content
    found["sitemap"] = _xml_urls(sitemap)
    assert record_url in found["sitemap"]
    assert PUBLIC + "/gongkai/guide/" in found["sitemap"]

    rss = _get(client, f"/gongkai/feeds/{cat.employment.pk}/rss/").content
    found["rss"] = _xml_urls(rss)
    channel = ET.fromstring(rss).find("channel")
    assert channel.findtext("link") == PUBLIC + cat.employment.url
    items = {item.findtext("title"): item for item in channel.findall("item")}
    first = items[f"{record.title}（{record.doc_number}）"]
    assert first.findtext("link") == record_url
    assert first.find("enclosure").get("url") == PUBLIC + document.url

    atom = _get(client, f"/gongkai/feeds/{cat.employment.pk}/atom/").content
    found["atom"] = _xml_urls(atom)
    assert PUBLIC + f"/gongkai/feeds/{cat.employment.pk}/atom/" in found["atom"]
    assert PUBLIC + document.url in found["atom"]  # the enclosure

    robots = _get(client, "/robots.txt").content.decode()
    found["robots"] = re.findall(r"https?://\S+", robots)
    assert found["robots"] == [PUBLIC + "/sitemap.xml"]

    listing = _get(client, "/api/v1/catalog/records").json()
    detail = _get(client, f"/api/v1/catalog/records/id/{record.pk}").json()
    columns = _get(client, "/api/v1/catalog/columns").json()
    hits = _get(client, "/api/v1/search/?q=就业").json()
    found["api"] = _json_urls([listing, detail, columns, hits])
    assert detail["url"] == record_url
    assert detail["attachments"][0]["url"] == PUBLIC + document.url
    assert f'href="{PUBLIC}{cat.visible[2].url}"' in detail["body_html"]
    assert f'href="{PUBLIC}/gongkai/guide/"' in detail["body_html"]
    assert record_url in [hit["url"] for hit in hits["hits"]]

    for source, urls in found.items():
        assert urls, source
        assert not _outside(urls), (source, _outside(urls))
    assert "internal.upstream" not in json.dumps(found)


def test_the_demo_site_follows_site_url(world, settings):
    settings.SITE_URL = "https://gk.example.gov.cn"
    seed_portal(stdout=io.StringIO())
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("gk.example.gov.cn", 443)
    assert site.root_url == PUBLIC
    # A later seed_demo with another SITE_URL corrects it.
    settings.SITE_URL = "http://127.0.0.1:8102"
    out = io.StringIO()
    seed_portal(stdout=out)
    site.refresh_from_db()
    assert (site.hostname, site.port) == ("127.0.0.1", 8102)
    assert "127.0.0.1:8102" in out.getvalue()


def test_admin_e_mails_link_to_site_url(settings):
    """Wagtail's e-mails (workflow notices, password resets) build links from its base URL."""
    from wagtail.admin.utils import get_admin_base_url

    assert settings.WAGTAILADMIN_BASE_URL == settings.SITE_URL
    assert get_admin_base_url() == settings.SITE_URL
