"""Login lockout on the Wagtail admin sign-in (django-axes): 5 failures per account and address."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from gongkai.core.audit import AuthAction
from gongkai.org.tests.factories import UserFactory

LOGIN = reverse("wagtailadmin_login")
PASSWORD = "correct-horse-battery"
LOCKED = (
    "Too many failed sign-ins (%(limit)s) for this account from your address. "
    "For your security, signing in is locked for %(minutes)s minutes."
)
NOW = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return gettext(msgid)


def sign_in(client, username: str, password: str, ip: str = "198.51.100.4"):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=ip
    )


@pytest.fixture
def drafter(world):
    return world.drafter


def test_login_form_passes_the_request_to_axes(client, drafter):
    # AxesStandaloneBackend refuses to authenticate without a request; a
    # successful sign-in proves Wagtail's form passes it.
    response = sign_in(client, drafter.username, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_five_failures_lock_the_account_for_this_address_then_cool_off(client, drafter):
    with time_machine.travel(NOW, tick=False) as traveller:
        for _ in range(4):
            response = sign_in(client, drafter.username, "wrong-password")
            assert response.status_code == 200  # the form again, with its error
        response = sign_in(client, drafter.username, "wrong-password")
        assert response.status_code == 429

        response = sign_in(client, drafter.username, PASSWORD)
        assert response.status_code == 429
        html = response.content.decode()
        assert zh(LOCKED) % {"limit": 5, "minutes": 30} in html
        assert "登录已锁定 30 分钟" in html  # Chinese, from org's catalogue
        assert '<html lang="zh-hans"' in html
        assert "_auth_user_id" not in client.session

        traveller.shift(dt.timedelta(minutes=29))
        assert sign_in(client, drafter.username, PASSWORD).status_code == 429

        # Every attempt while locked starts the cool-off again (axes counts from the last one).
        traveller.shift(dt.timedelta(minutes=31))
        response = sign_in(client, drafter.username, PASSWORD)
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(drafter.pk)


def test_lockout_is_per_username_and_address(client, drafter, db):
    other = UserFactory(username="t-other")
    for _ in range(5):
        sign_in(client, drafter.username, "wrong-password", ip="198.51.100.4")
    assert sign_in(client, drafter.username, PASSWORD, ip="198.51.100.4").status_code == 429
    # The same account from another address, and another account from the same address.
    assert sign_in(client, drafter.username, PASSWORD, ip="203.0.113.9").status_code == 302
    client.logout()
    assert sign_in(client, other.username, PASSWORD, ip="198.51.100.4").status_code == 302


def test_lockout_uses_the_proxy_aware_address(client, drafter, settings):
    settings.PROXY_COUNT = 1
    for _ in range(5):
        client.post(
            LOGIN,
            {"username": drafter.username, "password": "wrong-password"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="198.51.100.4",
        )
    attempt = AccessAttempt.objects.get(username=drafter.username)
    assert attempt.ip_address == "198.51.100.4"
    # Another client behind the same proxy is not locked out.
    response = client.post(
        LOGIN,
        {"username": drafter.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.50",
    )
    assert response.status_code == 302


def test_lockout_is_audited(client, drafter):
    from wagtail.models import ModelLogEntry

    for _ in range(6):
        sign_in(client, drafter.username, "wrong-password")
    entry = ModelLogEntry.objects.filter(action=AuthAction.LOCKED_OUT).first()
    assert entry is not None
    assert entry.object_id == str(drafter.pk) and entry.data["ip"] == "198.51.100.4"


def test_lockout_page_has_the_admin_policy_and_headers(client, drafter):
    for _ in range(5):
        sign_in(client, drafter.username, "wrong-password")
    response = sign_in(client, drafter.username, PASSWORD)
    assert response.status_code == 429
    assert "'unsafe-inline'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
