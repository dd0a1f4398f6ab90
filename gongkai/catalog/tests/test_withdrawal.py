"""Withdrawal (撤回) is a state, not a deletion; only a never-published draft may be deleted."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from wagtail.models import PageLogEntry

from gongkai.catalog.models import CatalogRecord
from gongkai.catalog.selectors import public_records
from gongkai.catalog.services import CatalogAction, record_withdraw
from gongkai.catalog.tests.factories import column, record
from gongkai.conftest import login_verified
from gongkai.core.publication import PublicationRefused

pytestmark = pytest.mark.django_db


@pytest.fixture
def results(world):
    return column()


@pytest.fixture
def published(results, world):
    return record(results, title="关于失业保险稳岗返还的公示", department=world.employment)


def _everywhere(client, page, column_page, url) -> dict[str, bool]:
    """Where the record shows up on the public side."""
    api = client.get("/api/v1/catalog/records").json()["items"]
    return {
        "page": client.get(url).status_code == 200,
        "column": page.title in client.get(column_page.url).content.decode(),
        "feed": page.title in client.get(f"/gongkai/feeds/{column_page.pk}/rss/").content.decode(),
        "sitemap": url in client.get("/sitemap.xml").content.decode(),
        "api": page.pk in [item["id"] for item in api],
        "api_id": client.get(f"/api/v1/catalog/records/id/{page.pk}").status_code == 200,
        "api_index": client.get(f"/api/v1/catalog/records/{page.index_number}").status_code == 200,
    }


def test_withdrawal_takes_the_record_off_every_public_surface_at_once(
    client, results, published, world
):
    url = published.url
    assert all(_everywhere(client, published, results, url).values())
    withdrawn = record_withdraw(record=published, by=world.site_admin, reason="内容有误，需更正")
    assert client.get(url).status_code == 404
    assert not any(_everywhere(client, published, results, url).values())
    assert list(public_records()) == []
    # A state, not a deletion: it stays in the archive with its 索引号.
    assert withdrawn.index_number == published.index_number
    assert withdrawn.withdrawn_at is not None
    assert withdrawn.withdrawal_reason == "内容有误，需更正"
    assert not withdrawn.live
    assert CatalogRecord.objects.filter(pk=published.pk).exists()


def test_withdrawal_is_audited_once_and_wagtail_logs_the_unpublication(published, world):
    record_withdraw(record=published, by=world.site_admin, reason="内容有误")
    entries = PageLogEntry.objects.filter(page=published, action=CatalogAction.WITHDRAW)
    assert entries.count() == 1
    entry = entries.get()
    assert entry.user == world.site_admin
    assert entry.data["reason"] == "内容有误"
    assert entry.data["index_number"] == published.index_number
    assert PageLogEntry.objects.filter(page=published, action="wagtail.unpublish").exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(published, world, reason):
    with pytest.raises(ValidationError):
        record_withdraw(record=published, by=world.site_admin, reason=reason)
    published.refresh_from_db()
    assert published.live and published.withdrawn_at is None


def test_only_a_live_record_not_yet_withdrawn_can_be_withdrawn(results, published, world):
    record_withdraw(record=published, by=world.site_admin, reason="内容有误")
    with pytest.raises(ValidationError):
        record_withdraw(record=published, by=world.site_admin, reason="再次撤回")
    draft = record(results, title="草稿", publish=False, department=world.employment)
    with pytest.raises(ValidationError):
        record_withdraw(record=draft, by=world.site_admin, reason="草稿不能撤回")


def test_a_drafter_may_not_withdraw(published, world):
    with pytest.raises(PermissionDenied):
        record_withdraw(record=published, by=world.drafter, reason="内容有误")
    published.refresh_from_db()
    assert published.live and published.withdrawn_at is None


def test_a_new_revision_does_not_roll_back_the_withdrawal(published, world):
    record_withdraw(record=published, by=world.site_admin, reason="内容有误")
    page = CatalogRecord.objects.get(pk=published.pk)
    page.title = "修改后的标题"
    page.save_revision()
    page.refresh_from_db()
    assert page.withdrawn_at is not None
    assert page.index_number == published.index_number


def test_republishing_needs_a_fresh_review(client, results, published, world):
    from gongkai.review.services import review_record_attest

    old_revision = published.live_revision
    index_number = published.index_number
    record_withdraw(record=published, by=world.site_admin, reason="内容有误")
    with pytest.raises(PublicationRefused):
        old_revision.publish()
    page = CatalogRecord.objects.get(pk=published.pk)
    assert not page.live and page.withdrawn_at is not None
    # A corrected version that passes review again is published, and is public again.
    page.title = "关于失业保险稳岗返还的公示（更正）"
    revision = page.save_revision()
    with pytest.raises(PublicationRefused):
        revision.publish()  # not reviewed yet
    review_record_attest(page=page, note="重新审查")
    revision.publish()
    page.refresh_from_db()
    assert page.live and page.withdrawn_at is None and page.withdrawal_reason == ""
    assert page.index_number == index_number
    assert client.get(page.url).status_code == 200


# --- the admin --------------------------------------------------------------------------------


def test_admin_offers_withdrawal_to_publishers_only(client, results, published, world):
    url = reverse("catalog_record_withdraw", args=[published.pk])
    login_verified(client, world.site_admin)
    assert url in client.get(reverse("wagtailadmin_explore", args=[results.pk])).content.decode()
    assert (
        url in client.get(reverse("wagtailadmin_pages:edit", args=[published.pk])).content.decode()
    )
    assert client.get(url).status_code == 200
    client.logout()
    login_verified(client, world.drafter)
    assert client.get(url)["Location"] == "/admin/"  # Wagtail's answer to PermissionDenied
    assert client.post(url, {"reason": "内容有误"})["Location"] == "/admin/"
    published.refresh_from_db()
    assert published.live and published.withdrawn_at is None


def test_admin_withdrawal_needs_a_reason_then_withdraws(client, results, published, world):
    url = reverse("catalog_record_withdraw", args=[published.pk])
    login_verified(client, world.site_admin)
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    published.refresh_from_db()
    assert published.live
    response = client.post(url, {"reason": "内容有误"})
    assert response.status_code == 302
    published.refresh_from_db()
    assert not published.live and published.withdrawal_reason == "内容有误"
    # Still in the admin (the staff archive).
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[published.pk]))
    assert edit.status_code == 200
    assert "内容有误" in edit.content.decode()  # the editor says why it was withdrawn
    assert (
        published.title
        in client.get(reverse("wagtailadmin_explore", args=[results.pk])).content.decode()
    )
    # Withdrawn: no longer offered.
    assert client.get(url)["Location"] == "/admin/"


# --- deletion -----------------------------------------------------------------------------


def test_a_published_record_cannot_be_deleted(client, published, world):
    login_verified(client, world.site_admin)
    url = reverse("wagtailadmin_pages:delete", args=[published.pk])
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302
        assert CatalogRecord.objects.filter(pk=published.pk).exists()


def test_a_withdrawn_record_cannot_be_deleted_either(client, published, world):
    record_withdraw(record=published, by=world.site_admin, reason="内容有误")
    login_verified(client, world.site_admin)
    client.post(reverse("wagtailadmin_pages:delete", args=[published.pk]))
    assert CatalogRecord.objects.filter(pk=published.pk).exists()


def test_a_column_holding_a_published_record_cannot_be_deleted(client, results, published, world):
    login_verified(client, world.site_admin)
    client.post(reverse("wagtailadmin_pages:delete", args=[results.pk]))
    assert CatalogRecord.objects.filter(pk=published.pk).exists()


def test_bulk_delete_of_a_published_record_is_refused(client, results, published, world):
    draft = record(results, title="草稿", publish=False, department=world.employment)
    login_verified(client, world.site_admin)
    url = (
        reverse("wagtail_bulk_action", args=("wagtailcore", "page", "delete"))
        + f"?id={published.pk}&id={draft.pk}"
    )
    response = client.post(url, {})
    assert response.status_code == 302
    assert CatalogRecord.objects.filter(pk=published.pk).exists()
    assert CatalogRecord.objects.filter(pk=draft.pk).exists()


def test_a_never_published_draft_can_be_deleted(client, results, world):
    draft = record(results, title="草稿", publish=False, department=world.employment)
    login_verified(client, world.site_admin)
    client.post(reverse("wagtailadmin_pages:delete", args=[draft.pk]))
    assert not CatalogRecord.objects.filter(pk=draft.pk).exists()
    other = record(results, title="另一份草稿", publish=False, department=world.employment)
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "delete")) + f"?id={other.pk}"
    client.post(url, {})
    assert not CatalogRecord.objects.filter(pk=other.pk).exists()
