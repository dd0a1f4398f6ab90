from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyndicationConfig(AppConfig):
    name = "gongkai.syndication"
    label = "syndication"
    verbose_name = _("Syndication")

    def ready(self) -> None:
        from .registry import autodiscover

        autodiscover()
