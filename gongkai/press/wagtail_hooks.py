"""Staff list of the press list's subscribers: read-only, for the office and the information
centre (press.view_subscriber); their contacts are personal data."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .models import Subscriber


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Subscribers change only through their own signed links, never by staff edits."""

    def user_has_permission(self, user, action):
        if action in {"add", "change", "delete"}:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(Subscriber, ReadOnlyPolicy(Subscriber))


class SubscriberViewSet(ModelViewSet):
    model = Subscriber
    icon = "mail"
    menu_label = _("Press list")
    menu_order = 280
    url_prefix = "press/subscribers"
    add_to_admin_menu = True
    inspect_view_enabled = True
    list_display = ["name", "organisation", "email", "frequency", "status", "confirmed_at"]
    list_filter = ["status", "frequency"]
    search_fields = ["name", "organisation", "email"]
    inspect_view_fields = [
        "name",
        "organisation",
        "email",
        "columns",
        "frequency",
        "status",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
        "last_digest_at",
    ]
    form_fields = ["name"]


subscriber_viewset = SubscriberViewSet("press_subscribers")


@hooks.register("register_admin_viewset")
def register_subscribers():
    return subscriber_viewset
