"""Public pages of the catalogue: column and record context, and the 政府信息公开 section.

The section's pages (条例 第12条 公开指南 and 公开目录, the 第20条 items, the annual
reports and how to apply) are rendered from live data on every request, so they
are always current; the cache headers let a proxy keep them for a minute.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from wagtail.models import Page

from gongkai.org.models import Bureau
from gongkai.org.selectors import active_departments
from gongkai.portal.cache import public_cache

from .choices import DisclosureItem
from .filters import FILTER_KEYS, filter_records, page_links, paginate
from .models import CatalogColumnPage, CatalogRecord, TopicCategory
from .navigation import column_urls
from .selectors import column_records, public_records, related_groups, statutory_item_counts

DISCLOSURE_COLUMN_KEY = "disclosure"
# 条例 第49条: a department publishes its annual report for the previous year by 31 January.
ANNUAL_REPORT_DEADLINE = _("31 January")


@dataclass(frozen=True)
class SectionLink:
    """A page of the statutory 政府信息公开 section."""

    key: str
    url: str | Promise
    title: str | Promise
    description: str | Promise


DISCLOSURE_SECTION: tuple[SectionLink, ...] = (
    SectionLink(
        "guide",
        reverse_lazy("catalog:guide"),
        _("Disclosure guide"),
        _("How information is classified and obtained, and how to reach the disclosure office."),
    ),
    SectionLink(
        "catalogue",
        reverse_lazy("catalog:catalogue"),
        _("Disclosure catalogue"),
        _("Every public record with its index number, summary and date."),
    ),
    SectionLink(
        "statutory",
        reverse_lazy("catalog:statutory"),
        _("Statutory proactive disclosure"),
        _("What Article 20 of the Regulations requires, item by item."),
    ),
    SectionLink(
        "annual-reports",
        reverse_lazy("catalog:annual_reports"),
        _("Annual reports"),
        _("The yearly report on government information disclosure."),
    ),
    SectionLink(
        "apply",
        reverse_lazy("catalog:apply"),
        _("Disclosure on request"),
        _("How to apply for information that has not been published."),
    ),
)


def _breadcrumb_ancestors(page: Page) -> list[Page]:
    """Ancestors below the tree root: the home page first."""
    return [p.specific for p in page.get_ancestors().filter(depth__gt=1)]


def _listing(queryset, request: HttpRequest) -> dict[str, object]:
    """Filter and paginate public records by the request's GET parameters."""
    records, filters = filter_records(queryset, request.GET)
    page_obj = paginate(records, request.GET)
    return {
        "filters": filters,
        "page_obj": page_obj,
        "records": page_obj.object_list,
        "pager": page_links(page_obj, filters, request.path),
        "result_count": page_obj.paginator.count,
    }


def column_page_context(page: CatalogColumnPage, request: HttpRequest) -> dict[str, object]:
    """Context of a column page: sub-columns, its filtered and paginated records, its feeds.

    Raises Http404 for a page number past the last page; junk parameters are ignored.
    """
    ancestors = _breadcrumb_ancestors(page)
    top = next((p for p in ancestors if isinstance(p, CatalogColumnPage)), page)
    context: dict[str, object] = {
        "ancestors": ancestors,
        "top_column": top,
        "top_children": top.get_children().live().public().type(CatalogColumnPage).specific(),
        "subcolumns": page.get_children().live().public().type(CatalogColumnPage).specific(),
        "feed_rss": reverse("catalog:feed_rss", args=[page.pk]),
        "feed_atom": reverse("catalog:feed_atom", args=[page.pk]),
        **_listing(column_records(page), request),
    }
    if page.column_key == DISCLOSURE_COLUMN_KEY:
        context["section_links"] = DISCLOSURE_SECTION
    return context


def _file_size(document) -> int | None:
    """The size of what is downloaded (the published copy), else the stored size; a missing
    file gives no size rather than an error."""
    from gongkai.files.selectors import published_size

    size = published_size(document)
    if size is not None:
        return size
    if document.file_size is not None:
        return document.file_size
    try:
        return document.file.size
    except OSError:
        return None


def record_page_context(page: CatalogRecord, request: HttpRequest) -> dict[str, object]:
    """Context of a record page: its column, attachments, related records and the print view."""
    public = public_records()
    attachments = [
        {
            "title": str(attachment),
            "url": attachment.document.url,
            "extension": (attachment.document.file_extension or "").upper(),
            "size": _file_size(attachment.document),
        }
        for attachment in page.attachments.select_related("document", "document__public_copy")
    ]
    return {
        "ancestors": _breadcrumb_ancestors(page),
        "attachments": attachments,
        "related_groups": related_groups(page, public),
        # The back-link of a replacing record: what it repealed or replaced (被本件替代).
        "replaces": list(
            public.filter(replaced_by_id=page.pk).order_by("-publication_date", "-pk")
        ),
        "print_view": request.GET.get("print") == "1",
    }


def _section_context(key: str) -> dict[str, object]:
    column_url = column_urls().get(DISCLOSURE_COLUMN_KEY, "")
    column = (
        CatalogColumnPage.objects.live().filter(column_key=DISCLOSURE_COLUMN_KEY).first()
        if column_url
        else None
    )
    current = next(link for link in DISCLOSURE_SECTION if link.key == key)
    return {
        "section_links": DISCLOSURE_SECTION,
        "section_current": current,
        "disclosure_column": column,
        "section_trail": [(column_url, column.title)] if column else [],
        "disclosure_column_url": column_url,
    }


@require_GET
@public_cache(params=())
def guide(request: HttpRequest) -> HttpResponse:
    """公开指南 (条例 第12条): classification, how to obtain information, the office's contacts."""
    context = _section_context("guide")
    counts = statutory_item_counts(public_records())
    context.update(
        bureau=Bureau.load(request_or_site=request),
        departments=active_departments(),
        items=[(value, label, counts.get(value, 0)) for value, label in DisclosureItem.choices],
        topics=TopicCategory.objects.filter(parent=None).prefetch_related("children"),
        record_count=sum(counts.values()),
        columns=CatalogColumnPage.objects.live().public().exclude(column_key="").order_by("path"),
    )
    return render(request, "catalog/disclosure/guide.html", context)


@require_GET
@public_cache(params=(*FILTER_KEYS, "page"))
def catalogue(request: HttpRequest) -> HttpResponse:
    """公开目录 (条例 第12条): every public record, browsable by the catalogue's facets."""
    context = _section_context("catalogue")
    context.update(_listing(public_records().order_by("-publication_date", "-pk"), request))
    return render(request, "catalog/disclosure/catalogue.html", context)


@require_GET
@public_cache(params=())
def statutory(request: HttpRequest) -> HttpResponse:
    """法定主动公开内容: public records grouped by the 条例 第20条 (and 第21条) item."""
    context = _section_context("statutory")
    public = public_records()
    counts = statutory_item_counts(public)
    groups = []
    for value, label in DisclosureItem.choices:
        newest = (
            public.filter(disclosure_item=value).order_by("-publication_date", "-pk")[:5]
            if counts.get(value)
            else []
        )
        groups.append(
            {"value": value, "label": label, "count": counts.get(value, 0), "newest": newest}
        )
    context.update(groups=groups, total=sum(counts.values()))
    return render(request, "catalog/disclosure/statutory.html", context)


@require_GET
@public_cache(params=())
def annual_reports(request: HttpRequest) -> HttpResponse:
    """公开年报: an honest placeholder until the reports module publishes them."""
    context = _section_context("annual-reports")
    context["deadline"] = ANNUAL_REPORT_DEADLINE
    return render(request, "catalog/disclosure/annual_reports.html", context)


@require_GET
@public_cache(params=())
def apply(request: HttpRequest) -> HttpResponse:
    """依申请公开: how to apply in writing (条例 第29条); the online form comes later."""
    context = _section_context("apply")
    context["bureau"] = Bureau.load(request_or_site=request)
    return render(request, "catalog/disclosure/apply.html", context)
