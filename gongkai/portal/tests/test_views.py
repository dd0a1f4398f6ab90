import re

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.urls import path

from gongkai.portal.accessibility import LARGE_FONT_COOKIE

from .conftest import World

pytestmark = pytest.mark.django_db


def _boom(request: object) -> None:
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom)]


def test_home_page_is_chinese_and_names_the_bureau(client: Client, world: World) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-CN"' in html
    assert "<h1" in html and world.bureau.name in html
    assert "跳到主要内容" in html
    for text in ("决策公开", "政府信息公开", "建设中"):
        assert text in html


def test_footer_lists_the_disclosure_office_contacts(client: Client, world: World) -> None:
    html = client.get("/").content.decode()
    footer = html[html.index("<footer") :]
    for field in ("office_name", "address", "office_hours", "phone", "fax", "email"):
        assert getattr(world.bureau, field) in footer
    assert world.bureau.website_record in footer
    assert "https://beian.miit.gov.cn/" in footer


def test_search_box_is_a_plain_get_form(client: Client, world: World) -> None:
    html = client.get("/").content.decode()
    form = re.search(r"<form[^>]*role=\"search\"[^>]*>", html)
    assert form and 'action="/search/"' in form.group(0) and 'method="get"' in form.group(0)
    assert '<label class="search__label" for="search-q">' in html


def test_columns_without_a_url_are_not_links(client: Client, world: World) -> None:
    html = client.get("/").content.decode()
    assert 'href=""' not in html
    assert 'href="None"' not in html


def test_no_external_assets(client: Client, world: World) -> None:
    html = client.get("/").content.decode()
    for tag in re.findall(r"<(?:link|script|img)[^>]*>", html):
        assert "//" not in tag, tag


def test_large_font_toggle_sets_a_cookie_and_returns(client: Client, world: World) -> None:
    response = client.get("/accessibility/large-font/", {"next": "/?a=1"})
    assert response.status_code == 302
    assert response["Location"] == "/?a=1"
    assert response.cookies[LARGE_FONT_COOKIE].value == "1"
    assert "no-cache" in response["Cache-Control"]

    html = client.get("/").content.decode()
    assert '<html lang="zh-CN" class="mode-large">' in html
    assert "/accessibility/standard/?next=%2F" in html

    response = client.get("/accessibility/standard/", {"next": "/"})
    assert response.status_code == 302
    assert response.cookies[LARGE_FONT_COOKIE].value == ""
    client.cookies.pop(LARGE_FONT_COOKIE, None)
    assert 'class="mode-large"' not in client.get("/").content.decode()


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "http:evil.example",
        "javascript:alert(1)",
        " https://evil.example",
        "",
    ],
)
def test_toggle_refuses_to_redirect_elsewhere(client: Client, target: str) -> None:
    response = client.get("/accessibility/large-font/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_toggle_accepts_only_get(client: Client) -> None:
    assert client.post("/accessibility/large-font/").status_code == 405


def test_anonymous_home_page_is_publicly_cacheable(client: Client, world: World) -> None:
    response = client.get("/")
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    # Shared caches micro-cache (they cannot be purged); browsers revalidate.
    assert cache_control == {"public", "max-age=0", "s-maxage=1", "stale-while-revalidate=1"}
    assert "Cookie" in response["Vary"]


@override_settings(PORTAL_CACHE_SECONDS=300)
def test_cache_lifetime_is_a_setting(client: Client, world: World) -> None:
    assert "s-maxage=300" in client.get("/")["Cache-Control"]


def test_large_font_pages_vary_on_cookie(client: Client, world: World) -> None:
    client.cookies[LARGE_FONT_COOKIE] = "1"
    response = client.get("/")
    assert "Cookie" in response["Vary"]
    assert "mode-large" in response.content.decode()


def test_logged_in_users_get_private_pages(client: Client, world: World) -> None:
    user = get_user_model().objects.create_user("editor", password="x" * 12)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "no-cache" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_a_session_makes_the_page_private(client: Client, world: World) -> None:
    client.cookies["sessionid"] = "whatever"
    assert "private" in client.get("/")["Cache-Control"]


@override_settings(DEBUG=False)
def test_missing_page_is_a_chinese_404(client: Client, world: World) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="zh-CN"' in html
    assert "页面不存在" in html
    assert world.bureau.name in html
    assert "public" not in response.get("Cache-Control", "")


def test_500_page_is_static(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_num_queries(0):
        html = render_to_string("500.html")
    assert '<html lang="zh-CN">' in html
    assert "暂时" in html


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_server_error_shows_the_chinese_500_page() -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "返回首页" in response.content.decode()


@override_settings(DEBUG=False)
def test_bad_host_gets_the_chinese_400_page(client: Client) -> None:
    response = client.get("/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()


def test_403_page_is_chinese(rf, world: World) -> None:  # type: ignore[no-untyped-def]
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    request = rf.get("/secret/")
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


def test_a_column_with_a_url_is_a_link_everywhere(client: Client, world: World) -> None:
    from gongkai.portal import columns as registry

    saved = registry.get_column("interpretations")
    registry.register_column("interpretations", "政策解读", url="/jiedu/", order=60)
    try:
        html = client.get("/").content.decode()
    finally:
        assert saved is not None
        registry.register_column(saved.key, saved.title, saved.url, saved.order, saved.description)
    assert html.count('href="/jiedu/"') == 2  # the nav and the column card
    assert 'id="column-interpretations"' in html


def test_pages_other_than_home_get_the_portal_frame(client: Client, world: World) -> None:
    html = client.get("/no-such-page/").content.decode()
    assert 'aria-current="page"' not in html
    assert "/accessibility/large-font/?next=%2Fno-such-page%2F" in html
