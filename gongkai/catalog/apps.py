from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "gongkai.catalog"
    label = "catalog"
    verbose_name = _("Catalogue of government information")

    def ready(self) -> None:
        from . import navigation, withdrawal

        navigation.connect()
        withdrawal.connect()
