"""The 微信/微博/分享图 action on published pages of syndicated types, and its admin URL."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from .admin_views import URL_NAME, ExportView
from .registry import adapter_for


@hooks.register("register_admin_urls")
def register_export_url():
    return [path("syndication/<int:page_id>/", ExportView.as_view(), name=URL_NAME)]


def _export_button(page, priority: int):
    specific_class = page.specific_class
    # Live pages of a syndicated type only; the view itself asks the type's public selector.
    if specific_class is None or adapter_for(specific_class) is None or not page.live:
        return
    yield Button(
        _("WeChat / Weibo / share image"),
        url=reverse(URL_NAME, args=[page.pk]),
        icon_name="globe",
        priority=priority,
    )


@hooks.register("register_page_header_buttons")
def export_header_button(page, user, view_name, next_url=None):
    yield from _export_button(page, 62)


@hooks.register("register_page_listing_more_buttons")
def export_listing_button(page, user, next_url=None):
    yield from _export_button(page, 42)
