from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class OrgConfig(AppConfig):
    # apps.py holds two configs (and imports Wagtail's): without this Django would use a
    # plain AppConfig for "gongkai.org" and never run ready().
    default = True
    name = "gongkai.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from .roles import sync_roles_after_migrate

        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="gongkai.org.sync_roles")


class StaffUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with each account's department (see org/users.py)."""

    user_viewset = "gongkai.org.users.StaffUserViewSet"

    def ready(self) -> None:
        super().ready()
        # Here rather than in OrgConfig.ready: this config is the one INSTALLED_APPS names
        # explicitly, so it always runs (apps.py has two configs, and "gongkai.org" alone
        # gets Django's plain AppConfig).
        from .names import install as install_chinese_names

        install_chinese_names()
