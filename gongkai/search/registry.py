"""Apps register what is searchable; the search app imports none of them.

An app describes each searchable type once, in its own ``search.py`` (imported
by its AppConfig.ready or by this module's autodiscovery)::

    register_searchable(Searchable(
        kind="catalog.record",
        label=_("Government information"),
        model=CatalogRecord,
        public=lambda: selectors.public_records(),   # every public object, for reindex
        document=record_document,                    # object -> SearchDocument | None
        depends_on=[(RecordAttachment, lambda a: [a.record])],
    ))

``document(obj)`` returns None when `obj` must not be searchable (a draft,
withdrawn, withheld, expired...): the index then drops it. A document that will
expire by itself says when (`SearchDocument.expires_at`); it leaves the index
at that moment without anyone saving it. Indexing follows
saves and deletes of `model` (and of the models in `depends_on`) after commit,
and Wagtail's publish/unpublish signals for page types.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.module_loading import module_has_submodule


@dataclass
class SearchDocument:
    """One public thing, as the index needs it."""

    object_id: int | str
    title: str
    url: str
    body: str = ""  # plain text; attachments' text may be appended
    summary: str = ""
    doc_number: str = ""  # normalised (〔〕); exact matches rank first
    date: date | None = None
    column_path: str = ""  # treebeard path of the column page it is listed under
    section_id: int | None = None  # the top-level column (a facet)
    section: str = ""
    topic: str = ""
    department: str = ""
    validity: str = ""
    extra: str = ""  # metadata worth finding but not showing (keywords, 索引号...)
    # When it stops being public by itself (a 公示 period's end): the index never
    # holds it from then on (`services.drop_expired`, every minute).
    expires_at: datetime | None = None


@dataclass
class Searchable:
    kind: str
    label: Any  # lazy text
    model: type[models.Model]
    public: Callable[[], Iterable[models.Model]]
    document: Callable[[Any], SearchDocument | None]
    depends_on: list[tuple[type[models.Model], Callable[[Any], Iterable[models.Model]]]] = field(
        default_factory=list
    )

    def key(self, object_id: int | str) -> str:
        return f"{self.kind}:{object_id}"


_registry: dict[str, Searchable] = {}
_discovered = False


def register_searchable(searchable: Searchable) -> Searchable:
    _registry[searchable.kind] = searchable
    from .signals import connect

    connect(searchable)
    return searchable


def unregister_searchable(kind: str) -> None:
    _registry.pop(kind, None)


def autodiscover() -> None:
    """Import every installed app's ``search`` module once."""
    global _discovered
    if _discovered:
        return
    _discovered = True
    from importlib import import_module

    for config in apps.get_app_configs():
        own = config.name.startswith("gongkai.") and config.name != "gongkai.search"
        if own and module_has_submodule(config.module, "search"):
            import_module(f"{config.name}.search")


def searchables() -> list[Searchable]:
    autodiscover()
    return list(_registry.values())


def for_model(model: type[models.Model]) -> list[Searchable]:
    autodiscover()
    return [s for s in _registry.values() if issubclass(model, s.model)]


def kind_labels() -> dict[str, Any]:
    return {s.kind: s.label for s in searchables()}
