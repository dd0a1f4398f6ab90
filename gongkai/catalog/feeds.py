"""RSS and Atom feeds per column: the 20 newest public records under it."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.translation import gettext as _

from gongkai.core.urls import absolute_url, page_url
from gongkai.org.models import Bureau
from gongkai.portal.cache import public_cache

from .models import CatalogColumnPage, CatalogRecord
from .selectors import column_records

FEED_SIZE = 20


class ColumnRssFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request: HttpRequest, page_id: int) -> CatalogColumnPage:
        self.request = request
        column = CatalogColumnPage.objects.live().public().filter(pk=page_id).first()
        if column is None:
            raise Http404("No such column")
        return column

    def title(self, obj: CatalogColumnPage) -> str:
        return f"{obj.title} - {Bureau.load(request_or_site=self.request).name}"

    # Every link is absolute on SITE_URL (Django would prefix the request's host).
    feed_route = "catalog:feed_rss"

    def link(self, obj: CatalogColumnPage) -> str:
        return page_url(obj, self.request) or absolute_url("/")

    def feed_url(self, obj: CatalogColumnPage) -> str:
        return absolute_url(reverse(self.feed_route, args=[obj.pk]))

    def description(self, obj: CatalogColumnPage) -> str:
        return obj.intro or _("The newest government information published in %(column)s.") % {
            "column": obj.title
        }

    def items(self, obj: CatalogColumnPage):
        return column_records(obj).prefetch_related("attachments__document")[:FEED_SIZE]

    def item_title(self, item: CatalogRecord) -> str:
        return f"{item.title}（{item.doc_number}）" if item.doc_number else item.title

    def item_description(self, item: CatalogRecord) -> str:
        return item.summary

    def item_link(self, item: CatalogRecord) -> str:
        return page_url(item, self.request) or absolute_url("/")

    # RSS 2.0 allows one enclosure per item: the first attachment (Atom lists them all).
    max_enclosures = 1

    def item_enclosures(self, item: CatalogRecord) -> list[Enclosure]:
        from gongkai.files.selectors import published_size

        enclosures = []
        for attachment in list(item.attachments.all())[: self.max_enclosures]:
            document = attachment.document
            size = published_size(document) or document.file_size or 0
            enclosures.append(
                Enclosure(
                    absolute_url(document.url),
                    str(size),
                    document.content_type or "application/octet-stream",
                )
            )
        return enclosures

    def item_guid(self, item: CatalogRecord) -> str:
        return item.index_number or str(item.pk)

    item_guid_is_permalink = False

    def item_pubdate(self, item: CatalogRecord) -> datetime | None:
        if item.publication_date:
            return timezone.make_aware(datetime.combine(item.publication_date, time.min))
        return item.first_published_at

    def item_updateddate(self, item: CatalogRecord) -> datetime | None:
        return item.last_published_at

    def item_author_name(self, item: CatalogRecord) -> str:
        return item.publisher or (item.department.name if item.department_id else "")

    def item_categories(self, item: CatalogRecord) -> list[str]:
        return [str(item.topic)] if item.topic_id else []


class ColumnAtomFeed(ColumnRssFeed):
    feed_type = Atom1Feed
    feed_route = "catalog:feed_atom"
    max_enclosures = None

    def subtitle(self, obj: CatalogColumnPage) -> str:
        return self.description(obj)


# A Feed keeps the request on itself, so each request gets its own instance.
@public_cache
def column_rss(request: HttpRequest, page_id: int) -> HttpResponse:
    return ColumnRssFeed()(request, page_id=page_id)


@public_cache
def column_atom(request: HttpRequest, page_id: int) -> HttpResponse:
    return ColumnAtomFeed()(request, page_id=page_id)
