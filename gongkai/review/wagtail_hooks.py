"""Admin integration of the review: queue panel, 审查单 listing, no direct publishing."""

from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from gongkai.core.audit import register_audit_actions

from . import views
from .models import ReviewRecord
from .states import ReviewAction


@hooks.register("register_log_actions")
def register_review_actions(actions):
    register_audit_actions(actions, ReviewAction)


def _is_catalog_record(page) -> bool:
    from gongkai.catalog.models import CatalogRecord

    return page is not None and isinstance(getattr(page, "specific", page), CatalogRecord)


@hooks.register("construct_page_action_menu")
def remove_publish_for_records(menu_items, request, context):
    """Catalogue records are published by the workflow's last step, never by a button."""
    page = context.get("page")
    parent = context.get("parent_page")
    model = getattr(context.get("view"), "page_class", None)
    from gongkai.catalog.models import CatalogRecord

    creating_record = page is None and parent is not None and model is CatalogRecord
    if _is_catalog_record(page) or creating_record:
        menu_items[:] = [item for item in menu_items if item.name != "action-publish"]


def _refuse_publish(request, url):
    messages.error(
        request,
        _(
            "Catalogue records are published only through review: submit the record to the "
            "workflow 政府信息发布审查."
        ),
    )
    return redirect(url)


@hooks.register("before_edit_page")
def no_direct_publish_on_edit(request, page):
    if request.method == "POST" and request.POST.get("action-publish") and _is_catalog_record(page):
        return _refuse_publish(request, reverse("wagtailadmin_pages:edit", args=[page.pk]))


@hooks.register("before_create_page")
def no_direct_publish_on_create(request, parent_page, page_class):
    from gongkai.catalog.models import CatalogRecord

    if (
        request.method == "POST"
        and request.POST.get("action-publish")
        and issubclass(page_class, CatalogRecord)
    ):
        return _refuse_publish(request, reverse("wagtailadmin_explore", args=[parent_page.pk]))


@hooks.register("before_bulk_action")
def no_bulk_publish(request, action_type, objects, action_class_instance):
    if action_type == "publish" and any(_is_catalog_record(obj) for obj in objects):
        return _refuse_publish(request, request.GET.get("next") or reverse("wagtailadmin_home"))


@hooks.register("before_copy_page")
def no_live_copies(request, page):
    if request.method == "POST" and request.POST.get("publish_copies") and _is_catalog_record(page):
        return _refuse_publish(
            request, reverse("wagtailadmin_explore", args=[page.get_parent().pk])
        )


@hooks.register("register_admin_urls")
def review_urls():
    return [
        path("review/check/<int:task_state_id>/", views.workspace, name="review_workspace"),
        path("review/mask/<int:task_state_id>/", views.mask_body, name="review_mask_body"),
        path(
            "review/mask/<int:task_state_id>/attachment/<int:document_id>/",
            views.mask_attachment,
            name="review_mask_attachment",
        ),
        path("review/records/<int:pk>/pdf/", views.record_pdf, name="review_record_pdf"),
        path("review/preview/<int:task_state_id>/", views.preview, name="review_preview"),
    ]


class ReviewQueuePanel(Component):
    """审查待办: the steps waiting for this reviewer, oldest first, overdue highlighted."""

    name = "review_queue"
    template_name = "review/queue_panel.html"
    order = 90

    def __init__(self, items):
        self.items = items

    def get_context_data(self, parent_context):
        from .selectors import step_working_days

        return {
            "items": self.items,
            "working_days": step_working_days(),
            "request": parent_context["request"],
            "csrf_token": parent_context.get("csrf_token"),
        }


@hooks.register("construct_homepage_panels")
def add_review_queue(request, panels):
    from .selectors import review_queue

    items = review_queue(request.user)
    # Our queue replaces Wagtail's generic "awaiting your review" list for these tasks.
    panels[:] = [p for p in panels if getattr(p, "name", "") != "workflow_objects_to_moderate"]
    if items:
        panels.append(ReviewQueuePanel(items))


class ReadOnlyPolicy(ModelPermissionPolicy):
    """The 审查单 is written by the workflow only: nobody adds, edits or deletes it."""

    def user_has_permission(self, user, action):
        if action in {"add", "change", "delete"}:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class ReviewRecordViewSet(ModelViewSet):
    model = ReviewRecord
    icon = "clipboard-list"
    menu_label = gettext_lazy("Review records")
    menu_order = 270
    add_to_admin_menu = True
    inspect_view_enabled = True
    list_display = ["title", "department", "outcome", "disclosure", "started_at", "completed_at"]
    list_filter = ["outcome", "department", "started_at"]
    search_fields = ["title"]
    inspect_template_name = "review/record_inspect.html"
    # The template shows the whole 审查单 (sheet.record_sheet) instead of the generic field
    # dump; should the generic list ever show, it holds plain fields only, never the JSON
    # ones (maskings, masking failures) nor the fingerprint.
    inspect_view_fields = ["title", "department", "outcome", "disclosure", "started_at"]
    form_fields = ["note"]


register_permission_policy(ReviewRecord, ReadOnlyPolicy(ReviewRecord))


review_record_viewset = ReviewRecordViewSet("review_records")


@hooks.register("register_admin_viewset")
def register_review_records():
    return review_record_viewset
