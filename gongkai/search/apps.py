from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "gongkai.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from gongkai.core.pagecache import register_internal_model

        from . import signals  # noqa: F401
        from .models import SearchEntry, SearchState

        # Index rows change in bulk; the services purge cached pages themselves.
        register_internal_model(SearchEntry)
        register_internal_model(SearchState)
        from .registry import autodiscover

        autodiscover()

        from gongkai.core.periodic import register_periodic

        from .tasks import drop_expired

        # What expires by itself (SearchDocument.expires_at) leaves within a minute.
        register_periodic("search.drop_expired", 60, drop_expired)
