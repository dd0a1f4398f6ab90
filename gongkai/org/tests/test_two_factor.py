"""Second factor: who must use it, enrolment, verification, backup codes, throttling, demo tools."""

import datetime as dt
import io
import re
from urllib.parse import quote

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

from gongkai.org import two_factor
from gongkai.org.tests.factories import UserFactory
from gongkai.org.two_factor import (
    TwoFactorAction,
    totp_current_code,
    totp_device_create_for_demo,
    user_needs_second_factor,
)

DEMO_KEY = "3132333435363738393031323334353637383930"
NOW = dt.datetime(2025, 3, 3, 9, 0, 0, tzinfo=dt.UTC)
SETUP = reverse("account:two_factor_setup")
VERIFY = reverse("account:two_factor_verify")
BACKUP = reverse("account:two_factor_backup_codes")

WRONG_CODE = "The code is wrong or has expired. Check the time on your phone and try again."


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return gettext(msgid)


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return totp_current_code(device)


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


# --- who must use it ------------------------------------------------------------------


def test_site_admin_and_superuser_need_it_drafter_does_not(world):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert user_needs_second_factor(world.site_admin)
    assert user_needs_second_factor(admin)
    assert not user_needs_second_factor(world.drafter)
    assert not user_needs_second_factor(world.leader)


def test_required_roles_come_from_settings(world, settings):
    settings.OTP_REQUIRED_ROLES = ["leader"]
    assert user_needs_second_factor(world.leader)
    assert not user_needs_second_factor(world.site_admin)


def test_unenrolled_site_admin_is_sent_to_setup_with_next(client, world):
    client.force_login(world.site_admin)
    response = client.get("/admin/pages/?p=2")
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next={quote('/admin/pages/?p=2', safe='')}"


def test_enrolled_but_unverified_site_admin_is_sent_to_verify(client, world):
    totp_device_create_for_demo(user=world.site_admin, key_hex=DEMO_KEY)
    client.force_login(world.site_admin)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{VERIFY}?next=")


def test_superuser_is_held_back_too(client, db):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)


def test_drafter_reaches_the_admin_without_second_factor(client, world):
    client.force_login(world.drafter)
    assert client.get("/admin/").status_code == 200


def test_logout_sprite_and_js_catalogue_stay_open(client, world):
    client.force_login(world.site_admin)
    assert client.get(reverse("wagtailadmin_javascript_catalog")).status_code == 200
    assert client.get(reverse("wagtailadmin_sprite")).status_code == 200
    response = client.post(reverse("wagtailadmin_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_non_staff_may_not_enrol(client, db):
    client.force_login(UserFactory(username="citizen"))
    assert client.get(SETUP).status_code == 403


# --- enrolment ----------------------------------------------------------------------------------


def test_enrolment_end_to_end(client, world, frozen):
    client.force_login(world.site_admin)
    response = client.get(f"{SETUP}?next=/admin/pages/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and "<?xml" not in html
    assert "http" not in html.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", ""
    ), "the QR code is drawn locally, not fetched"
    device = TOTPDevice.objects.get(user=world.site_admin, confirmed=False)
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', html).group(1)
    assert secret == two_factor.totp_secret_base32(device)
    # A reload shows the same secret rather than a new device.
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=world.site_admin).count() == 1

    response = client.post(SETUP, {"token": code_for(device), "next": "/admin/pages/"})
    assert response.status_code == 302
    assert response["Location"] == f"{BACKUP}?next={quote('/admin/pages/', safe='')}"
    device.refresh_from_db()
    assert device.confirmed

    response = client.get(response["Location"])
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", response.content.decode())
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    assert response.headers["Cache-Control"].startswith("max-age=0")
    # Shown once only.
    again = client.get(f"{BACKUP}?next=/admin/pages/")
    assert again.status_code == 302 and again["Location"] == "/admin/pages/"

    assert client.get("/admin/").status_code == 200
    entry = ModelLogEntry.objects.get(action=TwoFactorAction.ENROL)
    assert entry.user == world.site_admin and entry.data["ip"] == "127.0.0.1"


def test_enrolment_wrong_code_is_refused_in_chinese_and_throttled(client, world, frozen):
    client.force_login(world.site_admin)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=world.site_admin)
    right = code_for(device)
    response = client.post(SETUP, {"token": other_code(right)})
    assert response.status_code == 200
    assert zh(WRONG_CODE) in response.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    # django-otp's throttling: the right code, too soon after a wrong one, is refused.
    response = client.post(SETUP, {"token": right})
    assert response.status_code == 200
    assert "1" in response.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    frozen.shift(2)
    response = client.post(SETUP, {"token": code_for(device)})
    assert response.status_code == 302


def test_enrolment_rejects_malformed_code(client, world):
    client.force_login(world.site_admin)
    client.get(SETUP)
    response = client.post(SETUP, {"token": "12ab"})
    assert response.status_code == 200
    assert zh("Enter the 6-digit code from your authenticator app.") in response.content.decode()


def test_enrolled_unverified_user_cannot_replace_device(client, world):
    totp_device_create_for_demo(user=world.site_admin, key_hex=DEMO_KEY)
    client.force_login(world.site_admin)
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)


def test_drafter_may_enrol_voluntarily(client, world, frozen):
    client.force_login(world.drafter)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=world.drafter)
    assert client.post(SETUP, {"token": code_for(device)}).status_code == 302
    assert TOTPDevice.objects.get(user=world.drafter).confirmed


# --- verification -------------------------------------------------------------------------------


def test_verify_wrong_then_throttled_then_right(client, world, frozen):
    device = totp_device_create_for_demo(user=world.site_admin, key_hex=DEMO_KEY)
    client.force_login(world.site_admin)
    next_url = "/admin/reports/"
    assert client.get(f"{VERIFY}?next={next_url}").status_code == 200

    right = code_for(device)
    response = client.post(VERIFY, {"token": other_code(right), "next": next_url})
    assert response.status_code == 200
    assert zh(WRONG_CODE) in response.content.decode()
    assert "动态口令错误或已过期" in response.content.decode()  # Chinese, from org's catalogue

    response = client.post(VERIFY, {"token": right, "next": next_url})
    assert response.status_code == 200
    expected = zh(
        "Too many wrong codes. Wait %(seconds)d seconds, then enter the current code."
    ) % {"seconds": 1}
    assert expected in response.content.decode()
    assert client.get("/admin/").status_code == 302

    frozen.shift(2)
    response = client.post(VERIFY, {"token": code_for(device), "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url
    assert client.get("/admin/").status_code == 200

    actions = list(
        ModelLogEntry.objects.filter(action__startswith="org.two_factor").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == sorted([TwoFactorAction.FAIL, TwoFactorAction.VERIFY])


def test_verify_refuses_offsite_next(client, world, frozen):
    device = totp_device_create_for_demo(user=world.site_admin, key_hex=DEMO_KEY)
    client.force_login(world.site_admin)
    response = client.post(VERIFY, {"token": code_for(device), "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


def test_backup_code_works_once(client, world, frozen):
    totp_device_create_for_demo(user=world.site_admin, key_hex=DEMO_KEY)
    static = StaticDevice.objects.create(user=world.site_admin, name="backup", confirmed=True)
    StaticToken.objects.create(device=static, token="abcdefgh")
    client.force_login(world.site_admin)
    response = client.post(VERIFY, {"token": "ABCD EFGH", "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert not StaticToken.objects.filter(token="abcdefgh").exists()
    assert ModelLogEntry.objects.filter(action=TwoFactorAction.BACKUP_CODE_USED).exists()

    client.post(reverse("wagtailadmin_logout"))
    client.force_login(world.site_admin)
    frozen.shift(5)
    response = client.post(VERIFY, {"token": "abcdefgh", "next": "/admin/"})
    assert response.status_code == 200
    assert zh(WRONG_CODE) in response.content.decode()


def test_verify_without_device_goes_to_setup(client, world):
    client.force_login(world.site_admin)
    response = client.get(f"{VERIFY}?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith(SETUP)


def test_verified_session_gets_new_key(client, world, frozen):
    device = totp_device_create_for_demo(user=world.site_admin, key_hex=DEMO_KEY)
    client.force_login(world.site_admin)
    before = client.session.session_key
    client.post(VERIFY, {"token": code_for(device)})
    assert client.session.session_key != before


# --- demo conveniences ------------------------------------------------------------------------


def test_demo_device_is_idempotent(world):
    first = totp_device_create_for_demo(user=world.site_admin, key_hex=DEMO_KEY)
    second = totp_device_create_for_demo(user=world.site_admin, key_hex=DEMO_KEY)
    assert first.pk == second.pk
    assert TOTPDevice.objects.filter(user=world.site_admin).count() == 1
    assert second.confirmed and second.key == DEMO_KEY


def test_totp_code_command_prints_the_current_code(world, settings, frozen):
    settings.DEMO_MODE = True
    device = totp_device_create_for_demo(user=world.site_admin, key_hex=DEMO_KEY)
    out = io.StringIO()
    call_command("totp_code", world.site_admin.username, stdout=out)
    code = out.getvalue().strip()
    expected = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    assert code == f"{expected:06d}"
    assert device.verify_token(code)


def test_totp_code_command_refuses_outside_demo_mode(world, settings):
    settings.DEMO_MODE = False
    totp_device_create_for_demo(user=world.site_admin, key_hex=DEMO_KEY)
    with pytest.raises(CommandError, match="DEMO_MODE"):
        call_command("totp_code", world.site_admin.username)


def test_totp_code_command_unknown_user(db, settings):
    settings.DEMO_MODE = True
    with pytest.raises(CommandError):
        call_command("totp_code", "nobody")
