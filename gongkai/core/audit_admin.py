"""The audit log report in the admin (审计日志, under 报告).

Wagtail's own "site history" report shows each user only the entries on
objects they may edit. An audit log is for auditors: it shows every entry,
page or model, with the client IP that `signals.py` stamps on it, and it is
open only to superusers and the site administrators (信息中心).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import django_filters
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import IntegerField, QuerySet, Value
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.filters import ContentTypeFilter
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports.audit_logging import LogEntriesView, SiteHistoryReportFilterSet
from wagtail.log_actions import LogActionRegistry
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import BaseLogEntry

from .audit import AuthAction, register_audit_actions

AUDIT_LOG_ROLE = "site_admin"


def can_view_audit_log(user: Any) -> bool:
    """Superusers and members of the site administrator role (信息中心)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    from gongkai.org.roles import user_has_role

    return user_has_role(user, AUDIT_LOG_ROLE)


def _all_log_entries() -> Iterable[QuerySet]:
    for log_model in log_action_registry.get_log_entry_models():
        yield log_model.objects.all()


def _users_with_entries() -> QuerySet:
    user_ids: set[int] = set()
    for queryset in _all_log_entries():
        user_ids.update(queryset.get_user_ids())
    User = get_user_model()
    return User.objects.filter(pk__in=user_ids).order_by(User.USERNAME_FIELD)


def _content_types_with_entries(request: HttpRequest | None = None) -> QuerySet:
    ids: set[int] = set()
    for queryset in _all_log_entries():
        ids.update(queryset.get_content_type_ids())
    return ContentType.objects.filter(pk__in=ids).order_by("model")


def action_label(action: str) -> str:
    """The registered (translated) label of an action; the raw name if unknown."""
    log_action_registry.scan_for_actions()
    formatter = log_action_registry.formatters.get(action)
    return force_str(formatter.label) if formatter is not None else action


def object_type_label(entry: BaseLogEntry) -> str:
    if entry.content_type_id is None:
        return ""
    model_class = entry.content_type.model_class()
    if model_class is None:
        return force_str(entry.content_type)
    return force_str(capfirst(model_class._meta.verbose_name))


class AuditLogFilterSet(SiteHistoryReportFilterSet):
    object_type = ContentTypeFilter(
        label=_("Object type"),
        method="filter_object_type",
        queryset=_content_types_with_entries,
    )
    ip = django_filters.CharFilter(
        label=_("IP address"),
        method="filter_ip",
        help_text=_("A full address, or its beginning (e.g. 10.0.)."),
    )

    def filter_ip(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(data__ip__startswith=value)

    def get_action_choices(self) -> list[tuple[str, str]]:
        used: set[str] = set()
        for queryset in _all_log_entries():
            used.update(queryset.get_actions())
        return [choice for choice in log_action_registry.get_choices() if choice[0] in used]

    def get_users_queryset(self) -> QuerySet:
        return _users_with_entries()


def _local_naive(value: datetime.datetime) -> datetime.datetime:
    return timezone.make_naive(value, timezone.get_current_timezone())


def _local_text(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")


class AuditLogView(LogEntriesView):
    """Every page and model log entry, newest first, with the client IP."""

    page_title = _("Audit log")
    header_icon = "history"
    filterset_class = AuditLogFilterSet
    results_template_name = "wagtailadmin/reports/base_report_results.html"
    index_url_name = "gongkai_audit_log"
    index_results_url_name = "gongkai_audit_log_results"
    paginate_by = 50
    columns = [
        Column("time", label=_("Time"), width="11em"),
        Column("user_display_name", label=_("User")),
        Column("action_label", label=_("Action")),
        Column("object_type", label=_("Object type")),
        TitleColumn("label", label=_("Object"), get_url=lambda entry: entry.edit_url),
        Column("ip", label=_("IP address")),
    ]
    list_export = [
        "timestamp",
        "user_display_name",
        "action_label",
        "object_type",
        "label",
        "object_id",
        "ip",
    ]
    export_headings = {
        "timestamp": _("Time"),
        "user_display_name": _("User"),
        "action_label": _("Action"),
        "object_type": _("Object type"),
        "label": _("Object"),
        "object_id": _("ID"),
        "ip": _("IP address"),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.custom_field_preprocess = {
            **self.custom_field_preprocess,
            # Auditors read local time (Asia/Shanghai), not Wagtail's UTC.
            "timestamp": {self.FORMAT_XLSX: _local_naive, self.FORMAT_CSV: _local_text},
        }
        self.custom_field_preprocess.pop("action", None)
        self.custom_field_preprocess.pop("content_type", None)
        self._decorated: list[BaseLogEntry] | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_view_audit_log(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_filename(self) -> str:
        return f"audit-log-{timezone.localdate().isoformat()}"

    def get_filtered_queryset(self) -> QuerySet:
        # As LogEntriesView, but over every entry rather than those on objects
        # the viewer may edit: access to the whole report is checked above.
        self.log_models = list(log_action_registry.get_log_entry_models())
        queryset = None
        for index, log_model in enumerate(self.log_models):
            sub_queryset = (
                log_model.objects.all()
                .values("pk", "timestamp")
                .annotate(log_model_index=Value(index, output_field=IntegerField()))
            )
            sub_queryset = self.filter_queryset(sub_queryset).order_by()
            queryset = sub_queryset if queryset is None else queryset.union(sub_queryset, all=True)
        return queryset.order_by("-timestamp", "-pk")

    def decorate_paginated_queryset(self, queryset: Iterable[dict]) -> list[BaseLogEntry]:
        rows = list(queryset)
        pks_by_model: dict[int, list[int]] = defaultdict(list)
        for row in rows:
            pks_by_model[row["log_model_index"]].append(row["pk"])
        url_finder = AdminURLFinder(self.request.user)
        lookup: dict[tuple[int, int], BaseLogEntry] = {}
        for index, pks in pks_by_model.items():
            entries = (
                self.log_models[index]
                .objects.select_related("content_type")
                .prefetch_related("user")
                .filter(pk__in=pks)
                .with_instances()
            )
            for entry, instance in entries:
                entry.edit_url = url_finder.get_edit_url(instance) if instance else None
                entry.time = _local_text(entry.timestamp)
                entry.action_label = action_label(entry.action)
                entry.object_type = object_type_label(entry)
                entry.ip = (entry.data or {}).get("ip", "") if isinstance(entry.data, dict) else ""
                entry.user_display_name = force_str(entry.user_display_name)
                lookup[(index, entry.pk)] = entry
        return [lookup[(row["log_model_index"], row["pk"])] for row in rows]

    def get_table(self, object_list: Any) -> Any:
        # BaseListingView builds the table before ReportView decorates the
        # page of rows; decorate first so the columns see log entries.
        self._decorated = self.decorate_paginated_queryset(object_list)
        return super().get_table(self._decorated)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object_list = self.get_filtered_queryset()
        context = self.get_context_data()
        context["object_list"] = self._decorated
        return self.render_to_response(context)


class AuditLogMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return can_view_audit_log(request.user)


@hooks.register("register_admin_urls")
def register_audit_log_urls() -> list:
    return [
        path("reports/audit-log/", AuditLogView.as_view(), name="gongkai_audit_log"),
        path(
            "reports/audit-log/results/",
            AuditLogView.as_view(results_only=True),
            name="gongkai_audit_log_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_audit_log_menu_item() -> MenuItem:
    return AuditLogMenuItem(
        _("Audit log"),
        reverse("gongkai_audit_log"),
        name="audit-log",
        icon_name="history",
        order=1050,
    )


@hooks.register("register_log_actions")
def register_auth_actions(actions: LogActionRegistry) -> None:
    register_audit_actions(actions, AuthAction)
