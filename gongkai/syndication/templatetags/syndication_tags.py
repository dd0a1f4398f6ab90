"""``{% opengraph %}``: OpenGraph and Twitter card tags for the page being rendered.

A Wagtail page whose type is syndicated and public gets its adapter's title, summary and
share image; any other page its own title and search description; a plain view the bureau
(or the ``title``/``description`` its template passes). Every URL is absolute on SITE_URL.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _
from wagtail.models import Page

from gongkai.core.urls import absolute_url, page_url

from ..selectors import public_syndicated_page
from ..services import share_image_url, site_share_image_url

register = template.Library()

DESCRIPTION_CHARS = 120


def _short(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= DESCRIPTION_CHARS else text[: DESCRIPTION_CHARS - 1] + "…"


@register.inclusion_tag("syndication/opengraph.html", takes_context=True)
def opengraph(context: template.Context, title: str = "", description: str = "") -> dict[str, Any]:
    request = context.get("request")
    bureau = context.get("bureau")
    site_name = getattr(bureau, "name", "") or ""
    page = context.get("page") or context.get("self")
    meta: dict[str, Any] = {
        "site_name": site_name,
        "type": "website",
        "title": title or site_name,
        "description": description,
        "url": absolute_url(getattr(request, "path", "/") or "/"),
        "image": site_share_image_url(),
        "published_time": None,
    }
    if isinstance(page, Page):
        meta["url"] = page_url(page, request) or meta["url"]
        meta["title"] = title or page.seo_title or page.title
        meta["description"] = description or page.search_description
        found = public_syndicated_page(page)
        if found is not None:
            adapter, obj = found
            meta.update(
                type="article",
                title=title or adapter.title(obj),
                description=description or adapter.summary(obj) or meta["description"],
                url=adapter.url(obj),
                image=share_image_url(obj),
                published_time=adapter.published_at(obj),
            )
    if not meta["description"]:
        meta["description"] = _("%(bureau)s: government information disclosure") % {
            "bureau": site_name
        }
    meta["description"] = _short(meta["description"])
    return meta
