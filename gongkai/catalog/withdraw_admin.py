"""Admin of withdrawal (撤回): the page action, its confirm form, and no deleting of records.

Withdrawal is a state, not a deletion: a record that was ever published (it has a
索引号) cannot be deleted, only withdrawn; a never-published draft may be deleted.
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
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.widgets import Button

from gongkai.core.audit import register_audit_actions

from .models import CatalogRecord
from .services import CatalogAction, record_withdraw

URL_NAME = "catalog_record_withdraw"


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for withdrawal"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Kept with the record and in the audit log."),
    )


def _can_withdraw(record: CatalogRecord, user: Any) -> bool:
    return (
        record.live
        and record.withdrawn_at is None
        and record.permissions_for_user(user).can_unpublish()
    )


class WithdrawView(WagtailAdminTemplateMixin, FormView):
    """Confirm a withdrawal with its reason, then call record_withdraw."""

    form_class = WithdrawForm
    template_name = "catalog/admin/withdraw.html"
    page_title = gettext_lazy("Withdraw record")
    header_icon = "cross"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.record = get_object_or_404(CatalogRecord, pk=kwargs["page_id"])
        if not _can_withdraw(self.record, request.user):
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
    if not _can_withdraw(page.specific_deferred, user):
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
