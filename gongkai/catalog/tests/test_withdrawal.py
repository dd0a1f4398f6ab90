"""Withdrawal (撤回) is a state, not a deletion; only a never-published draft may be deleted."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from wagtail.models import PageLogEntry

from gongkai.catalog.models import CatalogRecord
from gongkai.catalog.permissions import can_withdraw, withdraw_refusal
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
    withdrawn = record_withdraw(
        record=published, by=world.office_reviewer, reason="内容有误，需更正"
    )
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
    record_withdraw(record=published, by=world.office_reviewer, reason="内容有误")
    entries = PageLogEntry.objects.filter(page=published, action=CatalogAction.WITHDRAW)
    assert entries.count() == 1
    entry = entries.get()
    assert entry.user == world.office_reviewer
    assert entry.data["reason"] == "内容有误"
    assert entry.data["index_number"] == published.index_number
    assert PageLogEntry.objects.filter(page=published, action="wagtail.unpublish").exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(published, world, reason):
    with pytest.raises(ValidationError):
        record_withdraw(record=published, by=world.office_reviewer, reason=reason)
    published.refresh_from_db()
    assert published.live and published.withdrawn_at is None


def test_only_a_live_record_not_yet_withdrawn_can_be_withdrawn(results, published, world):
    record_withdraw(record=published, by=world.office_reviewer, reason="内容有误")
    with pytest.raises(ValidationError):
        record_withdraw(record=published, by=world.office_reviewer, reason="再次撤回")
    draft = record(results, title="草稿", publish=False, department=world.employment)
    with pytest.raises(ValidationError):
        record_withdraw(record=draft, by=world.office_reviewer, reason="草稿不能撤回")


@pytest.mark.parametrize("who", ["drafter", "department_head", "policy_reviewer", "site_admin"])
def test_only_the_office_and_the_leaders_withdraw(published, world, who):
    with pytest.raises(PermissionDenied):
        record_withdraw(record=published, by=getattr(world, who), reason="内容有误")
    published.refresh_from_db()
    assert published.live and published.withdrawn_at is None
    assert not can_withdraw(published, getattr(world, who))


@pytest.mark.parametrize("who", ["office_reviewer", "leader", "superuser"])
def test_office_reviewers_leaders_and_superusers_withdraw_any_department(results, world, who):
    from gongkai.org.tests.factories import UserFactory

    user = (
        UserFactory(username="t-root", is_superuser=True)
        if who == "superuser"
        else getattr(world, who)
    )
    for department in (world.policy, world.employment, world.office):
        page = record(results, title=f"{department.name}的信息", department=department)
        assert can_withdraw(page, user)
        record_withdraw(record=page, by=user, reason="内容有误")
        page.refresh_from_db()
        assert not page.live and page.withdrawn_at is not None


def test_a_new_revision_does_not_roll_back_the_withdrawal(published, world):
    record_withdraw(record=published, by=world.office_reviewer, reason="内容有误")
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
    record_withdraw(record=published, by=world.office_reviewer, reason="内容有误")
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


def test_admin_offers_withdrawal_to_the_office_and_the_leaders_only(
    client, results, published, world
):
    url = reverse("catalog_record_withdraw", args=[published.pk])
    explore = reverse("wagtailadmin_explore", args=[results.pk])
    edit = reverse("wagtailadmin_pages:edit", args=[published.pk])
    for who in ("office_reviewer", "leader"):
        login_verified(client, getattr(world, who))
        assert url in client.get(explore).content.decode()
        assert url in client.get(edit).content.decode()
        assert client.get(url).status_code == 200
        client.logout()
    for who in ("drafter", "department_head", "site_admin"):
        login_verified(client, getattr(world, who))
        assert url not in client.get(explore).content.decode()
        assert client.get(url)["Location"] == "/admin/"  # Wagtail's answer to PermissionDenied
        assert client.post(url, {"reason": "内容有误"})["Location"] == "/admin/"
        client.logout()
    published.refresh_from_db()
    assert published.live and published.withdrawn_at is None


def test_admin_withdrawal_needs_a_reason_then_withdraws(client, results, published, world):
    url = reverse("catalog_record_withdraw", args=[published.pk])
    login_verified(client, world.office_reviewer)
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
    record_withdraw(record=published, by=world.office_reviewer, reason="内容有误")
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


# --- withdrawing from a list --------------------------------------------------------------------


def bulk_url(action: str, *pages) -> str:
    ids = "&".join(f"id={page.pk}" for page in pages)
    return reverse("wagtail_bulk_action", args=("wagtailcore", "page", action)) + "?" + ids


def messages_of(response) -> list[str]:
    return [str(m).strip() for m in response.context["messages"]]


def test_bulk_withdrawal_needs_one_reason_then_withdraws_each_record(client, results, world):
    first = record(results, title="第一份已发布的信息", department=world.employment)
    second = record(results, title="第二份已发布的信息", department=world.policy)
    url = bulk_url("withdraw", first, second)
    login_verified(client, world.office_reviewer)
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert {item["item"].pk for item in confirm.context["items"]} == {first.pk, second.pk}
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert all(CatalogRecord.objects.get(pk=p.pk).live for p in (first, second))

    response = client.post(
        url + "&next=" + reverse("wagtailadmin_explore", args=[results.pk]),
        {"reason": "政策已调整"},
        follow=True,
    )
    assert response.status_code == 200
    for page in (first, second):
        page.refresh_from_db()
        assert not page.live and page.withdrawal_reason == "政策已调整"
        assert page.index_number  # kept
        entry = PageLogEntry.objects.get(page=page, action=CatalogAction.WITHDRAW)
        assert entry.user == world.office_reviewer and entry.data["reason"] == "政策已调整"
    assert any(first.title in m and second.title in m for m in messages_of(response))


def test_bulk_withdrawal_reports_what_it_refused_and_why(client, results, published, world):
    from django.conf import settings
    from django.utils import translation

    draft = record(results, title="未发布的草稿", publish=False, department=world.employment)
    gone = record(results, title="已撤回的信息", department=world.employment)
    record_withdraw(record=gone, by=world.leader, reason="早已撤回")
    url = bulk_url("withdraw", published, draft, gone, results)
    login_verified(client, world.leader)
    confirm = client.get(url)
    assert [item["item"].pk for item in confirm.context["items"]] == [published.pk]
    refused = {
        entry["item"].pk: entry["reason"] for entry in confirm.context["items_with_no_access"]
    }
    assert set(refused) == {draft.pk, gone.pk, results.pk}
    with translation.override(settings.LANGUAGE_CODE):
        assert refused[draft.pk] == withdraw_refusal(draft, world.leader)
        assert refused[gone.pk] == withdraw_refusal(
            CatalogRecord.objects.get(pk=gone.pk), world.leader
        )
    assert len(set(refused.values())) == 3  # three different reasons

    response = client.post(url, {"reason": "内容有误"}, follow=True)
    published.refresh_from_db()
    assert not published.live
    draft.refresh_from_db()
    assert draft.withdrawn_at is None
    assert CatalogRecord.objects.get(pk=gone.pk).withdrawal_reason == "早已撤回"
    shown = " ".join(messages_of(response))
    for page in (published, draft, gone, results):
        assert page.title in shown
    assert (
        PageLogEntry.objects.filter(action=CatalogAction.WITHDRAW).count() == 2
    )  # gone + published


@pytest.mark.parametrize("who", ["drafter", "department_head", "site_admin"])
def test_bulk_withdrawal_is_refused_to_the_other_roles(client, results, published, world, who):
    login_verified(client, getattr(world, who))
    url = bulk_url("withdraw", published)
    assert client.get(url).context["items"] == []
    client.post(url, {"reason": "内容有误"})
    published.refresh_from_db()
    assert published.live and published.withdrawn_at is None
    assert not PageLogEntry.objects.filter(action=CatalogAction.WITHDRAW).exists()


# --- Wagtail's plain unpublish -------------------------------------------------------------------


def unpublishers(world):
    from gongkai.org.tests.factories import UserFactory

    root = UserFactory(username="t-root", is_superuser=True)
    return [world.office_reviewer, world.leader, world.site_admin, world.drafter, root]


def test_plain_unpublish_of_a_record_is_refused_to_everyone(client, results, published, world):
    url = reverse("wagtailadmin_pages:unpublish", args=[published.pk])
    for user in unpublishers(world):
        login_verified(client, user)
        assert not published.permissions_for_user(user).can_unpublish()
        assert client.get(url).status_code == 302
        assert client.post(url).status_code == 302
        published.refresh_from_db()
        assert published.live and published.withdrawn_at is None, user
        # No "Unpublish" offered next to the record, only "Withdraw" (to those who may).
        listing = client.get(reverse("wagtailadmin_explore", args=[results.pk])).content.decode()
        assert url not in listing
        client.logout()
    assert not PageLogEntry.objects.filter(page=published, action="wagtail.unpublish").exists()


def test_bulk_unpublish_of_a_record_is_refused_to_everyone(client, results, published, world):
    other = column("elsewhere", "其他栏目")
    for user in unpublishers(world):
        login_verified(client, user)
        response = client.post(bulk_url("unpublish", published, other), {}, follow=True)
        assert response.status_code == 200
        published.refresh_from_db()
        other.refresh_from_db()
        assert published.live and other.live, user  # refused whole, with a message
        assert messages_of(response)
        client.logout()
    assert not PageLogEntry.objects.filter(page=published, action="wagtail.unpublish").exists()


def test_unpublishing_a_column_with_its_subpages_leaves_its_records_live(
    client, results, published, world
):
    login_verified(client, world.site_admin)
    url = reverse("wagtailadmin_pages:unpublish", args=[results.pk])
    response = client.post(url, {"include_descendants": "on"})
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.live and published.withdrawn_at is None
    response = client.post(bulk_url("unpublish", results), {"include_descendants": "on"})
    published.refresh_from_db()
    assert published.live


def test_the_admin_api_cannot_unpublish_a_record(client, published, world):
    login_verified(client, world.leader)
    response = client.post(
        f"/admin/api/main/pages/{published.pk}/action/unpublish/",
        "{}",
        content_type="application/json",
    )
    assert response.status_code in (400, 403)
    published.refresh_from_db()
    assert published.live
