"""The 公开时效 report (under 报告): records published later than 条例 第26条 allows.

Open to superusers and staff with the office reviewer (局办公室) or site administrator
(信息中心) role.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView

from gongkai.org.models import Department

from .timeliness import late_count_by_department, late_records, timeliness_limit

REPORT_ROLES = ("office_reviewer", "site_admin")


def can_view_timeliness(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    from gongkai.org.roles import user_has_role

    return any(user_has_role(user, code) for code in REPORT_ROLES)


class TimelinessFilterSet(WagtailFilterSet):
    department = django_filters.ModelChoiceFilter(
        label=_("Responsible department"),
        queryset=Department.objects.all(),
        method="filter_nothing",
    )

    def filter_nothing(self, queryset, name, value):
        # The report filters in late_records(); this filter only carries the form field.
        return queryset

    class Meta:
        model = Department
        fields: list[str] = []


class TimelinessReportView(ReportView):
    """Late records (title, department, formed, published, working days, how late)."""

    page_title = _("Publication timeliness")
    header_icon = "time"
    index_url_name = "catalog_timeliness"
    index_results_url_name = "catalog_timeliness_results"
    results_template_name = "catalog/admin/timeliness_results.html"
    filterset_class = TimelinessFilterSet
    paginate_by = 50
    columns = [
        Column("title", label=_("Title"), accessor="record.title"),
        Column("department", label=_("Responsible department"), accessor="department_name"),
        Column("formed", label=_("Formed or changed"), accessor="record.formed_date"),
        Column(
            "published",
            label=pgettext_lazy("date column", "Published"),
            accessor="record.publication_date",
        ),
        Column("working_days", label=_("Working days"), accessor="working_days_display"),
        Column("late", label=_("Days over the limit"), accessor="days_late_display"),
    ]
    list_export = [
        "record.title",
        "department_name",
        "record.formed_date",
        "record.publication_date",
        "working_days_display",
        "days_late_display",
    ]
    export_headings = {
        "record.title": _("Title"),
        "department_name": _("Responsible department"),
        "record.formed_date": _("Formed or changed"),
        "record.publication_date": pgettext_lazy("date column", "Published"),
        "working_days_display": _("Working days"),
        "days_late_display": _("Days over the limit"),
    }

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_view_timeliness(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_filename(self) -> str:
        return "publication-timeliness"

    def get_queryset(self):
        return Department.objects.none()

    def get_filtered_queryset(self) -> list[Any]:
        department = None
        if self.filters and self.filters.is_valid():
            department = self.filters.form.cleaned_data.get("department")
        rows = late_records(department=department)
        self.summary = late_count_by_department(rows)
        return rows

    def get_context_data(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(*args, **kwargs)
        context["summary"] = self.summary
        context["limit"] = timeliness_limit()
        return context


class TimelinessMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return can_view_timeliness(request.user)


@hooks.register("register_admin_urls")
def register_timeliness_urls() -> list:
    return [
        path("reports/timeliness/", TimelinessReportView.as_view(), name="catalog_timeliness"),
        path(
            "reports/timeliness/results/",
            TimelinessReportView.as_view(results_only=True),
            name="catalog_timeliness_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_timeliness_menu_item() -> MenuItem:
    return TimelinessMenuItem(
        _("Publication timeliness"),
        reverse("catalog_timeliness"),
        name="publication-timeliness",
        icon_name="time",
        order=1040,
    )
