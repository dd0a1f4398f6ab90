"""Fixtures every app's tests share. Browser fixtures are in the root conftest.py."""

from dataclasses import dataclass

import pytest

from gongkai.org import roles


@dataclass
class World:
    """A small bureau: three departments and one member of staff per role."""

    office: object
    policy: object
    employment: object
    drafter: object
    department_head: object
    office_reviewer: object
    policy_reviewer: object
    leader: object
    site_admin: object


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (cached column URLs, settings...)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db) -> World:
    from gongkai.org.models import Bureau, DepartmentKind
    from gongkai.org.tests.factories import DepartmentFactory, staff

    roles.sync_roles()
    bureau = Bureau.load()
    bureau.name = "测试市人力资源和社会保障局"
    bureau.organisation_code = "MB1C12345"
    bureau.phone = "0857-1234567"
    bureau.save()
    office = DepartmentFactory(code="office", name="局办公室")
    policy = DepartmentFactory(code="policy", name="政策法规科")
    employment = DepartmentFactory(
        code="employment-bureau", name="市就业局", kind=DepartmentKind.AFFILIATED
    )
    return World(
        office=office,
        policy=policy,
        employment=employment,
        drafter=staff("t-drafter", role=roles.DRAFTER, department=employment),
        department_head=staff("t-head", role=roles.DEPARTMENT_HEAD, department=employment),
        office_reviewer=staff("t-office", role=roles.OFFICE_REVIEWER, department=office),
        policy_reviewer=staff("t-policy", role=roles.POLICY_REVIEWER, department=policy),
        leader=staff("t-leader", role=roles.LEADER, department=office),
        site_admin=staff("t-admin", role=roles.SITE_ADMIN, department=office),
    )


def login_verified(client, user) -> None:
    """Log `user` in with a verified second factor, as after entering a TOTP code."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="test", defaults={"confirmed": True}
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def wsgi_keeps_db_connection():
    """Call the WSGI application directly (schemathesis) inside a test transaction.

    Django closes the database connection at the end of each request; the test
    client switches that off, and so must tests that call `application` themselves,
    or the test's own transaction is closed under it (PostgreSQL).
    """
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
