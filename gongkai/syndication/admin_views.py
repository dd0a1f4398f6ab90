"""The staff page of a public record's exports: 微信 article, 微博 text, share image."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from .selectors import public_syndicated
from .services import exports

URL_NAME = "syndication_export"


class ExportView(WagtailAdminTemplateMixin, TemplateView):
    """Read-only: the exports of what is public now (drafts: Wagtail's preview)."""

    template_name = "syndication/admin/export.html"
    page_title = gettext_lazy("WeChat, Weibo and share image")
    header_icon = "globe"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        found = public_syndicated(kwargs["page_id"])
        if found is None:
            raise Http404("Not public")
        self.adapter, self.obj = found
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self) -> str:
        return self.adapter.title(self.obj)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(exports(self.adapter, self.obj))
        context["obj"] = self.obj
        return context
