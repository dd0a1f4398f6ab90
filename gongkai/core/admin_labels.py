"""Chinese headings for Wagtail listing columns that Wagtail leaves in English.

A Wagtail ``Column`` built without a label takes ``capfirst(name.replace("_", " "))``:
plain English that never passes through gettext. Wagtail's sites settings list
(Port / Site name / Root page) is built that way, so those headings showed in English
to the 信息中心. The model fields carry translated verbose names; use them.
"""

from __future__ import annotations

from django.db import models
from django.utils.functional import lazy
from django.utils.text import capfirst


def _derived_label(name: str) -> str:
    return capfirst(name.replace("_", " "))


def label_columns_from_verbose_names(columns: list, model: type[models.Model]) -> list[str]:
    """Relabel the columns whose label is the derived English name; return their names."""
    relabelled = []
    for column in columns:
        if column.label != _derived_label(column.name):
            continue
        try:
            field = model._meta.get_field(column.name)
        except Exception:  # not a model field (a method or property): leave it
            continue
        column.label = lazy(capfirst, str)(field.verbose_name)
        relabelled.append(column.name)
    return relabelled


def relabel_wagtail_columns() -> None:
    """Called once from CoreConfig.ready()."""
    from wagtail.models import Site
    from wagtail.sites.views import IndexView as SiteIndexView

    label_columns_from_verbose_names(SiteIndexView.columns, Site)
