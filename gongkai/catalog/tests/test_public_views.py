"""The public catalogue pages with Django's test client: filters, pages, feeds, sitemap."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.http import QueryDict
from django.test import Client

from gongkai.catalog.choices import DisclosureItem, Validity
from gongkai.catalog.filters import PAGE_SIZE, clean_filters, filter_records, page_window
from gongkai.catalog.models import TopicCategory
from gongkai.catalog.selectors import (
    column_records,
    public_records,
    related_records,
    statutory_item_counts,
)
from gongkai.catalog.tests.public_factories import (
    Catalogue,
    attachment,
    catalogue,
    set_bureau_contacts,
    wire_public_context,
)

pytestmark = pytest.mark.django_db

HIDDEN_KEYS = ("draft", "withheld", "on_request", "withdrawn")


@pytest.fixture
def cat(world, monkeypatch) -> Catalogue:
    wire_public_context(monkeypatch)
    return catalogue(world)


def html(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def listed_titles(page_html: str) -> list[str]:
    return re.findall(r'class="record-list__title"[^>]*>([^<]+)<', page_html)


def assert_hidden_absent(text: str, cat: Catalogue) -> None:
    for key in HIDDEN_KEYS:
        assert cat.hidden[key].title not in text, key


# --- filters.py -------------------------------------------------------------------------


def test_junk_parameters_are_ignored(cat):
    params = QueryDict("year=abc&topic=999999&page=-1&genre=x&department=0&validity=nope&item=1")
    records, filters = filter_records(public_records(), params)
    assert not filters.active
    assert set(records) == set(public_records())


def test_filters_narrow_and_a_top_level_topic_includes_its_subclasses(cat, world):
    labour = TopicCategory.objects.get(name="劳动、人事、监察", parent=None)
    records, filters = filter_records(public_records(), {"topic": str(labour.pk)})
    assert filters.topic == labour
    assert set(records) == set(cat.visible)
    records, _ = filter_records(public_records(), {"year": "2025"})
    assert [r.title for r in records] == ["关于进一步稳定和扩大就业的实施意见"]
    records, _ = filter_records(public_records(), {"department": str(world.office.pk)})
    assert [r.title for r in records] == ["城乡居民基本养老保险待遇调整方案"]
    records, _ = filter_records(public_records(), {"validity": Validity.EXPIRED})
    assert [r.title for r in records] == ["城乡居民基本养老保险待遇调整方案"]
    records, _ = filter_records(public_records(), {"item": DisclosureItem.REGULATIONS})
    assert [r.title for r in records] == ["关于进一步稳定和扩大就业的实施意见"]


def test_options_only_offer_values_that_have_public_records(cat):
    _, filters = filter_records(column_records(cat.results), {})
    years = [(o.value, o.count) for o in filters.options["year"]]
    assert years == [("2026", 1), ("2025", 1), ("2019", 1)]
    validity = {o.value: o.count for o in filters.options["validity"]}
    assert validity == {Validity.VALID: 2, Validity.EXPIRED: 1}


def test_cleaned_filters_make_query_strings():
    filters = clean_filters({"year": "2024", "validity": "valid"})
    assert filters.querystring(page=3) == "?year=2024&validity=valid&page=3"
    assert filters.querystring(year=None) == "?validity=valid"


def test_page_window_has_gaps():
    from django.core.paginator import Paginator

    page = Paginator(range(400), PAGE_SIZE).page(10)
    assert page_window(page) == [1, None, 8, 9, 10, 11, 12, None, 20]


# --- Column pages -----------------------------------------------------------------------


def test_column_page_lists_public_records_with_date_and_number(client, cat):
    text = html(client, cat.results.url)
    titles = listed_titles(text)
    assert titles == [r.title for r in cat.visible]
    assert "毕人社发〔2026〕12号" in text
    assert 'datetime="2026-03-02"' in text
    assert_hidden_absent(text, cat)
    assert 'href="/results/employment/"' in text  # the sub-column
    assert 'aria-label="当前位置"' in text  # breadcrumb


def test_column_page_links_its_feeds(client, cat):
    text = html(client, cat.results.url)
    assert (
        f'<link rel="alternate" type="application/rss+xml" title="结果公开 (RSS)" '
        f'href="/gongkai/feeds/{cat.results.pk}/rss/">' in text
    )
    assert (
        f'type="application/atom+xml" title="结果公开 (Atom)" href="/gongkai/feeds/{cat.results.pk}/atom/"'
        in text
    )


def test_column_filters_work_as_a_plain_get_form(client, cat):
    text = html(client, cat.results.url + "?year=2019")
    assert listed_titles(text) == ["城乡居民基本养老保险待遇调整方案"]
    assert '<form class="filters" method="get"' in text
    assert '<option value="2019" selected>' in text
    assert 'name="robots" content="noindex, follow"' in text


def test_junk_parameters_on_a_column_page_show_page_one(client, cat):
    text = html(client, cat.results.url + "?year=abc&topic=999999&page=-1&department=%00")
    assert listed_titles(text) == [r.title for r in cat.visible]


def test_filters_with_no_match_show_the_empty_state(client, cat):
    labour = TopicCategory.objects.get(name="军转安置")
    text = html(client, cat.results.url + f"?topic={labour.pk}")
    assert listed_titles(text) == []
    assert 'class="empty"' in text


def test_an_empty_column_says_so(client, cat):
    from gongkai.catalog.tests.factories import column

    empty = column("interaction", "政民互动", parent=cat.home)
    text = html(client, empty.url)
    assert "本栏目暂无公开信息" in text
    assert 'class="filters"' not in text


def test_pagination_twenty_per_page_and_bounds(client, world, monkeypatch):
    wire_public_context(monkeypatch)
    made = catalogue(world, bulk=20)
    url = made.employment.url
    first = listed_titles(html(client, url))
    second = listed_titles(html(client, url + "?page=2"))
    assert len(first) == PAGE_SIZE
    assert len(second) == len(made.visible) - 1 - PAGE_SIZE  # one record is in the parent
    assert not set(first) & set(second)
    assert client.get(url + "?page=3").status_code == 404
    assert client.get(url + "?page=99999999999999999999").status_code == 404
    assert listed_titles(html(client, url + "?page=0")) == first
    assert listed_titles(html(client, url + "?page=abc")) == first
    page_two = html(client, url + "?page=2")
    assert 'rel="prev" href="/results/employment/"' in page_two
    assert 'aria-current="page"' in page_two


def test_the_disclosure_column_lists_the_statutory_pages(client, cat):
    text = html(client, cat.disclosure.url)
    for path in (
        "/gongkai/guide/",
        "/gongkai/catalogue/",
        "/gongkai/statutory/",
        "/gongkai/annual-reports/",
        "/gongkai/apply/",
    ):
        assert f'href="{path}"' in text


# --- Record pages -------------------------------------------------------------------------


def test_record_page_has_the_full_metadata(client, cat, world):
    page = cat.visible[0]
    text = html(client, page.url)
    for value in (
        page.index_number,
        page.doc_number,
        "2026-03-02",
        world.employment.name,
        "主动公开",
    ):
        assert value in text
    assert "第二十条第（十一）项" in text  # the statutory item
    assert f'<meta name="description" content="{page.summary}">' in text
    assert f'<meta name="ArticleTitle" content="{page.title}">' in text


def test_record_page_lists_attachments_with_type_and_size(client, cat):
    page = cat.visible[0]
    attachment(page, title="附件1：申请表", size=2048)
    text = html(client, page.url)
    assert "附件1：申请表" in text
    assert re.search(r'class="attachments__info">PDF，2\.0\s*KB', text)


def test_related_records_share_the_topic_and_are_public(client, cat):
    text = html(client, cat.visible[0].url)
    related = text.split('id="related-title"')[1]
    assert "关于进一步稳定和扩大就业的实施意见" in related
    assert "城乡居民基本养老保险待遇调整方案" not in related  # another topic class
    assert cat.visible[0].title not in listed_titles(related)
    assert_hidden_absent(related, cat)


def test_related_records_selector(cat):
    notice, opinion, pension = cat.visible
    assert list(related_records(notice)) == [opinion]  # same topic, public, not itself
    assert list(related_records(pension)) == []  # alone in its topic class
    assert list(related_records(notice, public_records().exclude(pk=opinion.pk))) == []
    for key in HIDDEN_KEYS:  # hidden records share the topic but never appear
        assert cat.hidden[key].topic_id == notice.topic_id
        assert cat.hidden[key] not in related_records(notice, limit=50)


def test_statutory_item_counts_count_public_records_only(cat):
    assert statutory_item_counts() == {
        DisclosureItem.PUBLIC_SERVICES: 2,
        DisclosureItem.REGULATIONS: 1,
    }
    only_services = public_records().filter(disclosure_item=DisclosureItem.PUBLIC_SERVICES)
    assert statutory_item_counts(only_services) == {DisclosureItem.PUBLIC_SERVICES: 2}


def test_print_view_without_navigation(client, cat):
    page = cat.visible[0]
    normal = html(client, page.url)
    assert 'href="?print=1"' in normal
    printed = html(client, page.url + "?print=1")
    assert 'class="print-layout' in printed
    assert 'class="mainnav"' not in printed
    assert 'class="footer"' not in printed
    assert page.index_number in printed
    assert '<meta name="robots" content="noindex">' in printed


def test_expired_record_shows_its_notice(client, cat):
    text = html(client, cat.visible[2].url)
    assert 'class="notice notice--repealed"' in text
    assert "失效" in text


def test_hidden_records_are_not_served(client, cat):
    for key in ("draft", "withdrawn", "withheld"):
        response = client.get(f"/results/employment/{cat.hidden[key].slug}/")
        # Drafts are not routed; withheld and withdrawn records are still live pages until the
        # withdrawal service unpublishes them, but nothing public links to them.
        assert response.status_code in (200, 404)


# --- The 政府信息公开 section -----------------------------------------------------------------


def test_guide_shows_the_bureaus_contacts_and_follows_changes(client, cat, world):
    text = html(client, "/gongkai/guide/")
    assert '<td data-contact="office">局办公室（政务公开办）</td>' in text
    assert '<td data-contact="address">测试市示范路1号</td>' in text
    assert '<td data-contact="hours">工作日 9:00—17:30</td>' in text
    assert '<td data-contact="phone">0857-1234567</td>' in text
    assert '<td data-contact="fax">0857-7654321</td>' in text
    assert "mailto:open@example.gov.cn" in text
    assert world.employment.name in text
    assert f"?item={DisclosureItem.PUBLIC_SERVICES}" in text  # items with records link to them
    assert f"?item={DisclosureItem.BUDGETS}" not in text
    assert "第二十条第（七）项" in text  # every item is listed
    assert "劳动就业" in text  # topic classes

    set_bureau_contacts(phone="0857-9999999", address="测试市新址路8号")
    text = html(client, "/gongkai/guide/")
    assert '<td data-contact="phone">0857-9999999</td>' in text
    assert "测试市新址路8号" in text
    assert "0857-1234567" not in text


def test_catalogue_lists_every_public_record_and_nothing_else(client, cat):
    text = html(client, "/gongkai/catalogue/")
    for page in cat.visible:
        assert page.index_number in text
        assert page.title in text
    assert "明确2026年就业补贴的申领条件" in text  # the summary
    assert_hidden_absent(text, cat)
    assert 'data-label="索引号"' in text


def test_catalogue_filters_and_junk(client, cat):
    text = html(client, f"/gongkai/catalogue/?item={DisclosureItem.PUBLIC_SERVICES}&year=2026")
    assert cat.visible[0].title in text
    assert cat.visible[2].title not in text
    text = html(client, "/gongkai/catalogue/?year=abc&topic=999999&page=-1&item=%3Cscript%3E")
    assert all(page.title in text for page in cat.visible)
    assert "<script>" not in text
    assert client.get("/gongkai/catalogue/?page=2").status_code == 404


def test_catalogue_when_nothing_is_public(client, world):
    text = html(client, "/gongkai/catalogue/")
    assert 'class="empty"' in text


def test_statutory_groups_by_article_20_item(client, cat):
    text = html(client, "/gongkai/statutory/")
    for value, _label in DisclosureItem.choices:
        assert f'id="item-{value}"' in text
    group = text.split(f'id="item-{DisclosureItem.PUBLIC_SERVICES}"')[1]
    group = group.split(f'id="item-{DisclosureItem.EMERGENCIES}"')[0]
    assert cat.visible[0].title in group
    assert cat.visible[2].title in group
    assert_hidden_absent(text, cat)


def test_annual_reports_and_apply_pages(client, cat):
    reports = html(client, "/gongkai/annual-reports/")
    assert 'class="placeholder"' in reports
    apply = html(client, "/gongkai/apply/")
    assert "0857-7654321" in apply  # the fax: applications may be sent by fax
    assert 'href="/gongkai/catalogue/"' in apply


def test_section_pages_work_without_any_column(client, world):
    for url in ("/gongkai/guide/", "/gongkai/statutory/", "/gongkai/apply/"):
        assert client.get(url).status_code == 200


def test_section_pages_refuse_post(client, cat):
    assert client.post("/gongkai/guide/").status_code == 405


# --- Feeds, sitemap, robots ---------------------------------------------------------------


def test_rss_feed_has_only_public_records(client, cat):
    response = client.get(f"/gongkai/feeds/{cat.results.pk}/rss/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == [
        "关于做好2026年就业补贴申领工作的通知（毕人社发〔2026〕12号）",
        "关于进一步稳定和扩大就业的实施意见",
        "城乡居民基本养老保险待遇调整方案",
    ]
    first = items[0]
    assert first.findtext("guid") == cat.visible[0].index_number
    assert first.find("guid").get("isPermaLink") == "false"
    assert first.findtext("description") == cat.visible[0].summary
    assert first.findtext("link").endswith(cat.visible[0].url)
    assert "02 Mar 2026" in first.findtext("pubDate")
    assert_hidden_absent(response.content.decode(), cat)


def test_atom_feed_and_unknown_column(client, cat):
    response = client.get(f"/gongkai/feeds/{cat.employment.pk}/atom/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    text = response.content.decode()
    assert cat.visible[0].index_number in text
    assert_hidden_absent(text, cat)
    assert client.get("/gongkai/feeds/999999/rss/").status_code == 404
    assert client.get(f"/gongkai/feeds/{cat.visible[0].pk}/rss/").status_code == 404


def test_feed_is_capped_at_twenty(client, world):
    made = catalogue(world, bulk=20)
    response = client.get(f"/gongkai/feeds/{made.results.pk}/rss/")
    assert response.content.decode().count("<item>") == 20


def test_sitemap_lists_public_pages_only(client, cat):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    text = response.content.decode()
    for page in [cat.home, cat.results, cat.employment, cat.disclosure, *cat.visible]:
        assert page.full_url in text
    for key in HIDDEN_KEYS:
        assert cat.hidden[key].slug not in text, key
    for path in ("/gongkai/guide/", "/gongkai/catalogue/", "/gongkai/statutory/"):
        assert path in text


def test_robots_txt(client, world):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "User-agent: *" in text
    assert "Disallow: /admin/" in text
    assert "Disallow: /account/" in text
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in text


# --- Cache headers ------------------------------------------------------------------------


def test_public_pages_carry_cache_headers(client, cat):
    urls = [
        cat.results.url,
        cat.visible[0].url,
        cat.visible[0].url + "?print=1",
        "/gongkai/guide/",
        "/gongkai/catalogue/",
        "/gongkai/statutory/",
        "/gongkai/annual-reports/",
        "/gongkai/apply/",
        f"/gongkai/feeds/{cat.results.pk}/rss/",
        f"/gongkai/feeds/{cat.results.pk}/atom/",
        "/sitemap.xml",
        "/robots.txt",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "public" in response["Cache-Control"], url
        assert "max-age=" in response["Cache-Control"], url
        assert "Cookie" in response.get("Vary", ""), url


def test_logged_in_visitors_get_private_responses(client, cat, world):
    client.force_login(world.drafter)
    response = client.get("/gongkai/guide/")
    assert "private" in response["Cache-Control"]
