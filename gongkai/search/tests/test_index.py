"""The index follows publication: what the public site shows is found, nothing else.

Runs on the configured database (SQLite in `make test`, PostgreSQL in CI's
second run), through real catalogue records published behind the real review
gate; indexing happens after commit, so each write runs inside
`django_capture_on_commit_callbacks(execute=True)`.
"""

import io
from datetime import date

import pytest
from django.core.files.base import ContentFile
from docx import Document as WordDocument
from wagtail.documents.models import Document

from gongkai.catalog.choices import DisclosureAttribute, Validity, WithholdingReason
from gongkai.catalog.models import CatalogRecord, RecordAttachment
from gongkai.catalog.services import record_withdraw
from gongkai.catalog.tests.factories import column, publish_reviewed, record
from gongkai.search import services
from gongkai.search.backends.base import Filters
from gongkai.search.models import SearchEntry, SearchState
from gongkai.search.selectors import search

pytestmark = pytest.mark.django_db

PENSION = "关于进一步做好城乡居民基本养老保险待遇调整工作的通知"


def titles(query: str, **filters) -> list[str]:
    return [hit.entry.title for hit in search(query, filters=Filters(**filters)).hits]


@pytest.fixture
def site(world, django_capture_on_commit_callbacks):
    """Two columns and four public records, indexed as publishing indexes them."""
    with django_capture_on_commit_callbacks(execute=True):
        results = column("results", "结果公开")
        employment = column("employment", "就业创业", parent=results)
        policy = column("policy", "政策解读")
        records = {
            "pension": record(
                results,
                title=PENSION,
                doc_number="毕人社发〔2026〕12号",
                publication_date=date(2026, 3, 1),
                department=world.office,
                body="<p>各县（区）：现将城乡居民基本养老保险待遇调整有关事项通知如下。</p>",
            ),
            "subsidy": record(
                employment,
                title="2025年第4季度就业创业补贴发放情况公示",
                publication_date=date(2025, 12, 30),
                department=world.employment,
                summary="公示本季度社会保险补贴、岗位补贴发放情况。",
                body="<p>根据就业补贴资金管理有关规定，现予以公示。联系电话０８５７－１２３４５６７。</p>",
            ),
            "old": record(
                employment,
                title="关于印发就业补贴管理办法的通知",
                publication_date=date(2019, 5, 1),
                doc_number="毕人社发〔2019〕3号",
                validity=Validity.REPEALED,
                department=world.employment,
                body="<p>就业补贴按季度发放。</p>",
            ),
            "reading": record(
                policy,
                title="《养老保险待遇调整通知》政策解读",
                publication_date=date(2026, 3, 2),
                department=world.policy,
                body="<p>本次调整惠及城乡居民。</p>",
            ),
        }
    return {"results": results, "employment": employment, "policy": policy, **records}


def test_published_records_are_found_by_any_substring(site):
    assert set(titles("养老保险")) == {PENSION, "《养老保险待遇调整通知》政策解读"}
    assert titles("居民基本养") == [PENSION]  # across word boundaries
    assert set(titles("补贴")) == {
        "2025年第4季度就业创业补贴发放情况公示",
        "关于印发就业补贴管理办法的通知",
    }
    assert titles("就业 公示") == ["2025年第4季度就业创业补贴发放情况公示"]  # words ANDed
    assert titles("社会保险") == ["2025年第4季度就业创业补贴发放情况公示"]  # in the summary
    assert titles("0857") == ["2025年第4季度就业创业补贴发放情况公示"]  # full-width digits
    assert titles("失业保险") == []


def test_title_matches_rank_above_body_matches(site):
    # Both have it in the title; the shorter title is the closer match (bm25).
    assert titles("调整") == ["《养老保险待遇调整通知》政策解读", PENSION]
    assert titles("惠及") == ["《养老保险待遇调整通知》政策解读"]
    # "城乡居民" is in the title of one and the body of two: the title match comes first.
    assert titles("城乡居民")[0] == PENSION


@pytest.mark.parametrize(
    "query",
    ["毕人社发〔2026〕12号", "毕人社发[2026]12号", "毕人社发(2026)12号", "毕人社发（2026）12号"],
)
def test_an_exact_document_number_ranks_its_record_first(site, query):
    assert titles(query)[0] == PENSION


def test_an_exact_title_ranks_its_record_first(site):
    assert titles("关于印发就业补贴管理办法的通知")[0] == "关于印发就业补贴管理办法的通知"
    assert titles(PENSION)[0] == PENSION


def test_filters_narrow_the_results_and_facets_count_them(site, world):
    assert titles("补贴", validity="废止") == ["关于印发就业补贴管理办法的通知"]
    assert titles("补贴", year_from=2020) == ["2025年第4季度就业创业补贴发放情况公示"]
    assert titles("养老保险", department="政策法规科") == ["《养老保险待遇调整通知》政策解读"]
    assert titles("补贴", column_path=site["employment"].path) == titles("补贴")
    assert titles("补贴", column_path=site["policy"].path) == []
    assert titles("调整", section_id=site["policy"].pk) == ["《养老保险待遇调整通知》政策解读"]
    # A record in a sub-column belongs to its top-level section.
    assert set(titles("补贴", section_id=site["results"].pk)) == {
        "2025年第4季度就业创业补贴发放情况公示",
        "关于印发就业补贴管理办法的通知",
    }
    results = search("补贴")
    assert results.total == 2
    years = {f.value: f.count for f in results.facets["year"]}
    assert years == {"2025": 1, "2019": 1}
    assert {f.value: f.count for f in results.facets["validity"]} == {"有效": 1, "废止": 1}
    assert [(f.label, f.count) for f in results.facets["section"]] == [("结果公开", 2)]
    assert [(f.value, f.count) for f in results.facets["kind"]] == [("catalog.record", 2)]


def test_snippets_are_cut_from_the_original_text_and_marked(site):
    hit = search("０８５７").hits[0]
    assert "<mark>０８５７</mark>" in hit.snippet
    hit = search("城乡居民").hits[0]
    assert hit.title == "关于进一步做好<mark>城乡居民</mark>基本养老保险待遇调整工作的通知"
    assert "<mark>城乡居民</mark>基本养老保险待遇调整有关事项" in hit.snippet


def test_markup_in_text_is_escaped_in_titles_and_snippets(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record(
            column(),
            title="关于<script>alert(1)</script>就业的通知",
            body="<p>就业&lt;b&gt;</p>",
            department=world.office,
        )
    hit = search("就业").hits[0]
    assert "<script>" not in hit.title and "&lt;script&gt;" in hit.title
    assert "<b>" not in hit.snippet


def test_unpublished_withheld_withdrawn_and_draft_records_are_never_found(
    site, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        draft = record(
            site["results"],
            title="草稿：工伤保险待遇调整方案",
            publish=False,
            department=world.office,
        )
        withheld = record(
            site["results"],
            title="工伤保险内部研究材料",
            department=world.office,
            disclosure=DisclosureAttribute.WITHHELD,
            withholding_reason=WithholdingReason.PROCESS,
            rereview_date=date(2027, 6, 1),
        )
    assert draft.pk and withheld.pk
    assert titles("工伤保险") == []
    assert not SearchEntry.objects.filter(title__contains="工伤").exists()

    with django_capture_on_commit_callbacks(execute=True):
        record_withdraw(record=site["subsidy"], by=None, reason="内容有误")
    assert titles("社会保险") == []
    with django_capture_on_commit_callbacks(execute=True):
        site["pension"].unpublish()
    assert titles("居民基本养") == []
    assert set(SearchEntry.objects.values_list("title", flat=True)) == {
        "关于印发就业补贴管理办法的通知",
        "《养老保险待遇调整通知》政策解读",
    }


def test_a_change_is_indexed_and_the_old_text_is_gone(site, django_capture_on_commit_callbacks):
    page = site["old"]
    page.title = "关于废止就业补贴管理办法的决定"
    page.body = "<p>自即日起废止。</p>"
    with django_capture_on_commit_callbacks(execute=True):
        publish_reviewed(page)
    assert titles("废止")[0] == "关于废止就业补贴管理办法的决定"
    assert titles("按季度发放") == []
    assert SearchEntry.objects.filter(key=f"catalog.record:{page.pk}").count() == 1


def test_a_draft_change_is_not_searchable_until_published(site):
    page = site["pension"]
    page.title = "尚未发布的新标题"
    page.save_revision()
    assert titles("尚未发布") == []
    assert titles("居民基本养") == [PENSION]


def _docx(text: str) -> bytes:
    document = WordDocument()
    document.add_paragraph(text)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "申领对象"
    table.cell(0, 1).text = "高校毕业生一次性求职创业补贴"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_attachment_text_is_searchable(site, django_capture_on_commit_callbacks):
    page = site["subsidy"]
    document = Document(title="附件：补贴申领表")
    document.file.save("apply.docx", ContentFile(_docx("请填写补贴申领表并加盖公章。")), save=False)
    document.save()
    with django_capture_on_commit_callbacks(execute=True):
        RecordAttachment.objects.create(record=page, document=document, title="附件：补贴申领表")
    # Not public yet: no published copy, so only the attachment's title is indexed.
    assert titles("加盖公章") == []
    # Indexed from the published copy, which publication writes.
    with django_capture_on_commit_callbacks(execute=True):
        publish_reviewed(CatalogRecord.objects.get(pk=page.pk))
    assert titles("加盖公章") == ["2025年第4季度就业创业补贴发放情况公示"]
    assert titles("求职创业补贴") == ["2025年第4季度就业创业补贴发放情况公示"]


def test_reindex_rebuilds_while_search_keeps_answering(site):
    before = SearchState.get().current
    seen = []

    def progress(count: int) -> None:
        # Mid-rebuild, searches still use the old generation.
        seen.append(titles("居民基本养"))

    SearchEntry.objects.filter(title=PENSION).update(title="被篡改的标题")  # stale
    result = services.reindex(progress=progress)
    assert result["indexed"] == 4 and result["by_kind"] == {"catalog.record": 4}
    assert seen and all(found == ["被篡改的标题"] for found in seen)
    state = SearchState.get()
    assert state.current == before + 1 and state.building is None
    assert titles("居民基本养") == [PENSION]
    assert set(SearchEntry.objects.values_list("generation", flat=True)) == {state.current}
    assert SearchEntry.objects.count() == 4


def test_changes_during_a_rebuild_reach_the_new_generation(
    site, django_capture_on_commit_callbacks
):
    def progress(count: int) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            site["reading"].unpublish()

    services.reindex(progress=progress)
    assert titles("惠及") == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_indexing_purges_cached_pages(world):
    """Committed for real: the purge runs after the index write commits."""
    from gongkai.core import pagecache

    page = record(column(), title="关于缓存的通知", department=world.office)
    before = pagecache.current_generation()
    services.refresh_object(page)
    assert titles("缓存") == ["关于缓存的通知"]
    assert pagecache.current_generation() != before


def test_search_listens_to_its_own_models_only():
    """No delete listener on unrelated models: they keep Django's fast bulk delete."""
    from django.contrib.sessions.models import Session
    from django.db.models.signals import post_delete

    from gongkai.catalog.models import CatalogRecord

    assert not post_delete.has_listeners(Session)
    assert post_delete.has_listeners(CatalogRecord)


def test_a_change_of_term_rules_is_rebuilt_from_nothing(site):
    SearchEntry.objects.update(terms_version=0)  # as if indexed by an older release
    result = services.reindex()
    assert result["indexed"] == 4
    assert set(SearchEntry.objects.values_list("terms_version", flat=True)) == {
        services.TERMS_VERSION
    }
    assert titles("居民基本养") == [PENSION]
    assert titles("补贴", year_from=2020) == ["2025年第4季度就业创业补贴发放情况公示"]
