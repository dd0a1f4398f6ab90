"""Keep the index in step with what is published, after each commit.

Saves and deletes of a registered model (and of the models it depends on) and
Wagtail's publish/unpublish signals schedule the object for re-indexing when the
transaction commits, never inside it: a publish that rolls back changes nothing,
and indexing never holds the publish transaction's locks (on PostgreSQL that
deadlocked Wagtail's own index update). Each object is indexed once per commit
however many signals it raised.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

if TYPE_CHECKING:
    from .registry import Searchable

logger = logging.getLogger(__name__)


def schedule(searchable: Searchable, object_id) -> None:
    """Re-index (or drop) one object once the current transaction commits.

    An object already waiting for this commit is not queued twice. The queue is
    Django's own on-commit list, so a rollback forgets it too.
    """
    if object_id is None:
        return
    key = (searchable.kind, str(object_id))
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        getattr(callback, "search_key", None) == key and not callback.started
        for _savepoints, callback, _robust in connection.run_on_commit
    ):
        return

    def run() -> None:
        from .services import refresh

        run.started = True
        try:
            refresh(searchable, object_id)
        except Exception:
            # Indexing must never break publishing; `reindex` repairs it.
            logger.exception("search: indexing %s:%s failed", searchable.kind, object_id)

    run.search_key = key
    run.started = False
    transaction.on_commit(run)


def connect(searchable: Searchable) -> None:
    model = searchable.model

    def on_change(sender, instance, **kwargs):
        if kwargs.get("raw") or not isinstance(instance, model):
            return
        schedule(searchable, instance.pk)

    def on_move(sender, instance, **kwargs):
        # A moved column changes the URL and column of everything under it.
        for page in Page.objects.descendant_of(instance, inclusive=True).type(model):
            schedule(searchable, page.pk)

    def on_dependency(getter):
        def handler(sender, instance, **kwargs):
            if kwargs.get("raw"):
                return
            try:
                parents = list(getter(instance))
            except Exception:  # the parent may be gone in a cascade delete
                return
            for parent in parents:
                if parent is not None:
                    schedule(searchable, parent.pk)

        return handler

    uid = f"search:{searchable.kind}"
    # Model by model (the registered model and its subclasses), never for every
    # sender: a post_delete receiver on a model costs it Django's fast bulk delete.
    for concrete in _with_subclasses(model):
        label = concrete._meta.label_lower
        post_save.connect(
            on_change, sender=concrete, weak=False, dispatch_uid=f"{uid}:save:{label}"
        )
        post_delete.connect(
            on_change, sender=concrete, weak=False, dispatch_uid=f"{uid}:delete:{label}"
        )
    if issubclass(model, Page):
        page_published.connect(on_change, weak=False, dispatch_uid=f"{uid}:published")
        page_unpublished.connect(on_change, weak=False, dispatch_uid=f"{uid}:unpublished")
        post_page_move.connect(on_move, weak=False, dispatch_uid=f"{uid}:moved")
    for index, (dependency, getter) in enumerate(searchable.depends_on):
        handler = on_dependency(getter)
        post_save.connect(handler, sender=dependency, weak=False, dispatch_uid=f"{uid}:dep{index}")
        post_delete.connect(
            handler, sender=dependency, weak=False, dispatch_uid=f"{uid}:depdel{index}"
        )


def _with_subclasses(model: type) -> list[type]:
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, model)]
