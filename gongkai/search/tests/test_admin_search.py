"""Wagtail's admin search finds Chinese substrings (gongkai.search.wagtail_backend).

Runs on whichever database the suite uses (SQLite, or PostgreSQL with DATABASE_URL).
Index updates wait for the commit, so content is made inside
``django_capture_on_commit_callbacks(execute=True)``: that is the commit.
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry
from wagtail.search.query import And, Not, Or, Phrase, PlainText

from gongkai.catalog.choices import Validity
from gongkai.catalog.models import CatalogRecord
from gongkai.catalog.tests.factories import column, publish_reviewed, record
from gongkai.conftest import login_verified
from gongkai.core.tests.office_files import make_pdf, make_png
from gongkai.search.wagtail_backend.common import TermsPhrase, to_terms

pytestmark = pytest.mark.django_db

TITLE = "关于调整城乡居民基本养老保险缴费档次标准的通知"
BODY = "<p>各县（区）人力资源和社会保障局：经研究，自下月起按季度发放高龄津贴。</p>"


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what the block queued for after the commit, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def draft(world, commit) -> CatalogRecord:
    with commit():
        results = column()
        page = record(results, title=TITLE, body=BODY, publish=False, department=world.employment)
    assert not page.live
    return page


@pytest.fixture
def editor(world) -> Client:
    client = Client()
    login_verified(client, world.site_admin)
    return client


def page_search(client: Client, query: str) -> str:
    response = client.get("/admin/pages/search/", {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def titles(results) -> list[str]:
    return [item.title for item in results]


# --- the admin screens ------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["居民", "养老保险", "缴费档次", "险", "高龄", "季度发放"])
def test_admin_page_search_finds_a_draft_by_a_substring_of_its_title_or_body(draft, editor, query):
    assert TITLE in page_search(editor, query)


def test_admin_page_search_finds_nothing_for_text_not_in_the_page(draft, editor):
    html = page_search(editor, "失业保险")  # 保险 is there, 失业保险 is not
    assert TITLE not in html
    assert TITLE not in page_search(editor, "居民 失业")  # words are ANDed


def test_drafters_search_their_column_too(draft, world):
    client = Client()
    login_verified(client, world.drafter)
    assert TITLE in page_search(client, "城乡")


@pytest.mark.parametrize("ordering", ["", "title", "-latest_revision_created_at"])
def test_explorer_searches_within_a_column_in_any_order(draft, editor, ordering):
    url = f"/admin/pages/{draft.get_parent().pk}/"
    response = editor.get(url, {"q": "缴费档次", "ordering": ordering})
    assert response.status_code == 200
    assert TITLE in response.content.decode()
    assert TITLE not in editor.get(url, {"q": "缴费期限", "ordering": ordering}).content.decode()


def test_page_chooser_completes_a_chinese_prefix(draft, editor):
    response = editor.get("/admin/choose-page/search/", {"q": "城乡居"})
    assert response.status_code == 200
    assert TITLE in response.content.decode()
    response = editor.get("/admin/choose-page/search/", {"q": "城乡失业"})
    assert TITLE not in response.content.decode()


@pytest.fixture
def documents(world, commit):
    Document = get_document_model()
    with commit():
        notice = Document.objects.create(
            title="二〇二六年就业创业补贴申领指南",
            file=ContentFile(make_pdf(leaks=False), name="guide.pdf"),
        )
        report = Document.objects.create(
            title="Annual employment report 年度报告",
            file=ContentFile(make_pdf(leaks=False), name="report.pdf"),
        )
    return notice, report


@pytest.mark.parametrize("url", ["/admin/documents/", "/admin/documents/chooser/results/"])
def test_admin_document_listing_and_chooser_find_a_chinese_substring(
    documents, django_user_model, url
):
    notice, report = documents
    # Documents are permitted per collection; no role is given a collection yet.
    client = Client()
    login_verified(client, django_user_model.objects.create_superuser("t-root", "r@example.org"))

    def found(query: str) -> list[str]:
        response = client.get(url, {"q": query})
        assert response.status_code == 200
        html = response.content.decode()
        return [doc.title for doc in documents if doc.title in html]

    assert found("创业补贴") == [notice.title]
    assert found("申") == [notice.title]  # one character: a prefix of 申领
    assert found("年") == [notice.title, report.title]
    assert found("employment") == [report.title]
    assert found("Employ") == [report.title]  # completes as typed
    assert found("补贴报告") == []


def test_image_search_finds_a_chinese_substring(world, commit):
    Image = get_image_model()
    with commit():
        image = Image.objects.create(
            title="市就业局办公楼外景", file=ContentFile(make_png(), name="building.png")
        )
    assert titles(Image.objects.search("办公楼")) == [image.title]
    assert titles(Image.objects.all().autocomplete("就业局办")) == [image.title]
    assert titles(Image.objects.search("办公室")) == []


# --- the backend behind them ------------------------------------------------------------------


@pytest.fixture
def records(world, commit):
    with commit():
        results = column()
        valid = record(
            results,
            title="城乡居民基本养老保险实施办法",
            body="<p>参保人员按年缴费。</p>",
            department=world.employment,
        )
        repealed = record(
            results,
            title="失业保险金申领办法",
            body="<p>城乡居民不在此列。</p>",
            department=world.employment,
            validity=Validity.REPEALED,
        )
        english = record(
            results,
            title="关于启用 Wagtail 系统的通知",
            body="<p>The new CMS replaces the old portal.</p>",
            department=world.employment,
        )
    return valid, repealed, english


def test_search_filters_orders_and_ranks(records):
    valid, repealed, _ = records
    found = CatalogRecord.objects.search("城乡居民")
    assert titles(found) == [valid.title, repealed.title]  # the title match ranks first
    assert titles(CatalogRecord.objects.autocomplete("城乡居")) == [valid.title, repealed.title]
    assert titles(CatalogRecord.objects.filter(validity=Validity.VALID).search("城乡居民")) == [
        valid.title
    ]
    by_title = CatalogRecord.objects.order_by("-title").search("保险", order_by_relevance=False)
    assert titles(by_title) == sorted([valid.title, repealed.title], reverse=True)
    assert titles(CatalogRecord.objects.search("缴费", fields=["title"])) == []
    assert titles(CatalogRecord.objects.search("城乡", fields=["title"])) == [valid.title]
    facets = CatalogRecord.objects.search("保险").facet("validity")
    assert dict(facets) == {Validity.VALID: 1, Validity.REPEALED: 1}


def test_latin_words_match_whole_and_complete_as_typed(records):
    *_, english = records
    assert titles(CatalogRecord.objects.search("wagtail")) == [english.title]
    assert titles(CatalogRecord.objects.search("WAGTAIL 通知")) == [english.title]
    assert titles(CatalogRecord.objects.search("wag")) == []  # search: whole words
    assert titles(CatalogRecord.objects.autocomplete("wag")) == [english.title]
    assert titles(CatalogRecord.objects.search("portal")) == [english.title]
    assert titles(CatalogRecord.objects.search("portals")) == []


def test_operators_phrases_and_queries_without_terms(records):
    valid, repealed, english = records
    backend = get_search_backend()
    search = lambda query, **kw: titles(backend.search(query, CatalogRecord, **kw))  # noqa: E731
    assert search("养老 失业") == []
    assert sorted(search("养老 失业", operator="or")) == sorted([valid.title, repealed.title])
    assert search(Phrase("the new CMS")) == [english.title]  # a quoted phrase
    assert search(Phrase("new the")) == []
    assert search(And([PlainText("城乡"), Not(PlainText("失业"))])) == [valid.title]
    assert sorted(search(Or([PlainText("wagtail"), PlainText("缴费")]))) == sorted(
        [valid.title, english.title]
    )
    assert search("——") == []
    assert search("城乡 ——") == [valid.title, repealed.title]  # punctuation-only words drop out


def test_queries_become_phrases_of_terms():
    query = to_terms(PlainText("社会保险 Wag"), prefix_last=True)
    assert isinstance(query, And)
    first, last = query.subqueries
    assert isinstance(first, TermsPhrase) and first.phrase.terms == ("社会", "会保", "保险")
    assert last.phrase.terms == ("wag",) and last.phrase.prefix
    assert to_terms(PlainText("！？")) is None
    assert to_terms(Or([PlainText("。"), PlainText("险")])).phrase.terms == ("险",)


# --- index updates wait for the commit --------------------------------------------------------


def entries_for(obj) -> int:
    return IndexEntry.objects.filter(object_id=str(obj.pk)).count()


def test_index_updates_wait_for_the_commit_and_run_once(draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        draft.title = "关于调整失业保险金标准的通知"
        draft.save()
        draft.save_revision()
        draft.save()
    assert titles(CatalogRecord.objects.search("失业")) == []  # not until the commit
    queued = [c for c in callbacks if getattr(c, "index_key", None)]
    assert len(queued) == 1
    queued[0]()
    assert titles(CatalogRecord.objects.search("失业")) == [draft.title]
    assert titles(CatalogRecord.objects.search("城乡居民")) == []


def test_publishing_indexes_after_the_commit(draft, commit):
    with commit():
        publish_reviewed(draft)
    assert titles(Page.objects.live().search("养老保险")) == [TITLE]


def test_a_rolled_back_save_queues_nothing(draft, django_capture_on_commit_callbacks):
    connection = transaction.get_connection()
    with django_capture_on_commit_callbacks(execute=True):
        before = len(connection.run_on_commit)
        try:
            with transaction.atomic():
                draft.title = "临时标题"
                draft.save()
                raise RuntimeError
        except RuntimeError:
            pass
        assert not [f for _, f, _ in connection.run_on_commit[before:] if hasattr(f, "index_key")]
        draft.title = "关于发放失业保险金的通知"
        draft.save()  # queued afresh: nothing of the rolled-back save is left to stand in
    assert titles(CatalogRecord.objects.search("临时")) == []
    assert titles(CatalogRecord.objects.search("失业")) == [draft.title]


def test_deleting_drops_the_entry_after_the_commit(draft, commit):
    assert entries_for(draft) == 1
    with commit():
        draft.delete()
    assert entries_for(draft) == 0


def test_update_index_rebuilds_in_terms(draft):
    from django.core.management import call_command

    IndexEntry.objects.all().delete()
    call_command("update_index", verbosity=0)
    assert titles(CatalogRecord.objects.search("养老保险")) == [TITLE]


def test_demo_seeding_rebuilds_an_index_written_by_wagtails_own_backend(draft):
    from wagtail.search.backends.database import SearchBackend as WagtailSearchBackend
    from wagtail.search.index import get_indexed_models

    from gongkai.search.wagtail_backend.maintenance import index_ensure, index_is_current

    index_ensure()  # pages made by migrations were never indexed
    assert index_is_current()
    assert index_ensure() is None  # a second seeding changes nothing
    # A var/ from before: rows with whole runs of Chinese, as Wagtail writes them.
    stock = WagtailSearchBackend({})
    for model in get_indexed_models():
        stock.get_index_for_model(model).add_items(model, model.get_indexed_objects())
    assert titles(CatalogRecord.objects.search("居民")) == []
    assert not index_is_current()
    assert index_ensure() == IndexEntry.objects.count()
    assert titles(CatalogRecord.objects.search("居民")) == [TITLE]
    # A worker that has not caught up: rows missing.
    IndexEntry.objects.filter(object_id=str(draft.pk)).delete()
    assert not index_is_current()
