"""A small public catalogue with one record worth exporting: a table, an image, attachments."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images import get_image_model

from gongkai.catalog.models import CatalogRecord
from gongkai.catalog.tests.factories import publish_reviewed, record
from gongkai.catalog.tests.public_factories import (
    Catalogue,
    attachment,
    catalogue,
    wire_public_context,
)
from gongkai.core.tests.office_files import make_png


@dataclass
class World:
    cat: Catalogue
    record: CatalogRecord
    image: object
    draft: CatalogRecord
    withdrawn: CatalogRecord
    withheld: CatalogRecord
    expired: CatalogRecord


def _image(by=None):
    data = make_png(leaks=False)
    width, height = PILImage.open(io.BytesIO(data)).size
    return get_image_model().objects.create(
        title="示意图",
        file=ContentFile(data, name="chart.png"),
        width=width,
        height=height,
        uploaded_by_user=by,
    )


BODY = (
    "<h2>一、申领条件</h2>"
    '<p class="intro" style="color:red">各县（区）人力资源和社会保障局：</p>'
    "<script>alert(1)</script><style>p{color:red}</style>"
    "<table><tbody><tr><th>项目</th><th>标准</th></tr><tr><td>一次性补贴</td><td>1000元</td></tr>"
    "</tbody></table>"
    '<embed embedtype="image" id="{image}" format="fullwidth" alt="补贴流程图"/>'
    '<p><img src="/media/original_images/secret.png" alt="not a rendition"/>'
    '<img src="https://elsewhere.example/x.png" alt="hotlink"/></p>'
    '<p>详见<a href="/gongkai/guide/">公开指南</a>。</p>'
)


@pytest.fixture
def shared(world, monkeypatch, settings) -> World:
    settings.SITE_URL = "https://gk.example.gov.cn"
    wire_public_context(monkeypatch)
    cat = catalogue(world)
    image = _image()
    page = cat.visible[0]
    page.body = BODY.replace("{image}", str(image.pk))
    attachment(page, title="附件1：就业补贴申领表")
    publish_reviewed(page)
    employment = cat.employment
    draft = cat.hidden["draft"]
    withdrawn = cat.hidden["withdrawn"]
    withheld = cat.hidden["withheld"]
    expired = record(
        employment,
        title="已过期的公示",
        department=world.employment,
        publication_date=date(2026, 1, 5),
    )
    CatalogRecord.objects.filter(pk=expired.pk).update(expire_at=timezone.now())
    from gongkai.review.services import scheduled_publish_run

    scheduled_publish_run()
    return World(
        cat, CatalogRecord.objects.get(pk=page.pk), image, draft, withdrawn, withheld, expired
    )
