"""The public site's issue-10 parts: home-page lists, 相关信息 groups, the back-link of a
replacing record, short record URLs with redirects from the old ones, and Word tables on
the public page after import and after an edit in the admin."""

from __future__ import annotations

import importlib
import re
from datetime import date

import pytest
from django.apps import apps as django_apps
from wagtail.contrib.redirects.models import Redirect

from gongkai.catalog.choices import Validity
from gongkai.catalog.imports import record_import_docx
from gongkai.catalog.models import CatalogRecord, Genre, TopicCategory
from gongkai.catalog.seeds import seed_vocabularies
from gongkai.catalog.selectors import related_groups
from gongkai.catalog.tests.factories import column, publish_reviewed
from gongkai.catalog.tests.factories import record as make_record
from gongkai.catalog.tests.public_factories import catalogue, home_page, wire_public_context
from gongkai.catalog.tests.test_word_import import TITLE, make_docx
from gongkai.portal.home import (
    HomeItem,
    home_sections,
    register_participation,
    unregister_home_section,
)

pytestmark = pytest.mark.django_db


def record(parent, **fields) -> CatalogRecord:
    from gongkai.org.models import Department

    fields.setdefault("department", Department.objects.get(code="employment-bureau"))
    return make_record(parent, **fields)


def section_titles(text: str, key: str) -> list[str]:
    match = re.search(rf'<section class="home-list" id="home-{key}".*?</section>', text, re.S)
    assert match, key
    return re.findall(r'class="home-list__link" href="[^"]+">([^<]+)<', match.group(0))


# --- home page --------------------------------------------------------------------------


def test_home_page_without_records_shows_no_empty_lists(world, client):
    home_page()
    text = client.get("/").content.decode()
    assert 'class="home-list"' not in text
    assert "home-participation" not in text
    assert 'id="columns-title"' in text  # the column grid is still there


def test_home_page_lists_latest_notices_and_policies(world, client, monkeypatch):
    wire_public_context(monkeypatch)
    cat = catalogue(world)
    decisions = column("decisions", "决策公开", parent=cat.home)
    normative = column("normative", "规范性文件", parent=decisions)
    opinion = Genre.objects.get(name="意见")
    policy = record(
        normative,
        title="毕节市就业创业补贴资金管理办法",
        genre=opinion,
        publication_date=date(2026, 4, 1),
        department=world.policy,
    )
    text = client.get("/").content.decode()

    latest = section_titles(text, "latest")
    assert latest[0] == policy.title  # newest first
    for hidden in cat.hidden.values():
        assert hidden.title not in text
    # 通知公告: the 通知 genre (no keyed notices column in this tree); 意见 is not a notice.
    notices = section_titles(text, "notices")
    assert "关于做好2026年就业补贴申领工作的通知" in notices
    assert "关于进一步稳定和扩大就业的实施意见" not in notices
    # 政策文件: the column keyed "normative", found by key, with its 更多 link.
    assert section_titles(text, "policies") == [policy.title]
    more = re.search(r'id="home-policies".*?class="home-list__more" href="([^"]+)"', text, re.S)
    assert more.group(1) == normative.url
    assert '<time class="home-list__date" datetime="2026-04-01">2026-04-01</time>' in text


def test_a_keyed_notices_column_is_preferred_to_the_genre(world, client, monkeypatch):
    cat = catalogue(world)
    notices = column("notices", "通知公告", parent=cat.disclosure)
    opinion = Genre.objects.get(name="意见")
    posted = record(notices, title="关于开展2026年度政务公开培训的公告", genre=opinion)
    text = client.get("/").content.decode()
    assert section_titles(text, "notices") == [posted.title]
    more = re.search(r'id="home-notices".*?class="home-list__more" href="([^"]+)"', text, re.S)
    assert more.group(1) == notices.url


def test_participation_appears_only_when_something_is_open(world, client):
    home_page()
    open_items: list[HomeItem] = []
    register_participation(
        "test-consultations",
        "意见征集",
        items=lambda limit: open_items[:limit],
        more_url="/interaction/consultations/",
    )
    try:
        assert home_sections("participation") == []
        assert "home-participation" not in client.get("/").content.decode()
        open_items.append(HomeItem("《就业补贴办法（征求意见稿）》", "/c/1/", date(2026, 12, 1)))
        text = client.get("/").content.decode()
        assert 'id="participation-title"' in text
        assert "《就业补贴办法（征求意见稿）》" in text
        assert 'href="/interaction/consultations/"' in text
    finally:
        unregister_home_section("test-consultations")


# --- 相关信息 ---------------------------------------------------------------------------


@pytest.fixture
def family(world):
    """A 文号 series, a replacement chain, same-topic records and records that must not show."""
    results = column()
    oldest = record(results, title="办法（2017年版）", doc_number="毕人社发〔2017〕3号")
    older = record(results, title="办法（2019年版）", doc_number="毕人社发〔2019〕5号")
    current = record(results, title="办法（2023年版）", doc_number="毕人社发〔2023〕8号")
    for old, new in ((oldest, older), (older, current)):
        CatalogRecord.objects.filter(pk=old.pk).update(replaced_by=new, validity=Validity.REPEALED)
    security = TopicCategory.objects.get(name="社会保障")
    sibling = record(
        results, title="同系列的另一份文件", doc_number="毕人社发〔2022〕40号", topic=security
    )
    far = record(
        results, title="同系列的早年文件", doc_number="毕人社发〔2008〕2号", topic=security
    )
    other_kind = record(
        results, title="毕人社通系列文件", doc_number="毕人社通〔2023〕1号", topic=security
    )
    same_topic = record(results, title="同一主题的通知", publication_date=date(2026, 1, 5))
    draft = record(results, title="同系列的草稿", doc_number="毕人社发〔2023〕9号", publish=False)
    return {
        "oldest": oldest,
        "older": older,
        "current": current,
        "sibling": sibling,
        "far": far,
        "other_kind": other_kind,
        "same_topic": same_topic,
        "draft": draft,
    }


def test_related_groups_follow_replacement_series_and_topic(family):
    groups = {g.key: g for g in related_groups(family["current"])}
    assert list(groups) == ["replaces", "series", "topic"]
    assert [r.title for r in groups["replaces"].records] == ["办法（2019年版）", "办法（2017年版）"]
    # The series: same prefix and kind, nearest year first; not 毕人社通, not the draft.
    assert [r.title for r in groups["series"].records] == ["同系列的另一份文件", "同系列的早年文件"]
    assert [r.title for r in groups["topic"].records] == ["同一主题的通知"]

    family["oldest"].refresh_from_db()
    groups = {g.key: g for g in related_groups(family["oldest"])}
    assert [r.title for r in groups["replaced-by"].records] == [
        "办法（2019年版）",
        "办法（2023年版）",
    ]
    assert "replaces" not in groups


def test_record_page_shows_labelled_groups_and_the_back_link(family, client, monkeypatch):
    wire_public_context(monkeypatch)
    text = client.get(family["current"].url).content.decode()
    related = text.split('id="related-title"')[1]
    assert "被本件替代" in related and "同一文号系列" in related and "同一主题" in related
    assert "替代本件" not in related
    assert family["draft"].title not in text
    assert family["other_kind"].title not in related
    # The back-link at the top: what this document replaces.
    note = re.search(r'<p class="notice notice--replaces".*?</p>', text, re.S).group(0)
    assert f'href="{family["older"].url}"' in note
    assert "毕人社发〔2019〕5号" in note
    assert family["oldest"].title not in note  # only what it replaced directly

    text = client.get(family["older"].url).content.decode()
    assert f'href="{family["current"].url}"' in text.split('class="notice notice--repealed"')[1]


# --- short, stable URLs -------------------------------------------------------------------


def test_a_record_with_a_chinese_title_gets_a_short_stable_slug(world):
    results = column()
    page = record(
        results,
        title="关于印发《毕节市人力资源和社会保障局2019年政务公开工作要点》的通知",
        written_date=date(2019, 6, 1),
    )
    assert page.slug == f"2019-0601-{page.pk}"
    assert page.url == f"/results/2019-0601-{page.pk}/"
    page.title = "关于印发政务公开工作要点的通知（修订）"
    page.slug = "关于印发政务公开工作要点的通知修订"  # what the admin's title-to-slug script sends
    publish_reviewed(page)
    page.refresh_from_db()
    assert page.slug == f"2019-0601-{page.pk}"
    latest = page.get_latest_revision_as_object()
    assert latest.slug == page.slug
    # A hand-made Latin slug is the editor's choice and stays.
    plain = record(results, title="就业指南", slug="employment-guide")
    assert plain.slug == "employment-guide"


def test_two_records_of_a_day_get_different_slugs(world):
    results = column()
    first = record(results, title="第一份", written_date=date(2019, 6, 1))
    second = record(results, title="第二份", written_date=date(2019, 6, 1))
    assert first.slug != second.slug
    assert {first.slug, second.slug} == {f"2019-0601-{first.pk}", f"2019-0601-{second.pk}"}


def test_word_import_gets_a_short_slug(world):
    page = record_import_docx(
        column=column(), data=make_docx(), filename="通知.docx", by=world.drafter
    )
    assert page.slug.isascii() and len(page.slug) < 20
    assert page.slug.startswith("2019-0524-")


def test_migration_shortens_old_slugs_and_redirects_the_old_paths(world, client, monkeypatch):
    wire_public_context(monkeypatch)
    home = home_page()
    results = column(parent=home)
    page = record(results, title="关于做好就业补贴申领工作的通知", written_date=date(2019, 6, 1))
    long_slug = "关于做好就业补贴申领工作的通知"
    CatalogRecord.objects.filter(pk=page.pk).update(
        slug=long_slug, url_path=f"{results.url_path}{long_slug}/"
    )
    from gongkai.search.models import SearchEntry

    SearchEntry.objects.create(
        key=f"catalog.record:{page.pk}",
        kind="catalog.record",
        object_id=str(page.pk),
        title=page.title,
        title_key=page.title,
        url=f"/results/{long_slug}/",
    )
    migration = importlib.import_module("gongkai.catalog.migrations.0004_short_record_slugs")
    migration.shorten(django_apps, None)

    page.refresh_from_db()
    assert page.slug == f"2019-0601-{page.pk}"
    assert page.url_path == f"{results.url_path}2019-0601-{page.pk}/"
    redirect = Redirect.objects.get(redirect_page=page)
    assert redirect.is_permanent
    assert redirect.old_path == f"/results/{long_slug}"

    response = client.get(f"/results/{long_slug}/")
    assert response.status_code == 301
    assert response["Location"].endswith(f"/results/2019-0601-{page.pk}/")
    assert client.get(response["Location"]).status_code == 200
    entry = SearchEntry.objects.get(key=f"catalog.record:{page.pk}")
    assert entry.url == f"/results/2019-0601-{page.pk}/"
    # The sitemap and the feeds follow the new address.
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"/results/2019-0601-{page.pk}/" in sitemap
    assert long_slug not in sitemap
    feed = client.get(f"/gongkai/feeds/{results.pk}/rss/").content.decode()
    assert f"/results/2019-0601-{page.pk}/" in feed
    assert f"/results/{long_slug}/" not in feed


# --- tables and attachments ---------------------------------------------------------------


def _import_and_publish(world) -> CatalogRecord:
    seed_vocabularies()
    page = record_import_docx(
        column=column(parent=home_page()),
        data=make_docx(),
        filename="通知.docx",
        by=world.drafter,
        department=world.employment,
    )
    page = CatalogRecord.objects.get(pk=page.pk)
    page.topic = TopicCategory.objects.get(name="劳动就业")
    page.genre = Genre.objects.get(name="通知")
    page.formed_date = date(2019, 5, 24)
    return publish_reviewed(page)


def _public_table(client, page) -> str:
    text = client.get(page.url).content.decode()
    match = re.search(r'<div class="table-scroll"[^>]*>(<table>.*?</table>)</div>', text, re.S)
    assert match, "no table on the public page"
    return match.group(1)


def test_imported_tables_are_html_tables_on_the_public_page(world, client, monkeypatch):
    wire_public_context(monkeypatch)
    page = _import_and_publish(world)
    table = _public_table(client, page)
    assert table.startswith('<table><thead><tr><th scope="col" colspan="2">项目</th>')
    assert '<td rowspan="2">500</td>' in table
    text = client.get(page.url).content.decode()
    assert 'role="region" tabindex="0" aria-label="表格 1"' in text
    # The Word original is listed under the document's title.
    attachments = text.split('id="attachments-title"')[1]
    assert f">{TITLE}</a>" in attachments
    assert "原件" not in attachments


def test_tables_survive_an_edit_and_save_in_the_admin(world, client, monkeypatch):
    """The record form's body editor: what Draftail receives and sends back unchanged."""
    wire_public_context(monkeypatch)
    page = _import_and_publish(world)
    form_class = CatalogRecord.get_edit_handler().get_form_class()
    form = form_class(instance=page, for_user=world.site_admin)
    widget = form.fields["body"].widget
    contentstate = widget.format_value(page.body)
    assert '"type": "TABLE"' in contentstate
    saved = widget.value_from_datadict({"body": contentstate}, {}, "body")
    assert re.sub(r' data-block-key="[^"]+"', "", saved).count("<table>") == 1
    assert '<th scope="col" colspan="2">项目</th>' in saved

    page.body = saved
    page.title = TITLE + "（修改）"
    publish_reviewed(page)
    table = _public_table(client, CatalogRecord.objects.get(pk=page.pk))
    assert '<td rowspan="2">500</td>' in table and "<thead>" in table


def test_a_hostile_table_entity_is_sanitised_on_save(world):
    from gongkai.catalog.rich_text import RecordBodyEditor

    widget = RecordBodyEditor()
    contentstate = widget.format_value("<table><tr><td>a</td></tr></table>")
    contentstate = contentstate.replace("<td>a</td>", '<td onclick=\\"x()\\">a<img src=x></td>')
    saved = widget.value_from_datadict({"body": contentstate}, {}, "body")
    assert "onclick" not in saved and "<img" not in saved
    assert "<td>a</td>" in saved
