"""The press list's pages in a real Chromium: without JavaScript, by keyboard, on a phone,
in large-font mode, with no serious axe finding. Screenshots: test-artifacts/screens/press-*."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core import mail
from playwright.sync_api import Page, expect

from gongkai.catalog.tests.factories import column
from gongkai.notifications.services import outbox_sweep_run
from gongkai.press.models import Subscriber, SubscriberStatus

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENS = Path(__file__).resolve().parents[3] / "test-artifacts" / "screens"


def screenshot(page: Page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"press-{name}.png"), full_page=True)


def test_subscribe_without_javascript_by_keyboard(world, live_server, new_context, axe_check):
    column()
    page = new_context(java_script_enabled=False).new_page()
    page.goto(live_server.url + "/press/")
    axe_check(page)
    # Sent empty: the errors are listed in Chinese, each linked to its field.
    page.get_by_role("button", name="订阅").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("请填写姓名")
    expect(alert).to_contain_text("请至少选择一个栏目")
    axe_check(page)
    screenshot(page, "errors")
    # Filled in with the keyboard alone.
    page.get_by_label("姓名").focus()
    page.keyboard.type("李记者")
    page.keyboard.press("Tab")
    page.keyboard.type("毕节日报")
    page.keyboard.press("Tab")
    page.keyboard.type("reporter@example.com")
    page.keyboard.press("Tab")  # the first column's checkbox
    page.keyboard.press("Space")
    page.get_by_label("每周").check()
    page.get_by_role("button", name="订阅").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("确认邮件已在发送途中")
    subscriber = Subscriber.objects.get()
    assert (subscriber.columns, subscriber.frequency) == (["results"], "weekly")
    # The confirmation link works in the browser, with its one button.
    outbox_sweep_run()
    path = re.search(r"/press/confirm/[^/\s]+/", mail.outbox[0].body).group(0)
    assert django_settings.SITE_URL + path in mail.outbox[0].body
    page.goto(live_server.url + path)
    axe_check(page)
    page.get_by_role("button", name="确认订阅").click()
    expect(page.get_by_role("status")).to_contain_text("reporter@example.com")
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.ACTIVE


@pytest.mark.parametrize("mode", ["normal", "large"])
def test_the_form_on_a_phone(world, live_server, mobile_page: Page, axe_check, mode):
    column()
    if mode == "large":
        mobile_page.goto(f"{live_server.url}/accessibility/large-font/?next={quote('/press/')}")
        expect(mobile_page.locator("html")).to_have_class("mode-large")
    else:
        mobile_page.goto(live_server.url + "/press/")
    width = mobile_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"/press/ is {width}px wide at 375px ({mode})"
    screenshot(mobile_page, f"form-{mode}-phone")
    axe_check(mobile_page)
