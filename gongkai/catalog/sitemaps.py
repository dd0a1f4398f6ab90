"""/sitemap.xml and /robots.txt: every public page, and nothing that is not public.

Wagtail's page sitemap lists every live page without a view restriction; a
catalogue record is also live when it is withheld (不予公开), disclosed only on
request or withdrawn, so those are taken out here.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET
from wagtail.contrib.sitemaps.sitemap_generator import Sitemap as WagtailSitemap

from gongkai.core.urls import absolute_url, rebase_url, site_scheme_and_domain
from gongkai.portal.cache import public_cache

from .models import CatalogRecord
from .selectors import public_records

DISALLOWED = ("/admin/", "/account/")


class PublicPageSitemap(WagtailSitemap):
    """Live, unrestricted pages of the request's site, minus records that are not public."""

    def items(self):
        hidden = CatalogRecord.objects.exclude(pk__in=public_records().values("pk"))
        return super().items().exclude(pk__in=hidden.values("pk"))

    def _urls(self, page, protocol, domain):
        # Wagtail builds each location from its Site record; the public address is SITE_URL.
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            url["location"] = rebase_url(url["location"])
        return urls


class DisclosureSectionSitemap(DjangoSitemap):
    """The statutory 政府信息公开 pages, which are Django views rather than Wagtail pages."""

    changefreq = "daily"

    def items(self) -> list[str]:
        return [
            "catalog:guide",
            "catalog:catalogue",
            "catalog:statutory",
            "catalog:annual_reports",
            "catalog:apply",
        ]

    def location(self, item: str) -> str:
        return reverse(item)

    def get_protocol(self, protocol: str | None = None) -> str:
        return site_scheme_and_domain()[0]

    def get_domain(self, site=None) -> str:
        return site_scheme_and_domain()[1]


@require_GET
@public_cache
def sitemap(request: HttpRequest) -> HttpResponse:
    sitemaps = {"pages": PublicPageSitemap(request), "disclosure": DisclosureSectionSitemap()}
    response = django_sitemap(request, sitemaps)
    response.render()
    return response


@require_GET
@public_cache
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED), "Allow: /", ""]
    lines.append(f"Sitemap: {absolute_url(reverse('catalog:sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
