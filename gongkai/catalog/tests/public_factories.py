"""Builders for the public-page tests: a portal home page, columns and a spread of records."""

from __future__ import annotations

import inspect
import io
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document

from gongkai.catalog.choices import DisclosureAttribute, DisclosureItem, Validity
from gongkai.catalog.models import (
    CatalogColumnPage,
    CatalogRecord,
    Genre,
    RecordAttachment,
    TopicCategory,
)
from gongkai.catalog.tests.factories import column, record

BUREAU_CONTACTS = {
    "name": "测试市人力资源和社会保障局",
    "office_name": "局办公室（政务公开办）",
    "address": "测试市示范路1号",
    "postcode": "551700",
    "office_hours": "工作日 9:00—17:30",
    "phone": "0857-1234567",
    "fax": "0857-7654321",
    "email": "open@example.gov.cn",
}


def wire_public_context(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the page types call views.column_page_context / record_page_context.

    This is the change asked of models.py (``context.update(...)`` in get_context);
    once it is made there, this does nothing.
    """
    from gongkai.catalog import views

    for model, function in (
        (CatalogColumnPage, views.column_page_context),
        (CatalogRecord, views.record_page_context),
    ):
        original = model.get_context
        if function.__name__ in inspect.getsource(original):
            continue

        def get_context(self, request, *args, _original=original, _function=function, **kwargs):
            context = _original(self, request, *args, **kwargs)
            context.update(_function(self, request))
            return context

        monkeypatch.setattr(model, "get_context", get_context)


def home_page():
    """The portal's HomePage as the default site's root."""
    from gongkai.portal.models import HomePage
    from gongkai.portal.seeds import seed

    seed(stdout=io.StringIO())
    return HomePage.objects.get()


def set_bureau_contacts(**changes: str) -> None:
    from gongkai.org.models import Bureau

    bureau = Bureau.load()
    for name, value in {**BUREAU_CONTACTS, **changes}.items():
        setattr(bureau, name, value)
    bureau.save()


def attachment(page: CatalogRecord, *, title: str = "附件1：申请表", size: int = 2048):
    """A real PDF of `size` bytes (padded with a PDF comment) attached to `page`'s row."""
    from gongkai.core.tests.office_files import make_pdf

    data = make_pdf(leaks=False)
    data += b"%" + b"0" * max(0, size - len(data) - 2) + b"\n"
    document = Document(title=title)
    document.file.save("shenqingbiao.pdf", ContentFile(data), save=False)
    document.save()
    RecordAttachment.objects.create(record=page, document=document, title=title)
    return document


@dataclass
class Catalogue:
    home: object
    results: CatalogColumnPage
    employment: CatalogColumnPage
    disclosure: CatalogColumnPage
    visible: list[CatalogRecord] = field(default_factory=list)
    hidden: dict[str, CatalogRecord] = field(default_factory=dict)


def catalogue(world, *, bulk: int = 0) -> Catalogue:
    """Columns under a portal home page, public records of several kinds and hidden ones.

    ``bulk`` adds that many more plain public records to the 就业创业 sub-column.
    """
    set_bureau_contacts()
    home = home_page()
    results = column("results", "结果公开", parent=home)
    employment = column("employment", "就业创业", parent=results)
    disclosure = column("disclosure", "政府信息公开", parent=home)
    column("work", "政务公开工作", parent=disclosure)
    record(results, publish=False, department=world.office)  # seeds the vocabularies
    security = TopicCategory.objects.get(name="社会保障")
    opinion = Genre.objects.get(name="意见")
    made = Catalogue(home=home, results=results, employment=employment, disclosure=disclosure)
    made.visible += [
        record(
            employment,
            title="关于做好2026年就业补贴申领工作的通知",
            department=world.employment,
            doc_number="毕人社发〔2026〕12号",
            publication_date=date(2026, 3, 2),
            summary="明确2026年就业补贴的申领条件、材料和办理流程。",
            disclosure_item=DisclosureItem.PUBLIC_SERVICES,
        ),
        record(
            employment,
            title="关于进一步稳定和扩大就业的实施意见",
            department=world.policy,
            genre=opinion,
            publication_date=date(2025, 6, 18),
            summary="围绕稳岗扩岗提出十二条措施。",
            disclosure_item=DisclosureItem.REGULATIONS,
        ),
        record(
            results,
            title="城乡居民基本养老保险待遇调整方案",
            department=world.office,
            topic=security,
            publication_date=date(2019, 5, 24),
            validity=Validity.EXPIRED,
            disclosure_item=DisclosureItem.PUBLIC_SERVICES,
        ),
    ]
    for number in range(bulk):
        made.visible.append(
            record(
                employment,
                title=f"就业见习基地名单公示（第{number + 1}批）",
                department=world.employment,
                publication_date=date(2024, 1, 1 + number % 28),
            )
        )
    made.hidden["draft"] = record(
        employment, title="尚未发布的草稿", department=world.employment, publish=False
    )
    for key, title, change in (
        ("withheld", "不予公开的内部请示", {"disclosure": DisclosureAttribute.WITHHELD}),
        ("on_request", "依申请公开的会议纪要", {"disclosure": DisclosureAttribute.ON_REQUEST}),
        ("withdrawn", "已撤回的公示", {"withdrawn_at": "2026-11-20T10:00:00Z"}),
    ):
        page = record(employment, title=title, department=world.employment)
        CatalogRecord.objects.filter(pk=page.pk).update(**change)
        made.hidden[key] = page
    return made
