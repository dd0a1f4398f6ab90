"""Admin screens of the organisation: bureau settings, departments, responsibilities."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from gongkai.core.audit import register_audit_actions

from .admin_views import second_factor_reset_view
from .models import Department, Responsibility
from .services import OrgAction, department_delete_refusal
from .two_factor import user_can_reset_second_factor, user_has_second_factor


class DepartmentViewSet(SnippetViewSet):
    model = Department
    icon = "group"
    menu_label = _("Departments")
    list_display = [
        "name",
        "kind",
        "phone",
        BooleanColumn("is_active", label=_("active")),
    ]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "code"]
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("short_name")]),
        FieldRowPanel([FieldPanel("code"), FieldPanel("kind")]),
        FieldPanel("duties"),
        FieldRowPanel([FieldPanel("phone"), FieldPanel("sort_order")]),
        FieldPanel("is_active"),
        FieldPanel("first_review_by_office"),
    ]


class ResponsibilityViewSet(SnippetViewSet):
    model = Responsibility
    icon = "tasks"
    menu_label = _("Responsibilities")
    list_display = [
        "plan_item",
        "title",
        BooleanColumn("all_departments", label=_("all departments")),
    ]
    list_filter = ["all_departments", "departments"]
    search_fields = ["plan_item", "title", "description"]
    panels = [
        FieldRowPanel([FieldPanel("plan_item"), FieldPanel("sort_order")]),
        FieldPanel("title"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("all_departments"),
                FieldPanel("departments", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Responsible departments"),
        ),
    ]


class OrganisationGroup(SnippetViewSetGroup):
    items = (DepartmentViewSet, ResponsibilityViewSet)
    menu_icon = "site"
    menu_label = _("Organisation")
    menu_name = "organisation"
    menu_order = 250


register_snippet(OrganisationGroup)


@hooks.register("before_delete_snippet")
def refuse_deleting_departments_in_use(request, instances):
    """Refuse, with the reason, to delete a department that still owns things.

    Runs before both the single delete view (GET and POST) and the listing's
    bulk delete, so no admin path can remove one.
    """
    for instance in instances:
        if isinstance(instance, Department):
            refusal = department_delete_refusal(instance)
            if refusal:
                messages.error(request, refusal)
                return redirect("wagtailsnippets_org_department:list")
    return None


@hooks.register("register_log_actions")
def register_org_actions(actions):
    register_audit_actions(actions, OrgAction)


@hooks.register("register_admin_urls")
def org_admin_urls():
    return [
        path(
            "org/second-factor/<int:user_id>/reset/",
            second_factor_reset_view,
            name="org_second_factor_reset",
        )
    ]


@hooks.register("register_user_listing_buttons")
def second_factor_reset_button(user, request_user):
    if user_can_reset_second_factor(request_user) and user_has_second_factor(user):
        yield Button(
            _("Reset second factor"),
            reverse("org_second_factor_reset", args=[user.pk]),
            icon_name="key",
            priority=500,
        )


@hooks.register("register_account_menu_item")
def second_factor_account_item(request):
    """Any member of staff may turn on (or replace) a second factor from 帐号."""
    has_one = user_has_second_factor(request.user)
    return {
        "url": reverse("account:two_factor_setup") + "?next=" + reverse("wagtailadmin_account"),
        "label": _("Replace authenticator") if has_one else _("Set up two-factor authentication"),
        "help_text": _(
            "Sign in with a code from an authenticator app on your phone as well as your password."
        ),
    }
