"""Admin screens of the public search: the office's synonyms (设置 → 搜索同义词).

A snippet, so that every creation, edit and deletion lands in Wagtail's audit log
with who and when; validation (in Chinese) is the model's `clean`.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import SynonymGroup


class SynonymGroupViewSet(SnippetViewSet):
    model = SynonymGroup
    icon = "search"
    menu_label = _("Search synonyms")
    menu_name = "search-synonyms"
    add_to_settings_menu = True
    url_prefix = "search/synonyms"
    admin_url_namespace = "search_synonyms"
    list_display = [
        "__str__",
        BooleanColumn("one_way", label=_("one way")),
        BooleanColumn("is_active", label=_("active")),
        "note",
        "updated_at",
    ]
    list_filter = ["is_active", "one_way"]
    search_fields = ["terms", "note"]
    panels = [
        FieldPanel("terms", widget=forms.Textarea(attrs={"rows": 6})),
        FieldPanel("one_way"),
        FieldPanel("is_active"),
        FieldPanel("note"),
    ]


register_snippet(SynonymGroupViewSet)
