"""Apps say how their public types are syndicated; syndication imports none of them.

A type that can be shared to WeChat, Weibo and as a share image registers one adapter,
in its app's ``syndication.py`` (found by :func:`autodiscover`)::

    class RecordAdapter(SyndicationAdapter):
        label = _("Government information")

        def public(self):                 # what the public may see now (convention 17)
            return selectors.public_records()

        def title(self, record): ...
        def essentials(self, record): ...  # [Essential(_("issuing organ"), "…"), …]

    register_syndicatable(CatalogRecord, RecordAdapter())

Every export (the WeChat article, the Weibo text, the share image, OpenGraph) reads an
object only through :func:`gongkai.syndication.selectors.public_syndicated`, which asks the
adapter's ``public()``: a draft, withheld, withdrawn or expired object is never exported,
for anyone — staff look at drafts in Wagtail's preview instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.module_loading import module_has_submodule


@dataclass(frozen=True)
class Essential:
    """One line of what a reader must know first (发布机构, 文号, 发布日期…)."""

    label: str
    value: str


@dataclass(frozen=True)
class Attachment:
    title: str
    url: str  # absolute, on SITE_URL


class SyndicationAdapter:
    """How one public type is exported. Subclass it and override what the type has."""

    label: Any = ""

    def public(self) -> models.QuerySet:
        """Every object of the type the public may see now."""
        raise NotImplementedError

    def title(self, obj: Any) -> str:
        return str(getattr(obj, "title", obj))

    def summary(self, obj: Any) -> str:
        """One or two sentences for the Weibo text and og:description."""
        return ""

    def essentials(self, obj: Any) -> list[Essential]:
        return []

    def body_html(self, obj: Any) -> str:
        """The body as public HTML (Wagtail rich text expanded); links may be root-relative."""
        return ""

    def images(self, obj: Any) -> list[Any]:
        """The Wagtail images the body shows: only their renditions may leave in an export."""
        return []

    def attachments(self, obj: Any) -> list[Attachment]:
        return []

    def url(self, obj: Any) -> str:
        """The canonical public URL, absolute on SITE_URL (gongkai.core.urls)."""
        raise NotImplementedError

    def published_at(self, obj: Any) -> datetime | None:
        return getattr(obj, "first_published_at", None)


_adapters: dict[type[models.Model], SyndicationAdapter] = {}
_discovered = False


def register_syndicatable(model: type[models.Model], adapter: SyndicationAdapter) -> None:
    _adapters[model] = adapter


def adapter_for(obj_or_model: Any) -> SyndicationAdapter | None:
    """The adapter of `obj_or_model`'s class (or a parent class), or None."""
    autodiscover()
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    for klass in model.__mro__:
        if klass in _adapters:
            return _adapters[klass]
    return None


def syndicatable_models() -> list[type[models.Model]]:
    autodiscover()
    return list(_adapters)


def autodiscover() -> None:
    """Import every gongkai app's ``syndication`` module once."""
    global _discovered
    if _discovered:
        return
    _discovered = True
    from importlib import import_module

    for config in apps.get_app_configs():
        own = config.name.startswith("gongkai.") and config.name != "gongkai.syndication"
        if own and module_has_submodule(config.module, "syndication"):
            import_module(f"{config.name}.syndication")
