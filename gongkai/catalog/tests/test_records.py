import re
from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import ValidationError

from gongkai.catalog.choices import DisclosureAttribute, Validity, WithholdingReason
from gongkai.catalog.models import INDEX_NUMBER_RE, CatalogRecord
from gongkai.catalog.selectors import column_records, public_records
from gongkai.catalog.services import index_number_assign
from gongkai.catalog.tests.factories import column, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def results(world):
    return column()


def test_first_publication_assigns_the_index_number(results, world):
    page = record(results, department=world.employment)
    assert re.match(INDEX_NUMBER_RE, page.index_number)
    year = page.publication_date.year
    assert page.index_number == f"MB1C12345/{year}-00001"
    second = record(results, title="第二份文件", department=world.employment)
    assert second.index_number == f"MB1C12345/{year}-00002"


def test_a_draft_has_no_index_number(results, world):
    page = record(results, publish=False, department=world.employment)
    assert page.index_number is None


def _publish_reviewed(page, revision):
    from gongkai.review.services import review_record_attest

    page.refresh_from_db()
    review_record_attest(page=page, note="测试数据")
    revision.publish()


def test_republishing_and_reverting_keep_the_index_number(results, world):
    page = record(results, department=world.employment)
    number = page.index_number
    page.title = "修改后的标题"
    _publish_reviewed(page, page.save_revision())
    page.refresh_from_db()
    assert page.index_number == number
    page.unpublish()
    page.refresh_from_db()
    _publish_reviewed(page, page.save_revision())
    page.refresh_from_db()
    assert page.index_number == number
    assert page.live


def test_index_number_assign_is_idempotent(results, world):
    page = record(results, department=world.employment)
    before = page.index_number
    assert index_number_assign(record=page) == before


def test_the_bureaus_code_and_the_publication_year_make_the_number(results, world):
    from gongkai.org.models import Bureau

    bureau = Bureau.load()
    bureau.organisation_code = "11520500MB1C12345X"
    bureau.save()
    page = record(results, department=world.employment, publication_date=date(2019, 5, 24))
    assert page.index_number == "11520500MB1C12345X/2019-00001"


def test_withheld_record_needs_reason_and_rereview_date(results, world):
    page = record(results, publish=False, department=world.employment)
    page.disclosure = DisclosureAttribute.WITHHELD
    with pytest.raises(ValidationError) as exc:
        page.full_clean()
    assert {"withholding_reason", "rereview_date"} <= set(exc.value.message_dict)
    page.withholding_reason = WithholdingReason.PROCESS
    page.rereview_date = date(2027, 6, 1)
    page.full_clean()


def test_replaced_record_cannot_stay_in_force(results, world):
    old = record(results, title="旧文件", department=world.employment)
    new = record(results, title="新文件", department=world.employment)
    old.replaced_by = new
    with pytest.raises(ValidationError) as exc:
        old.full_clean()
    assert "validity" in exc.value.message_dict
    old.validity = Validity.REPEALED
    old.full_clean()


def test_doc_number_is_stored_normalised(results, world):
    page = record(results, publish=False, department=world.employment)
    page.doc_number = "毕人社发[2019]12号"
    page.full_clean()
    assert page.doc_number == "毕人社发〔2019〕12号"
    page.doc_number = "不是文号"
    with pytest.raises(ValidationError):
        page.full_clean()


def test_public_records_hide_drafts_withheld_and_withdrawn(results, world):
    visible = record(results, title="公开的", department=world.employment)
    record(results, title="草稿", publish=False, department=world.employment)
    withheld = record(results, title="不予公开的", department=world.employment)
    CatalogRecord.objects.filter(pk=withheld.pk).update(disclosure=DisclosureAttribute.WITHHELD)
    withdrawn = record(results, title="已撤回的", department=world.employment)
    CatalogRecord.objects.filter(pk=withdrawn.pk).update(withdrawn_at="2026-11-20T10:00:00Z")
    assert list(public_records()) == [visible]
    assert list(column_records(results)) == [visible]


def test_column_page_lists_its_records(client, results, world):
    record(results, title="关于做好就业补贴申领工作的通知", department=world.employment)
    record(results, title="尚未发布的草稿", publish=False, department=world.employment)
    html = client.get(results.url).content.decode()
    assert "关于做好就业补贴申领工作的通知" in html
    assert "尚未发布的草稿" not in html


def test_record_page_shows_metadata_and_repeal_notice(client, results, world):
    new = record(results, title="新文件", department=world.employment)
    old = record(
        results,
        title="旧文件",
        department=world.employment,
        validity=Validity.REPEALED,
        replaced_by=new,
    )
    html = client.get(old.url).content.decode()
    assert old.index_number in html
    assert "废止" in html
    assert new.url in html


def test_portal_navigation_links_seeded_columns(client, world):
    from django.core.management import call_command

    call_command("seed_demo", "--only", "org", "portal", "catalog", stdout=StringIO())
    html = client.get("/").content.decode()
    assert 'href="/decisions/"' in html
