"""The bell (我的通知 with the unread count), the dashboard panel and the outbox in the admin."""

from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.sidebar import LinkMenuItem

from . import views
from .permissions import can_manage_outbox
from .selectors import failed_mail_count, notifications_for, unread_count


@hooks.register("register_admin_urls")
def notification_urls():
    return [
        path("notifications/", views.inbox, name="notifications_inbox"),
        path("notifications/<int:pk>/open/", views.open_notification, name="notifications_open"),
        path("notifications/<int:pk>/read/", views.mark_read, name="notifications_read"),
        path("notifications/read-all/", views.mark_all_read, name="notifications_read_all"),
        path("notifications/outbox/", views.outbox, name="notifications_outbox"),
        path("notifications/outbox/<int:pk>/retry/", views.retry, name="notifications_retry"),
    ]


class CountedMenuItem(MenuItem):
    """A menu item whose label carries a count for the person looking (the bell)."""

    def __init__(self, *args, count, **kwargs):
        super().__init__(*args, **kwargs)
        self.count = count

    def render_component(self, request):
        count = self.count(request.user)
        label = f"{self.label}（{count}）" if count else str(self.label)
        attrs = dict(self.attrs)
        if count:
            attrs["data-unread"] = str(count)
        return LinkMenuItem(
            self.name,
            label,
            self.url,
            icon_name=self.icon_name,
            classname=self.classname,
            attrs=attrs,
        )


class OutboxMenuItem(CountedMenuItem):
    def is_shown(self, request):
        return can_manage_outbox(request.user)


@hooks.register("register_admin_menu_item")
def notifications_menu_item():
    return CountedMenuItem(
        _("My notifications"),
        reverse("notifications_inbox"),
        name="notifications",
        icon_name="mail",
        order=50,
        count=unread_count,
    )


@hooks.register("register_settings_menu_item")
def outbox_menu_item():
    return OutboxMenuItem(
        _("Outbox"),
        reverse("notifications_outbox"),
        name="outbox",
        icon_name="mail",
        order=900,
        count=failed_mail_count,
    )


class UnreadPanel(Component):
    """未读通知 on the dashboard: the newest unread notices."""

    name = "unread_notifications"
    template_name = "notifications/panel.html"
    order = 80

    def __init__(self, items, count):
        self.items = items
        self.count = count

    def get_context_data(self, parent_context):
        return {
            "items": self.items,
            "count": self.count,
            "request": parent_context["request"],
            "csrf_token": parent_context.get("csrf_token"),
            "heading": gettext("Unread notifications"),
        }


@hooks.register("construct_homepage_panels")
def add_unread_panel(request, panels):
    unread = notifications_for(request.user, unread_only=True)
    count = unread.count()
    if count:
        panels.append(UnreadPanel(list(unread[:5]), count))
