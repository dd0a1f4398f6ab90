from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PressConfig(AppConfig):
    name = "gongkai.press"
    label = "press"
    verbose_name = _("Press list")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from gongkai.core.pagecache import register_internal_model
        from gongkai.core.periodic import register_periodic
        from gongkai.org import roles

        from . import sources
        from .models import Digest, DigestEntry, Subscriber
        from .tasks import press_digest

        # Subscribers' contacts are personal data: the office and the information centre only.
        for code in (roles.OFFICE_REVIEWER, roles.SITE_ADMIN):
            roles.grant(code, "press.view_subscriber")
        for model in (Subscriber, Digest, DigestEntry):
            register_internal_model(model)  # nothing public shows them
        sources.register_defaults()
        # Hourly: each subscriber gets their digest when their day or week is over.
        register_periodic("press.digest", 3600, press_digest)
