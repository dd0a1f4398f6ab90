"""The catalogue's public API: /api/v1/catalog/."""

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from wagtail.documents import get_document_model
from wagtail.models import PageViewRestriction

from gongkai.catalog.choices import DisclosureAttribute, DisclosureItem, Validity
from gongkai.catalog.models import CatalogRecord, Genre, RecordAttachment, TopicCategory
from gongkai.catalog.tests.factories import column, publish_reviewed, record
from gongkai.core.tests.office_files import make_pdf, make_xlsx
from gongkai.files.models import PublicCopy
from gongkai.wsgi import application

pytestmark = pytest.mark.django_db

API = "/api/v1/catalog"


@dataclass
class Catalogue:
    results: object
    employment_column: object
    decisions: object
    notice: CatalogRecord
    plan: CatalogRecord
    pension: CatalogRecord
    draft: CatalogRecord
    withheld: CatalogRecord
    on_request: CatalogRecord
    withdrawn: CatalogRecord
    private: CatalogRecord


def _attach(page: CatalogRecord, name: str, content: bytes, title: str = "") -> None:
    document = get_document_model().objects.create(
        title=name.rsplit(".", 1)[0], file=ContentFile(content, name=name)
    )
    RecordAttachment.objects.create(record=page, document=document, title=title)


@pytest.fixture
def catalogue(world) -> Catalogue:
    results = column()
    employment_column = column("employment", "就业创业", parent=results)
    decisions = column("decisions", "决策公开")
    notice = record(
        employment_column,
        title="关于做好就业补贴申领工作的通知",
        department=world.employment,
        doc_number="毕人社发〔2026〕12号",
        publication_date=date(2026, 11, 5),
        written_date=date(2026, 11, 2),
        disclosure_item=DisclosureItem.PUBLIC_SERVICES,
        keywords="就业 补贴",
        summary="明确就业补贴申领条件和程序。",
        body=(
            "<h2>一、申领条件</h2><p>各县（区）人力资源和社会保障局：</p>"
            '<p>详见<a linktype="page" id="{plan}">工作方案</a>。</p>'
        ),
    )
    _attach(notice, "申领表.xlsx", make_xlsx(leaks=False), title="附件1：申领表")
    _attach(notice, "说明.pdf", make_pdf(leaks=False))
    plan = record(
        results,
        title="2019年政务公开工作实施方案",
        department=world.office,
        genre=Genre.objects.get(name="工作方案"),
        topic=TopicCategory.objects.get(name="综合政务"),
        publication_date=date(2019, 5, 24),
        disclosure_item=DisclosureItem.PLANS,
        validity=Validity.REPEALED,
        replaced_by=notice,
        publisher="毕节市人民政府办公室",
    )
    notice.body = notice.body.replace("{plan}", str(plan.pk))
    publish_reviewed(notice)
    pension = record(
        decisions,
        title="社会保险待遇调整办法",
        department=world.policy,
        topic=TopicCategory.objects.get(name="社会保障"),
        genre=Genre.objects.get(name="办法"),
        doc_number="毕人社发〔2025〕3号",
        publication_date=date(2025, 3, 1),
        validity=Validity.EXPIRED,
        disclosure_item=DisclosureItem.REGULATIONS,
    )
    draft = record(results, title="尚未发布的草稿", publish=False, department=world.employment)
    withheld = record(results, title="不予公开的文件", department=world.employment)
    CatalogRecord.objects.filter(pk=withheld.pk).update(disclosure=DisclosureAttribute.WITHHELD)
    on_request = record(results, title="依申请公开的文件", department=world.employment)
    CatalogRecord.objects.filter(pk=on_request.pk).update(disclosure=DisclosureAttribute.ON_REQUEST)
    withdrawn = record(results, title="已撤回的文件", department=world.employment)
    CatalogRecord.objects.filter(pk=withdrawn.pk).update(withdrawn_at="2026-11-20T10:00:00Z")
    private = record(results, title="内部查阅的文件", department=world.employment)
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    return Catalogue(
        results=results,
        employment_column=employment_column,
        decisions=decisions,
        notice=notice,
        plan=plan,
        pension=pension,
        draft=draft,
        withheld=withheld,
        on_request=on_request,
        withdrawn=withdrawn,
        private=private,
    )


def _query(**params: str) -> str:
    return urlencode(params)


def _titles(client, query: str = "") -> list[str]:
    response = client.get(f"{API}/records{query}")
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


def _hidden(catalogue: Catalogue) -> list[CatalogRecord]:
    return [
        catalogue.draft,
        catalogue.withheld,
        catalogue.on_request,
        catalogue.withdrawn,
        catalogue.private,
    ]


# ---------------------------------------------------------------- list


def test_the_catalogue_was_published_through_the_review_guard(catalogue):
    from gongkai.core.publication import PublicationRefused
    from gongkai.review.models import ReviewRecord
    from gongkai.review.states import ReviewStatus

    for page in (catalogue.notice, catalogue.plan, catalogue.pension):
        page.refresh_from_db()
        assert ReviewRecord.objects.filter(
            page=page, revision_id=page.live_revision_id, outcome=ReviewStatus.APPROVED
        ).exists()
    # The guard is live in these tests: an unreviewed edit cannot go out.
    catalogue.notice.title = "未经审查的修改"
    with pytest.raises(PublicationRefused):
        catalogue.notice.save_revision().publish()
    assert (
        CatalogRecord.objects.get(pk=catalogue.notice.pk).title == "关于做好就业补贴申领工作的通知"
    )


def test_list_returns_public_records_newest_first(client, catalogue):
    body = client.get(f"{API}/records").json()
    assert body["count"] == 3
    assert body["limit"] == 20
    assert body["offset"] == 0
    assert [item["title"] for item in body["items"]] == [
        "关于做好就业补贴申领工作的通知",
        "社会保险待遇调整办法",
        "2019年政务公开工作实施方案",
    ]


def test_drafts_withheld_withdrawn_and_private_records_never_appear(client, catalogue):
    listed = client.get(f"{API}/records?limit=100").json()["items"]
    listed_ids = {item["id"] for item in listed}
    for hidden in _hidden(catalogue):
        assert hidden.pk not in listed_ids
        assert client.get(f"{API}/records/id/{hidden.pk}").status_code == 404
        if hidden.index_number:
            assert client.get(f"{API}/records/{hidden.index_number}").status_code == 404
    assert catalogue.withdrawn.index_number  # it had one, and keeps it
    assert client.get(f"{API}/records?q=文件").json()["count"] == 0


def test_a_record_that_only_a_hidden_record_replaces_shows_no_replacement(client, catalogue):
    CatalogRecord.objects.filter(pk=catalogue.notice.pk).update(withdrawn_at="2026-11-21T09:00Z")
    plan = client.get(f"{API}/records/id/{catalogue.plan.pk}").json()
    assert plan["replaced_by"] is None


def test_record_fields(client, catalogue, world):
    items = client.get(f"{API}/records").json()["items"]
    notice = next(item for item in items if item["id"] == catalogue.notice.pk)
    plan = next(item for item in items if item["id"] == catalogue.plan.pk)
    assert notice["index_number"] == catalogue.notice.index_number
    assert re.fullmatch(r"MB1C12345/2026-\d{5}", notice["index_number"])
    assert notice["url"] == f"{django_settings.SITE_URL}{catalogue.notice.url}"
    assert notice["column"] == {
        "id": catalogue.employment_column.pk,
        "title": "就业创业",
    }
    assert notice["topic"]["name"] == "劳动就业"
    assert notice["topic"]["parent_name"] == "劳动、人事、监察"
    assert notice["genre"]["name"] == "通知"
    assert notice["publisher"] == "测试市人力资源和社会保障局"  # empty means the bureau
    assert plan["publisher"] == "毕节市人民政府办公室"
    assert notice["doc_number"] == "毕人社发〔2026〕12号"
    assert notice["written_date"] == "2026-11-02"
    assert notice["publication_date"] == "2026-11-05"
    assert notice["validity"] == "valid"
    assert notice["validity_display"] == str(Validity.VALID.label)
    assert notice["keywords"] == "就业 补贴"
    assert notice["summary"] == "明确就业补贴申领条件和程序。"
    assert notice["disclosure_item"] == "20-11"
    assert notice["disclosure_item_display"] == str(DisclosureItem.PUBLIC_SERVICES.label)
    assert notice["department"] == {"code": "employment-bureau", "name": "市就业局"}
    assert "body_html" not in notice and "body_text" not in notice
    # the repealed plan points at the notice, and the notice lists what it replaces
    assert plan["validity"] == "repealed"
    assert plan["replaced_by"] == {
        "index_number": notice["index_number"],
        "title": notice["title"],
        "url": notice["url"],
    }
    assert notice["replaced_by"] is None
    assert [old["index_number"] for old in notice["replaces"]] == [plan["index_number"]]


def test_attachments(client, catalogue):
    notice = client.get(f"{API}/records/id/{catalogue.notice.pk}").json()
    first, second = notice["attachments"]
    assert first["title"] == "附件1：申领表"
    # the stored name: the storage may add a suffix to keep it unique
    assert re.fullmatch(r"申领表(_\w+)?\.xlsx", first["file_name"])
    # The size of what is downloaded: the published copy.
    copy = PublicCopy.objects.get(document__title="申领表")
    assert first["size"] == copy.size
    assert first["content_type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert first["url"].startswith(f"{django_settings.SITE_URL}/documents/")
    assert second["title"] == "说明"  # no title of its own: the document's
    assert second["content_type"] == "application/pdf"
    document = catalogue.notice.attachments.order_by("sort_order", "pk").first().document
    assert first["url"] == f"{django_settings.SITE_URL}{document.url}"
    # The link gives anyone the published copy, byte for byte.
    response = client.get(document.url)
    assert response.status_code == 200
    with copy.file.open("rb") as handle:
        assert response.content == handle.read()


# ---------------------------------------------------------------- filters


def test_filter_by_column_includes_sub_columns(client, catalogue):
    assert _titles(client, f"?column={catalogue.results.pk}") == [
        "关于做好就业补贴申领工作的通知",
        "2019年政务公开工作实施方案",
    ]
    assert _titles(client, f"?column={catalogue.employment_column.pk}") == [
        "关于做好就业补贴申领工作的通知"
    ]
    assert _titles(client, f"?column={catalogue.decisions.pk}") == ["社会保险待遇调整办法"]


def test_filter_by_topic_includes_sub_classes(client, catalogue):
    labour = TopicCategory.objects.get(name="劳动、人事、监察")
    employment = TopicCategory.objects.get(name="劳动就业")
    general = TopicCategory.objects.get(name="综合政务")
    assert _titles(client, f"?topic={labour.pk}") == [
        "关于做好就业补贴申领工作的通知",
        "社会保险待遇调整办法",
    ]
    assert _titles(client, f"?topic={employment.pk}") == ["关于做好就业补贴申领工作的通知"]
    assert _titles(client, f"?topic={general.pk}") == ["2019年政务公开工作实施方案"]


def test_filter_by_genre(client, catalogue):
    genre = Genre.objects.get(name="办法")
    assert _titles(client, f"?genre={genre.pk}") == ["社会保险待遇调整办法"]
    assert _titles(client, f"?genre={Genre.objects.get(name='公告').pk}") == []


def test_filter_by_department(client, catalogue):
    assert _titles(client, "?department=office") == ["2019年政务公开工作实施方案"]
    assert _titles(client, "?department=employment-bureau") == ["关于做好就业补贴申领工作的通知"]


def test_filter_by_year(client, catalogue):
    assert _titles(client, "?year=2019") == ["2019年政务公开工作实施方案"]
    assert _titles(client, "?year=2024") == []


def test_filter_by_validity(client, catalogue):
    assert _titles(client, "?validity=valid") == ["关于做好就业补贴申领工作的通知"]
    assert _titles(client, "?validity=expired") == ["社会保险待遇调整办法"]
    assert _titles(client, "?validity=repealed") == ["2019年政务公开工作实施方案"]


def test_filter_by_disclosure_item(client, catalogue):
    assert _titles(client, "?disclosure_item=20-1") == ["社会保险待遇调整办法"]
    assert _titles(client, "?disclosure_item=20-14") == []


@pytest.mark.parametrize(
    "typed",
    ["毕人社发〔2026〕12号", "毕人社发[2026]12号", "毕人社发(2026)12号", "毕人社发（2026）12号"],
)
def test_filter_by_doc_number_in_any_bracket_form(client, catalogue, typed):
    assert _titles(client, "?" + _query(doc_number=typed)) == ["关于做好就业补贴申领工作的通知"]


def test_an_invalid_doc_number_finds_nothing(client, catalogue):
    assert _titles(client, "?" + _query(doc_number="不是文号")) == []


def test_filter_by_title_words(client, catalogue):
    assert _titles(client, "?" + _query(q="补贴")) == ["关于做好就业补贴申领工作的通知"]
    assert _titles(client, "?" + _query(q="就业补贴 ")) == ["关于做好就业补贴申领工作的通知"]


def test_filters_combine(client, catalogue):
    labour = TopicCategory.objects.get(name="劳动、人事、监察")
    assert _titles(client, f"?topic={labour.pk}&year=2025&validity=expired") == [
        "社会保险待遇调整办法"
    ]
    assert _titles(client, f"?topic={labour.pk}&year=2019") == []


def test_ordering(client, catalogue):
    assert _titles(client, "?ordering=publication_date") == [
        "2019年政务公开工作实施方案",
        "社会保险待遇调整办法",
        "关于做好就业补贴申领工作的通知",
    ]
    assert _titles(client, "?ordering=title") == sorted(_titles(client))


def test_empty_text_filters_are_ignored(client, catalogue):
    assert len(_titles(client, "?q=&doc_number=&department=")) == 3


# ---------------------------------------------------------------- pagination


def test_pagination(client, catalogue):
    page = client.get(f"{API}/records?limit=2").json()
    assert page["count"] == 3
    assert len(page["items"]) == 2
    rest = client.get(f"{API}/records?limit=2&offset=2").json()
    assert [item["title"] for item in rest["items"]] == ["2019年政务公开工作实施方案"]
    assert rest["offset"] == 2 and rest["limit"] == 2
    beyond = client.get(f"{API}/records?offset=50").json()
    assert beyond["items"] == [] and beyond["count"] == 3
    assert client.get(f"{API}/records?limit=100").status_code == 200


def test_list_queries_do_not_grow_with_the_page(client, catalogue, django_assert_max_num_queries):
    for n in range(6):
        page = record(catalogue.results, title=f"补充文件{n}", department=catalogue.plan.department)
        _attach(page, f"附件{n}.pdf", b"%PDF-1.7")
    with django_assert_max_num_queries(16):
        response = client.get(f"{API}/records?limit=100")
    assert response.json()["count"] == 9


# ---------------------------------------------------------------- bad input


BAD_QUERIES = [
    "year=abc",
    "year=0",
    "year=10000",
    "year=2019.5",
    "year=",
    "topic=99999999",
    "topic=abc",
    "topic=0",
    "topic=99999999999999999999999",
    "genre=99999999",
    "column=99999999",
    "department=nosuchdept",
    "department=%00",
    "validity=valid-ish",
    "disclosure_item=20-99",
    "ordering=-title",
    "limit=100000",
    "limit=0",
    "limit=ten",
    "offset=-1",
    "offset=99999999999999999999",
    "year=2019&year=2020",
    "q=" + "长" * 201,
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_parameters_get_a_400_with_a_reason(client, world, query):
    response = client.get(f"{API}/records?{query}")
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")
    name = query.split("=", 1)[0]
    assert name in response.json()["detail"]


def test_a_column_filter_must_name_a_column(client, catalogue):
    """A page id that is not a live column (here: a record's) is refused."""
    response = client.get(f"{API}/records?column={catalogue.notice.pk}")
    assert response.status_code == 400


MESSAGES = [
    "The parameter “%(name)s” is given more than once.",
    "%(name)s: “%(value)s” is not a whole number.",
    "%(name)s: must be between %(minimum)s and %(maximum)s.",
    "%(name)s: at most %(max)s characters.",
    "%(name)s: the value contains a character that is not allowed.",
    "%(name)s: “%(value)s” is not one of: %(choices)s.",
    "%(name)s: no live column has the id %(id)s.",
    "%(name)s: no topic class has the id %(id)s.",
    "%(name)s: no genre has the id %(id)s.",
    "%(name)s: no department has the code “%(code)s”.",
    "No public record has the id %(id)s.",
    "No public record has the index number “%(index_number)s”.",
]
_CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.skipif(
    all(gettext(msgid) == msgid for msgid in MESSAGES),
    reason="the catalog .po does not carry the API's messages yet",
)
@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_parameters_are_explained_in_chinese(client, world, query):
    assert _CJK.search(client.get(f"{API}/records?{query}").json()["detail"])


@pytest.mark.skipif(
    all(gettext(msgid) == msgid for msgid in MESSAGES),
    reason="the catalog .po does not carry the API's messages yet",
)
def test_every_message_is_translated():
    assert [msgid for msgid in MESSAGES if not _CJK.search(gettext(msgid))] == []


# ---------------------------------------------------------------- detail


def test_record_by_index_number_with_its_slash(client, catalogue):
    number = catalogue.notice.index_number
    assert "/" in number
    response = client.get(f"{API}/records/{number}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == catalogue.notice.pk
    assert body["index_number"] == number
    assert body["title"] == "关于做好就业补贴申领工作的通知"
    encoded = client.get(f"{API}/records/{number.replace('/', '%2F')}")
    assert encoded.status_code == 200


def test_record_detail_carries_the_body(client, catalogue):
    body = client.get(f"{API}/records/id/{catalogue.notice.pk}").json()
    assert "<h2>一、申领条件</h2>" in body["body_html"]
    # page links expanded, absolute from SITE_URL
    assert f'href="{django_settings.SITE_URL}{catalogue.plan.url}"' in body["body_html"]
    assert 'linktype="page"' not in body["body_html"]
    assert body["body_text"] == ("一、申领条件\n各县（区）人力资源和社会保障局：\n详见工作方案。")
    assert body == client.get(f"{API}/records/{catalogue.notice.index_number}").json()


@pytest.mark.parametrize(
    "path",
    [
        "/records/MB1C12345/2019-99999",
        "/records/not-an-index-number",
        "/records/MB1C12345/2019-00001/extra",
        "/records/id/99999999",
        "/records/id/99999999999999999999999",
        "/records/id/abc",
        "/records/%0A%C3%A3",
        "/records/MB1C12345/2019-00001%0A",
    ],
)
def test_unknown_records_are_404_with_a_reason(client, catalogue, path):
    response = client.get(f"{API}{path}")
    assert response.status_code == 404
    assert response.json()["detail"]


# ---------------------------------------------------------------- vocabularies


def test_topics(client, catalogue):
    topics = client.get(f"{API}/topics").json()
    by_name = {topic["name"]: topic for topic in topics if topic["parent_id"] is None}
    labour = by_name["劳动、人事、监察"]
    children = [topic["name"] for topic in topics if topic["parent_id"] == labour["id"]]
    assert "劳动就业" in children and "社会保障" in children
    assert len(by_name) == 22


def test_genres(client, catalogue):
    genres = client.get(f"{API}/genres").json()
    assert {"id": Genre.objects.get(name="通知").pk, "name": "通知"} in genres


def test_columns(client, catalogue):
    PageViewRestriction.objects.create(
        page=column("internal", "内部栏目"),
        restriction_type=PageViewRestriction.PASSWORD,
        password="secret",
    )
    unpublished = column("hidden", "未发布栏目")
    unpublished.unpublish()
    columns = {item["title"]: item for item in client.get(f"{API}/columns").json()}
    assert set(columns) == {"结果公开", "就业创业", "决策公开"}
    assert columns["结果公开"]["parent_id"] is None
    assert columns["就业创业"]["parent_id"] == catalogue.results.pk
    assert (
        columns["就业创业"]["url"] == f"{django_settings.SITE_URL}{catalogue.employment_column.url}"
    )


def test_disclosure_items_count_public_records(client, catalogue):
    items = {item["code"]: item for item in client.get(f"{API}/disclosure-items").json()}
    assert list(items) == list(DisclosureItem.values)
    assert items["20-11"]["count"] == 1  # the notice; hidden records are not counted
    assert items["20-3"]["count"] == 1
    assert items["20-1"]["count"] == 1
    assert items["20-15"]["count"] == 0  # the hidden records carry the default item
    assert items["20-11"]["name"] == str(DisclosureItem.PUBLIC_SERVICES.label)


# ---------------------------------------------------------------- OpenAPI


def test_openapi_lists_the_routes_and_their_parameters(client):
    document = client.get("/api/v1/openapi.json").json()
    paths = document["paths"]
    for path in [
        "/api/v1/catalog/records",
        "/api/v1/catalog/records/{index_number}",
        "/api/v1/catalog/records/id/{record_id}",
        "/api/v1/catalog/topics",
        "/api/v1/catalog/genres",
        "/api/v1/catalog/columns",
        "/api/v1/catalog/disclosure-items",
    ]:
        assert "get" in paths[path], path
    listing = paths["/api/v1/catalog/records"]["get"]
    params = {param["name"]: param["schema"] for param in listing["parameters"]}
    assert params["year"]["type"] == "integer"
    assert params["topic"]["type"] == "integer"
    assert params["limit"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 100,
        "default": 20,
        "title": "Limit",
    }
    assert params["offset"]["minimum"] == 0
    assert params["validity"]["enum"] == ["valid", "expired", "repealed"]
    assert params["ordering"]["default"] == "-publication_date"
    assert {"200", "400"} <= set(listing["responses"])
    detail = paths["/api/v1/catalog/records/{index_number}"]["get"]
    assert "404" in detail["responses"]


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(
    path_regex="^/api/v1/catalog/"
)


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_catalogue_api_conforms_to_its_schema_with_records(
    case, catalogue, wsgi_keeps_db_connection
):
    """As gongkai/tests/test_api_schema.py, but with public and hidden records present."""
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
