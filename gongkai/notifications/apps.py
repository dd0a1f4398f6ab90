from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "gongkai.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from gongkai.core.pagecache import register_internal_model
        from gongkai.core.periodic import register_periodic
        from gongkai.org import roles

        from .models import Notification, OutgoingMail
        from .tasks import outbox_sweep, reminders_run

        for model in (Notification, OutgoingMail):
            register_internal_model(model)  # nothing public shows them: no page-cache purge

        # The information centre watches the outbox (failed mail) and retries it.
        roles.grant(roles.SITE_ADMIN, "notifications.view_outgoingmail")
        # Due retries, and rows whose enqueue was lost in a crash, go out within a minute.
        register_periodic("notifications.outbox_sweep", 60, outbox_sweep)
        # Reminder sources look at the day; hourly runs make a late start harmless, and the
        # dedupe key makes each reminder arrive once.
        register_periodic("notifications.reminders", 3600, reminders_run)
