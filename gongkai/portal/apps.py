from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "gongkai.portal"
    label = "portal"
    verbose_name = _("Public portal")

    def ready(self) -> None:
        from gongkai.core.pagecache import register_page_cookie

        from .accessibility import LARGE_FONT_COOKIE
        from .columns import seed_default_columns

        # The display mode changes every page: the page cache keeps one copy per mode.
        register_page_cookie(LARGE_FONT_COOKIE)

        seed_default_columns()
