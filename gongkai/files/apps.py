from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    name = "gongkai.files"
    label = "files"
    verbose_name = _("Files")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from gongkai.core.periodic import register_periodic
        from gongkai.core.publication import register_publication_guard

        from . import signals
        from .guard import public_copy_guard
        from .tasks import files_sweep

        signals.connect()
        # After the review guard (apps are ready in INSTALLED_APPS order): no file work
        # for a publication that review refuses anyway.
        register_publication_guard("files.public_copies", public_copy_guard)
        register_periodic("files.sweep", 3600, files_sweep)
