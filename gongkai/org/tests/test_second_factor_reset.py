import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

from gongkai.conftest import login_verified
from gongkai.org.two_factor import TwoFactorError, second_factor_reset

pytestmark = pytest.mark.django_db


def _device(user):
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def test_site_admin_resets_a_colleagues_device(client, world):
    _device(world.leader)
    login_verified(client, world.site_admin)
    url = reverse("org_second_factor_reset", args=[world.leader.pk])
    page = client.get(url).content.decode()
    assert "重置" in page
    response = client.post(url)
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.leader).exists()
    entry = ModelLogEntry.objects.get(action="org.two_factor.reset")
    assert entry.user_id == world.site_admin.pk


def test_reset_button_is_listed_for_accounts_with_a_device(client, world):
    _device(world.leader)
    login_verified(client, world.site_admin)
    listing = client.get(reverse("wagtailusers_users:index")).content.decode()
    assert reverse("org_second_factor_reset", args=[world.leader.pk]) in listing
    assert reverse("org_second_factor_reset", args=[world.drafter.pk]) not in listing


def test_drafter_cannot_reset(client, world):
    _device(world.leader)
    client.force_login(world.drafter)
    response = client.post(reverse("org_second_factor_reset", args=[world.leader.pk]))
    assert response.status_code in (302, 403)
    assert TOTPDevice.objects.filter(user=world.leader).exists()
    with pytest.raises(PermissionError):
        second_factor_reset(user=world.leader, by=world.drafter)


def test_nobody_resets_their_own(world):
    _device(world.site_admin)
    with pytest.raises(TwoFactorError):
        second_factor_reset(user=world.site_admin, by=world.site_admin)
    assert TOTPDevice.objects.filter(user=world.site_admin).exists()


def test_any_staff_member_finds_two_factor_setup_in_their_account(client, world):
    client.force_login(world.drafter)
    page = client.get(reverse("wagtailadmin_account")).content.decode()
    assert reverse("account:two_factor_setup") in page
    assert "设置双因素认证" in page
