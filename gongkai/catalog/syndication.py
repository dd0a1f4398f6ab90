"""The catalogue's records can be shared (gongkai.syndication): WeChat, Weibo, share image.

What a reader must know first about a 政府信息 is who issued it, its 文号 and when it was
published (条例 第二十条's catalogue fields; the 索引号 identifies it in the 公开目录).
"""

from __future__ import annotations

from typing import Any

from django.utils.encoding import iri_to_uri
from django.utils.formats import date_format
from django.utils.html import strip_tags
from wagtail.rich_text import expand_db_html

from gongkai.core.urls import absolute_url, page_url
from gongkai.files.registry import rich_text_images
from gongkai.syndication.registry import (
    Attachment,
    Essential,
    SyndicationAdapter,
    register_syndicatable,
)

from .models import CatalogRecord
from .selectors import public_records


def _label(field: str) -> str:
    return str(CatalogRecord._meta.get_field(field).verbose_name)


class RecordAdapter(SyndicationAdapter):
    label = CatalogRecord._meta.verbose_name

    def public(self):
        return public_records()

    def title(self, obj: CatalogRecord) -> str:
        return obj.title

    def summary(self, obj: CatalogRecord) -> str:
        if obj.summary:
            return obj.summary.strip()
        text = " ".join(strip_tags(expand_db_html(obj.body or "")).split())
        return text[:200]

    def essentials(self, obj: CatalogRecord) -> list[Essential]:
        from gongkai.org.models import Bureau

        rows = [Essential(_label("publisher"), obj.publisher or Bureau.load().name)]
        if obj.doc_number:
            rows.append(Essential(_label("doc_number"), obj.doc_number))
        if obj.publication_date:
            rows.append(
                Essential(_label("publication_date"), date_format(obj.publication_date, "Y-m-d"))
            )
        if obj.index_number:
            rows.append(Essential(_label("index_number"), obj.index_number))
        return rows

    def body_html(self, obj: CatalogRecord) -> str:
        return expand_db_html(obj.body or "")

    def images(self, obj: CatalogRecord) -> list[Any]:
        return rich_text_images(obj.body)

    def attachments(self, obj: CatalogRecord) -> list[Attachment]:
        return [
            Attachment(str(attachment), absolute_url(attachment.document.url))
            for attachment in obj.attachments.select_related("document")
        ]

    def url(self, obj: CatalogRecord) -> str:
        return iri_to_uri(page_url(obj) or absolute_url("/"))


register_syndicatable(CatalogRecord, RecordAdapter())
