"""The public share images, the staff export page and OpenGraph on public pages."""

from __future__ import annotations

import io
import re

import pytest
import zxingcpp
from django.test import Client
from PIL import Image

from gongkai.conftest import login_verified

pytestmark = pytest.mark.django_db

SITE = "https://gk.example.gov.cn"


def _og(html: str) -> dict[str, str]:
    return dict(
        re.findall(
            r'<meta (?:property|name)="((?:og|twitter|article):[^"]+)" content="([^"]*)"', html
        )
    )


def test_share_image_of_a_public_record(client, shared):
    response = client.get(f"/share/{shared.record.pk}.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "public" in response["Cache-Control"]
    (code,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.content)))
    assert code.text == SITE + shared.record.url


def test_site_share_image(client, shared):
    response = client.get("/share/site.png")
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    (code,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.content)))
    assert code.text == SITE + "/"


def test_nothing_that_is_not_public_is_exported_to_anyone(client, shared, world):
    office = Client()
    login_verified(office, world.office_reviewer)
    drafter = Client()
    login_verified(drafter, world.drafter)
    hidden = [shared.draft, shared.withdrawn, shared.withheld, shared.expired]
    for page in hidden:
        for who in (client, office, drafter):
            assert who.get(f"/share/{page.pk}.png").status_code == 404, page.title
        for who in (office, drafter):
            assert who.get(f"/admin/syndication/{page.pk}/").status_code == 404, page.title
    for url in (
        "/share/999999.png",
        "/share/9223372036854775808.png",
        f"/share/{shared.cat.results.pk}.png",
    ):
        assert client.get(url).status_code == 404
    assert client.post(f"/share/{shared.record.pk}.png").status_code == 405
    # The staff page is for staff: anonymous visitors are sent to the login.
    response = client.get(f"/admin/syndication/{shared.record.pk}/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_staff_page_shows_the_three_exports(shared, world):
    office = Client()
    login_verified(office, world.office_reviewer)
    record = shared.record
    # The action is offered on the record in the admin.
    edit = office.get(f"/admin/pages/{record.pk}/edit/").content.decode()
    assert f"/admin/syndication/{record.pk}/" in edit
    response = office.get(f"/admin/syndication/{record.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "微信公众号图文" in html and "微博文案" in html and "分享图" in html
    assert 'id="wechat-article"' in html and "border-collapse:collapse" in html
    assert f'src="{SITE}/share/{record.pk}.png"' in html
    weibo = re.search(r'<textarea id="weibo-text"[^>]*>([^<]*)</textarea>', html).group(1)
    assert weibo.endswith(SITE + record.url)
    assert re.search(r"按微博规则计 \d+ 字，上限 140 字", html)
    assert "syndication/admin_export.js" in html
    # Not offered on a draft.
    edit = office.get(f"/admin/pages/{shared.draft.pk}/edit/").content.decode()
    assert f"/admin/syndication/{shared.draft.pk}/" not in edit


def test_opengraph_on_home_column_record_and_section_pages(client, shared):
    record = shared.record
    og = _og(client.get(record.url).content.decode())
    assert og["og:type"] == "article"
    assert og["og:title"] == record.title
    assert og["og:description"] == record.summary
    assert og["og:url"] == SITE + record.url
    assert og["og:image"] == f"{SITE}/share/{record.pk}.png"
    assert og["og:site_name"] == "测试市人力资源和社会保障局"
    assert og["twitter:card"] == "summary_large_image"
    assert og["article:published_time"].startswith(str(record.first_published_at.year))

    for url, title in (
        ("/", "测试市人力资源和社会保障局"),
        (shared.cat.results.url, "结果公开"),
        ("/gongkai/guide/", "政府信息公开指南"),
    ):
        og = _og(client.get(url).content.decode())
        assert og["og:type"] == "website", url
        assert og["og:title"] == title, url
        assert og["og:url"] == SITE + url, url
        assert og["og:image"] == SITE + "/share/site.png", url
        assert og["og:description"], url
        assert og["twitter:card"] == "summary_large_image"
