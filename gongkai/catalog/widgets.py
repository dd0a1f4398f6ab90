"""The record form's choosers: a native <select> with a type-ahead filter box.

Wagtail's snippet chooser opens a modal, pages 20 entries at a time and has no search for
models without a search index (体裁 has 24 entries, 主题分类 29): three clicks for one value.
A plain <select> works with the keyboard and without JavaScript; the filter box above it
narrows the options as one types (拼音 initials are not needed: the names are short
Chinese words) and Enter takes the first match, so a value is one click and a few keys.
"""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator


class FilterSelect(forms.Select):
    """A <select> with a filter box (`data-filter-for`) wired by catalog/filter-select.js."""

    template_name = "catalog/widgets/filter_select.html"

    class Media:
        js = ["catalog/filter-select.js"]
        css = {"all": ["catalog/admin-form.css"]}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["filter_id"] = (
            f"{context['widget']['attrs'].get('id', 'id_' + name)}-filter"
        )
        return context


def use_filter_select(field: forms.ModelChoiceField, *, empty_label=None) -> None:
    """Give a foreign-key field the filter select, its queryset kept."""
    queryset = field.queryset
    field.widget = FilterSelect()
    if empty_label is not None:
        field.empty_label = empty_label
    field.queryset = queryset  # re-set so the new widget's choices follow the queryset
    assert isinstance(field.widget.choices, ModelChoiceIterator)
