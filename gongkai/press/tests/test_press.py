"""The press list (新闻媒体): subscribe, confirm, digest, unsubscribe — end to end through
the real views, the outbox and the catalogue's public selector."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail, signing
from django.test import Client
from django.utils import timezone

from gongkai.catalog.services import record_withdraw
from gongkai.catalog.tests.factories import column, record
from gongkai.conftest import login_verified
from gongkai.core.periodic import jobs
from gongkai.notifications.services import outbox_sweep_run
from gongkai.press.models import DigestEntry, Subscriber, SubscriberStatus
from gongkai.press.services import CONFIRM_SALT, press_digest_run

pytestmark = pytest.mark.django_db

FORM = {
    "name": "李记者",
    "organisation": "毕节日报",
    "email": "Reporter@Example.com",
    "columns": ["results"],
    "frequency": "daily",
}


@pytest.fixture
def results(world):
    return column()


def link(text: str, kind: str) -> str:
    match = re.search(rf"{re.escape(settings.SITE_URL)}(/press/{kind}/[^/\s]+/)", text)
    assert match, text
    return match.group(1)


def subscribe(client, capture, **changes):
    with capture(execute=True):
        return client.post("/press/", {**FORM, **changes})


def test_end_to_end(world, results, client, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    page = client.get("/press/")
    assert page.status_code == 200
    assert 'value="results"' in page.content.decode()  # from the portal's column registry

    response = subscribe(client, capture)
    assert response.status_code == 200 and "请查收确认邮件" in response.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "reporter@example.com"
    assert subscriber.status == SubscriberStatus.PENDING  # inactive until confirmed
    [confirmation] = mail.outbox
    assert confirmation.to == ["reporter@example.com"]
    confirm_path = link(confirmation.body, "confirm")

    # A link checker that follows the link confirms nothing; the button does.
    assert "确认订阅" in client.get(confirm_path).content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING
    assert client.post(confirm_path).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.ACTIVE and subscriber.columns == ["results"]

    published = record(results, title="关于发放2026年度就业补贴的公示", department=world.employment)
    elsewhere = record(
        column("decisions", "决策公开"), title="不在订阅栏目中的决定", department=world.employment
    )
    in_review = record(results, title="尚未发布的草稿", publish=False, department=world.employment)
    mail.outbox.clear()
    now = timezone.now()
    with capture(execute=True):
        assert press_digest_run(now=now + timedelta(hours=2)) == {"due": 0, "sent": 0}
        assert press_digest_run(now=now + timedelta(days=1)) == {"due": 1, "sent": 1}
    [digest] = mail.outbox
    assert digest.to == ["reporter@example.com"]
    assert "关于发放2026年度就业补贴的公示" in digest.body
    assert f"{settings.SITE_URL}{published.url}" in digest.body  # absolute, from SITE_URL
    assert elsewhere.title not in digest.body and in_review.title not in digest.body
    html = digest.alternatives[0][0]
    assert f'href="{settings.SITE_URL}{published.url}"' in html
    unsubscribe_path = link(digest.body, "unsubscribe")
    assert digest.extra_headers["List-Unsubscribe"] == f"<{settings.SITE_URL}{unsubscribe_path}>"
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Nothing new: no mail; nothing is sent twice.
    mail.outbox.clear()
    with capture(execute=True):
        assert press_digest_run(now=now + timedelta(days=2))["sent"] == 0
    assert mail.outbox == []
    assert DigestEntry.objects.count() == 1

    # Unsubscribe: GET asks, POST does it; the next digest skips them.
    assert "退订" in client.get(unsubscribe_path).content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.ACTIVE
    assert client.post(unsubscribe_path).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    record(results, title="退订之后发布的信息", department=world.employment)
    with capture(execute=True):
        assert press_digest_run(now=now + timedelta(days=4)) == {"due": 0, "sent": 0}
    assert mail.outbox == []


def _active(email="a@example.com", columns=("results",), frequency="daily", at=None):
    at = at or timezone.now()
    return Subscriber.objects.create(
        email=email,
        name="王记者",
        organisation="贵州广播电视台",
        columns=list(columns),
        frequency=frequency,
        status=SubscriberStatus.ACTIVE,
        confirmed_at=at,
        digest_cursor=at,
    )


def test_weekly_subscribers_wait_a_week_and_withdrawn_records_are_left_out(world, results):
    start = timezone.now() - timedelta(minutes=1)
    weekly = _active(frequency="weekly", at=start)
    kept = record(results, title="保留的信息", department=world.employment)
    gone = record(results, title="已撤回的信息", department=world.employment)
    record_withdraw(record=gone, by=world.office_reviewer, reason="内容有误")
    assert press_digest_run(now=start + timedelta(days=3))["sent"] == 0
    assert press_digest_run(now=start + timedelta(days=7))["sent"] == 1
    sent = set(DigestEntry.objects.filter(subscriber=weekly).values_list("title", flat=True))
    assert sent == {kept.title}
    outbox_sweep_run()
    assert mail.outbox[0].to == ["a@example.com"]


def test_a_publication_committed_late_is_not_skipped(world, results):
    """A record stamped before a digest's end but committed after it comes in the next one."""
    start = timezone.now() - timedelta(days=1, minutes=1)
    subscriber = _active(at=start)
    late = record(results, title="迟到的信息", department=world.employment)
    run_at = timezone.now() + timedelta(minutes=5)
    # As if this record were not yet committed when the first digest ran:
    type(late).objects.filter(pk=late.pk).update(live=False)
    assert press_digest_run(now=run_at)["sent"] == 0
    type(late).objects.filter(pk=late.pk).update(live=True)
    assert press_digest_run(now=run_at + timedelta(days=1))["sent"] == 1
    assert DigestEntry.objects.get(subscriber=subscriber).title == "迟到的信息"


def test_one_click_unsubscribe_post_without_csrf_token(world, results):
    subscriber = _active()
    from gongkai.press.services import unsubscribe_url

    path = unsubscribe_url(subscriber).removeprefix(settings.SITE_URL)
    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED


def test_bad_links_get_a_chinese_error(world, client):
    subscriber = _active()
    for path in ("/press/confirm/nonsense/", "/press/unsubscribe/nonsense/"):
        response = client.get(path)
        assert response.status_code == 400 and "链接无效" in response.content.decode()
    token = signing.dumps({"s": subscriber.pk, "e": subscriber.email}, salt=CONFIRM_SALT)
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        response = client.post(f"/press/confirm/{token}/")
    assert response.status_code == 400 and "已过期" in response.content.decode()


def test_form_errors_are_in_chinese_and_nothing_is_stored(world, results, client):
    response = client.post(
        "/press/", {"name": "", "organisation": "x" * 101, "email": "not-an-address"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    for message in (
        "请填写姓名",
        "媒体名称最多 100 个字",
        "请填写有效的电子邮箱",
        "请至少选择一个栏目",
    ):
        assert message in page
    response = client.post("/press/", {**FORM, "columns": ["no-such-column"]})
    assert "请从列表中选择栏目" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_the_honeypot_stores_and_sends_nothing(
    world, results, client, django_capture_on_commit_callbacks
):
    response = subscribe(client, django_capture_on_commit_callbacks, website="http://spam")
    assert response.status_code == 200  # answered like a person
    assert not Subscriber.objects.exists() and mail.outbox == []


def test_rate_limits_per_client_and_per_address(
    world, results, client, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    # The same address asked again within ten minutes: one confirmation mail.
    subscribe(client, capture)
    subscribe(client, capture)
    assert len(mail.outbox) == 1
    for n in range(3):
        assert subscribe(client, capture, email=f"r{n}@example.com").status_code == 200
    # The sixth request of this client in the minute is refused.
    response = subscribe(client, capture, email="r9@example.com")
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert "请求过于频繁" in response.content.decode()
    assert not Subscriber.objects.filter(email="r9@example.com").exists()


def test_contacts_are_for_the_office_and_the_information_centre(world):
    _active(email="private@example.com")
    for user in (world.office_reviewer, world.site_admin):
        client = Client()
        login_verified(client, user)
        response = client.get("/admin/press/subscribers/")
        assert response.status_code == 200 and "private@example.com" in response.content.decode()
    for user in (world.drafter, world.department_head, world.leader, world.policy_reviewer):
        client = Client()
        login_verified(client, user)
        response = client.get("/admin/press/subscribers/")
        assert response.status_code in (302, 403)
        assert "private@example.com" not in response.content.decode()
    assert Client().get("/admin/press/subscribers/").status_code == 302


def test_the_digest_runs_on_the_clock():
    assert "press.digest" in {job.name for job in jobs()}
