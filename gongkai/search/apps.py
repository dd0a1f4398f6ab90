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

        from django.db.models.signals import post_delete, post_save

        from gongkai.org import roles

        from .models import SynonymGroup
        from .synonyms import forget

        # The shared synonym map is read anew after any edit (the page cache purges
        # by itself on any save of a model that is not internal).
        for signal in (post_save, post_delete):
            signal.connect(
                lambda **kwargs: forget(),
                sender=SynonymGroup,
                weak=False,
                dispatch_uid=f"search:synonyms:{signal is post_save}",
            )
        # 局办公室 keeps the synonyms, as it coordinates what the public finds.
        for code in (roles.OFFICE_REVIEWER, roles.SITE_ADMIN):
            roles.grant(
                code,
                "search.view_synonymgroup",
                "search.add_synonymgroup",
                "search.change_synonymgroup",
                "search.delete_synonymgroup",
            )
