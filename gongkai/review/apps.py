from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "gongkai.review"
    label = "review"
    verbose_name = _("Publication review")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from gongkai.core.publication import register_publication_guard
        from gongkai.org import roles

        from . import signals  # noqa: F401
        from .guard import review_publication_guard

        # Drafters write in the column tree but never publish: publication is the
        # workflow's last step (REGULATIONS §5).
        roles.grant_page(roles.DRAFTER, "add_page", "change_page")
        for code in (roles.DEPARTMENT_HEAD, roles.OFFICE_REVIEWER, roles.LEADER):
            roles.grant(code, "review.view_reviewrecord")
            roles.grant_page(code, "change_page")
        # The workflow's last step publishes as the leader who signs off (签发).
        roles.grant_page(roles.LEADER, "publish_page")
        roles.grant(roles.SITE_ADMIN, "review.view_reviewrecord")
        register_publication_guard("review", review_publication_guard)

        from . import notifications

        # Review notices go through gongkai.notifications, in place of Wagtail's mailers.
        notifications.connect()

        from gongkai.core.periodic import register_periodic

        from .tasks import publish_scheduled

        # "Publish at a scheduled time" happens within a minute of that time.
        register_periodic("review.publish_scheduled", 60, publish_scheduled)
