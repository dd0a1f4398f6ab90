"""Admin screens of the catalogue's vocabularies."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Genre, TopicCategory


class TopicCategoryViewSet(SnippetViewSet):
    model = TopicCategory
    icon = "list-ul"
    menu_label = _("Topic classes")
    list_display = ["__str__", "sort_order"]
    list_filter = ["parent"]
    search_fields = ["name"]


class GenreViewSet(SnippetViewSet):
    model = Genre
    icon = "tag"
    menu_label = _("Genres")
    list_display = ["name", "sort_order"]
    search_fields = ["name"]


class CatalogVocabularies(SnippetViewSetGroup):
    items = (TopicCategoryViewSet, GenreViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = _("Catalogue vocabularies")
    menu_name = "catalog-vocabularies"
    menu_order = 260


register_snippet(CatalogVocabularies)

from . import archive_admin, import_admin, timeliness_admin, withdraw_admin  # noqa: E402,F401


@hooks.register("register_rich_text_features")
def register_table_feature(features):
    # Word-imported tables in record bodies survive an edit in the admin (rich_text.py).
    from .rich_text import register_table_feature as register

    register(features)
