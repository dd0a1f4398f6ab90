"""Admin of withdrawal (撤回): the page action, the bulk action, and no other way off the site.

Withdrawal is a state, not a deletion: a record that was ever published (it has a
索引号) cannot be deleted, only withdrawn; a never-published draft may be deleted.
Wagtail's plain unpublish, which would skip the reason and the audit entry, is refused
for records (permissions.RecordPermissionTester; the hooks below explain why).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.pages.bulk_actions.page_bulk_action import PageBulkAction
from wagtail.admin.widgets import Button

from gongkai.core.audit import register_audit_actions

from .models import CatalogRecord
from .permissions import can_withdraw, withdraw_refusal
from .services import CatalogAction, record_withdraw

URL_NAME = "catalog_record_withdraw"


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for withdrawal"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Kept with the record and in the audit log."),
    )


class WithdrawView(WagtailAdminTemplateMixin, FormView):
    """Confirm a withdrawal with its reason, then call record_withdraw."""

    form_class = WithdrawForm
    template_name = "catalog/admin/withdraw.html"
    page_title = gettext_lazy("Withdraw record")
    header_icon = "cross"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.record = get_object_or_404(CatalogRecord, pk=kwargs["page_id"])
        if not can_withdraw(self.record, request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self) -> str:
        return self.record.get_admin_display_title()

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["record"] = self.record
        return context

    def form_valid(self, form: WithdrawForm) -> HttpResponse:
        try:
            record_withdraw(
                record=self.record, by=self.request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("reason", message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("“%(title)s” was withdrawn. It keeps its index number %(index)s.")
            % {"title": self.record.title, "index": self.record.index_number},
        )
        return redirect("wagtailadmin_explore", self.record.get_parent().pk)


@hooks.register("register_admin_urls")
def register_withdraw_url():
    return [path("catalog/withdraw/<int:page_id>/", WithdrawView.as_view(), name=URL_NAME)]


def _withdraw_button(page, user, priority: int):
    specific_class = page.specific_class
    if specific_class is None or not issubclass(specific_class, CatalogRecord):
        return
    if not can_withdraw(page.specific_deferred, user):
        return
    yield Button(
        _("Withdraw"),
        url=reverse(URL_NAME, args=[page.pk]),
        icon_name="cross",
        priority=priority,
    )


@hooks.register("register_page_header_buttons")
def withdraw_header_button(page, user, view_name, next_url=None):
    yield from _withdraw_button(page, user, 61)


@hooks.register("register_page_listing_more_buttons")
def withdraw_listing_button(page, user, next_url=None):
    yield from _withdraw_button(page, user, 41)


class WithdrawBulkAction(PageBulkAction):
    """撤回 for the records selected in a page listing, with one reason for all of them.

    Each record goes through record_withdraw in its own transaction: one that is refused
    (or fails) does not undo the others. The message lists what was withdrawn and what was
    not, and why.
    """

    display_name = gettext_lazy("Withdraw")
    action_type = "withdraw"
    aria_label = gettext_lazy("Withdraw the selected records")
    template_name = "catalog/admin/bulk_withdraw.html"
    action_priority = 55
    form_class = WithdrawForm

    def check_perm(self, page) -> bool:
        return can_withdraw(page.specific, self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        for entry in context["items_with_no_access"]:
            entry["reason"] = withdraw_refusal(entry["item"].specific, self.request.user)
        return context

    def form_valid(self, form: WithdrawForm) -> HttpResponse:
        # Wagtail's BulkAction.form_valid runs the whole action in one transaction; here each
        # record has its own (the hooks still run, as there).
        self.cleaned_form = form
        request = self.request
        objects, without_access = self.get_actionable_objects()
        for hook in hooks.get_hooks("before_bulk_action"):
            response = hook(request, self.action_type, objects, self)
            if hasattr(response, "status_code"):
                return response
        withdrawn: list[CatalogRecord] = []
        refused: list[tuple[Any, str]] = []
        for page in objects:
            record = page.specific
            try:
                record_withdraw(record=record, by=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                refused.append((record, " ".join(error.messages)))
            except PermissionDenied as error:
                refused.append((record, str(error)))
            else:
                withdrawn.append(record)
        for page in without_access["items_with_no_access"]:
            specific = page.specific
            refused.append((specific, withdraw_refusal(specific, request.user) or ""))
        for hook in hooks.get_hooks("after_bulk_action"):
            response = hook(request, self.action_type, withdrawn, self)
            if hasattr(response, "status_code"):
                return response
        self._report(withdrawn, refused)
        return redirect(_back(request, [page for page, _reason in refused] + withdrawn))

    def _report(self, withdrawn: list[CatalogRecord], refused: list[tuple[Any, str]]) -> None:
        if withdrawn:
            messages.success(
                self.request,
                ngettext(
                    "%(count)d record was withdrawn: %(titles)s. Each keeps its index number.",
                    "%(count)d records were withdrawn: %(titles)s. Each keeps its index number.",
                    len(withdrawn),
                )
                % {
                    "count": len(withdrawn),
                    "titles": "、".join(f"“{record.title}”" for record in withdrawn),
                },
            )
        for page, reason in refused:
            messages.error(
                self.request,
                _("Not withdrawn: “%(title)s”. %(reason)s")
                % {"title": page.get_admin_display_title(), "reason": reason},
            )


hooks.register("register_bulk_action", WithdrawBulkAction)


# --- no plain unpublishing -------------------------------------------------------------------


def _is_record(page) -> bool:
    specific_class = getattr(page, "specific_class", None)
    return specific_class is not None and issubclass(specific_class, CatalogRecord)


def _live_records_below(pages) -> bool:
    return any(CatalogRecord.objects.live().descendant_of(page).exists() for page in pages)


def _back(request: HttpRequest, pages) -> str:
    """Where a bulk action returns: its `next`, else the listing of the first page's parent
    (Wagtail's own fallback, the action's URL without its ids, would be a 404)."""
    next_url = get_valid_next_url_from_request(request)
    if next_url:
        return next_url
    for page in pages:
        parent = page.get_parent()
        if parent is not None:
            return reverse("wagtailadmin_explore", args=[parent.pk])
    return reverse("wagtailadmin_home")


def _refuse_unpublish(request: HttpRequest, url: str) -> HttpResponse:
    messages.error(
        request,
        _(
            "Catalogue records leave the site only by withdrawal (撤回), which keeps the reason "
            "and an audit entry: use “Withdraw”, not “Unpublish”."
        ),
    )
    return redirect(url)


@hooks.register("before_unpublish_page")
def no_plain_unpublish_of_records(request, page):
    """The unpublish view never takes a record off the site, nor a column's records with it.

    Records already refuse `can_unpublish` to everyone, so the view itself is closed to
    them; this explains the refusal when a column is unpublished with its subpages and
    sends anyone who reaches it for a record to the withdrawal form.
    """
    if _is_record(page):
        if can_withdraw(page.specific, request.user):
            return redirect(URL_NAME, page.pk)
        return _refuse_unpublish(
            request, reverse("wagtailadmin_explore", args=[page.get_parent().pk])
        )
    if request.POST.get("include_descendants") and _live_records_below([page]):
        return _refuse_unpublish(request, reverse("wagtailadmin_explore", args=[page.pk]))
    return None


@hooks.register("before_bulk_action")
def no_plain_bulk_unpublish_of_records(request, action_type, objects, action_class_instance):
    """Bulk unpublish with a record among the selected pages (or below them) is refused whole."""
    if action_type != "unpublish":
        return None
    _allowed, rest = action_class_instance.get_actionable_objects()
    pages = [*objects, *rest["items_with_no_access"]]
    form = getattr(action_class_instance, "cleaned_form", None)
    with_descendants = bool(form and form.cleaned_data.get("include_descendants"))
    if any(_is_record(page) for page in pages) or (
        with_descendants and _live_records_below(objects)
    ):
        return _refuse_unpublish(request, _back(request, pages))
    return None


def _published_records(pages) -> list[CatalogRecord]:
    """Records among `pages` or below them that were ever published (have a 索引号)."""
    found: list[CatalogRecord] = []
    for page in pages:
        found.extend(
            CatalogRecord.objects.descendant_of(page, inclusive=True).filter(
                index_number__isnull=False
            )
        )
    return found


def _refuse_deletion(request: HttpRequest, records: list[CatalogRecord]) -> HttpResponse:
    messages.error(
        request,
        _(
            "“%(title)s” has been published (index number %(index)s) and cannot be deleted. "
            "Withdraw it instead: it then leaves the site but stays in the archive."
        )
        % {"title": records[0].title, "index": records[0].index_number},
    )
    return redirect("wagtailadmin_explore", records[0].get_parent().pk)


@hooks.register("before_delete_page")
def refuse_deleting_published_records(request, page):
    records = _published_records([page])
    if records:
        return _refuse_deletion(request, records)
    return None


@hooks.register("before_bulk_action")
def refuse_bulk_deleting_published_records(request, action_type, objects, action_class_instance):
    if action_type != "delete":
        return None
    records = _published_records([obj for obj in objects if hasattr(obj, "path")])
    if records:
        return _refuse_deletion(request, records)
    return None


@hooks.register("before_edit_page")
def tell_editors_the_record_is_withdrawn(request, page):
    """The editor says when and why a record was withdrawn (it looks like a draft otherwise)."""
    if request.method == "GET" and isinstance(page, CatalogRecord) and page.withdrawn_at:
        messages.warning(
            request,
            _("Withdrawn on %(date)s: %(reason)s. Publishing it again needs a new review.")
            % {
                "date": date_format(timezone.localtime(page.withdrawn_at), "SHORT_DATETIME_FORMAT"),
                "reason": page.withdrawal_reason,
            },
        )
    return None


@hooks.register("register_log_actions")
def register_catalog_actions(actions) -> None:
    register_audit_actions(actions, CatalogAction)
