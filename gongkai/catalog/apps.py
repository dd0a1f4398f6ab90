from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "gongkai.catalog"
    label = "catalog"
    verbose_name = _("Catalogue of government information")

    def ready(self) -> None:
        from . import files, home, navigation, reminders, withdrawal  # noqa: F401 (files registers itself)

        home.register()
        reminders.register()
        navigation.connect()
        withdrawal.connect()
