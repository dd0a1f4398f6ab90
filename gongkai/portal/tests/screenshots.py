"""Screenshots of the public pages for a human to look at; not part of the suite.

Run explicitly: ``.venv/bin/pytest gongkai/portal/tests/screenshots.py``. The PNGs
go to ``test-artifacts/screens/``.
"""

from pathlib import Path

import pytest
from django.template.loader import render_to_string
from playwright.sync_api import Route

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
OUT = Path(__file__).resolve().parents[3] / "test-artifacts" / "screens"
PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2, "is_mobile": True}


def test_screens(live_server, world, new_context) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    desk = new_context(viewport={"width": 1280, "height": 900}).new_page()
    phone = new_context(**PHONE).new_page()
    for page, name in ((desk, "desktop"), (phone, "mobile")):
        page.goto(live_server.url + "/")
        page.screenshot(path=str(OUT / f"home-{name}.png"), full_page=True)
        page.goto(live_server.url + "/accessibility/large-font/?next=/")
        page.screenshot(path=str(OUT / f"home-large-{name}.png"), full_page=True)
        page.goto(live_server.url + "/accessibility/standard/?next=/no-such-page/")
        page.screenshot(path=str(OUT / f"404-{name}.png"), full_page=True)
    desk.goto(live_server.url + "/")
    desk.keyboard.press("Tab")
    desk.screenshot(path=str(OUT / "focus-skip-link.png"))
    for _ in range(3):
        desk.keyboard.press("Tab")
    desk.screenshot(path=str(OUT / "focus-nav.png"))

    html = render_to_string("500.html")

    def fulfil(route: Route) -> None:
        route.fulfill(status=500, body=html, content_type="text/html; charset=utf-8")

    phone.route(live_server.url + "/server-error/", fulfil)
    phone.goto(live_server.url + "/server-error/")
    phone.screenshot(path=str(OUT / "500-mobile.png"), full_page=True)
