"""Screenshots of the catalogue's public pages for a human to look at; not part of the suite.

Run explicitly: ``.venv/bin/pytest gongkai/catalog/tests/screenshots_public.py``. The PNGs
go to ``test-artifacts/screens/catalog-*.png``.
"""

from pathlib import Path
from urllib.parse import quote

import pytest

from gongkai.catalog.tests.public_factories import (
    attachment,
    catalogue,
    wire_public_context,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
OUT = Path(__file__).resolve().parents[3] / "test-artifacts" / "screens"
PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 1, "is_mobile": True}


def test_screens(live_server, world, new_context, monkeypatch) -> None:
    wire_public_context(monkeypatch)
    cat = catalogue(world, bulk=24)
    attachment(cat.visible[0])
    OUT.mkdir(parents=True, exist_ok=True)
    pages = {
        "column": cat.employment.url,
        "disclosure": cat.disclosure.url,
        "record": cat.visible[0].url,
        "repealed": cat.visible[2].url,
        "print": cat.visible[0].url + "?print=1",
        "catalogue": "/gongkai/catalogue/",
        "guide": "/gongkai/guide/",
        "statutory": "/gongkai/statutory/",
        "reports": "/gongkai/annual-reports/",
        "apply": "/gongkai/apply/",
    }
    desk = new_context(viewport={"width": 1280, "height": 900}).new_page()
    phone = new_context(**PHONE).new_page()
    for page, width in ((desk, "1280"), (phone, "375")):
        for name, path in pages.items():
            page.goto(live_server.url + path)
            page.screenshot(path=str(OUT / f"catalog-{name}-{width}.png"), full_page=True)
        for name in ("column", "record", "catalogue"):
            page.goto(f"{live_server.url}/accessibility/large-font/?next={quote(pages[name])}")
            page.screenshot(path=str(OUT / f"catalog-{name}-large-{width}.png"), full_page=True)
        page.goto(live_server.url + "/accessibility/standard/?next=/")
