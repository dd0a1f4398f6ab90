from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gongkai.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import pagecache, signals  # noqa: F401
        from .admin_labels import relabel_wagtail_columns

        pagecache.connect_signals()
        relabel_wagtail_columns()
