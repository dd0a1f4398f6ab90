"""Admin screens for the working-day calendar (设置 → 工作日历).

Create, edit and delete go through `services.calendar_year_*` (so they write
the calendar's own audit entries, not Wagtail's generic ones); "从 CSV 导入"
and "计算期限" are two extra views of the same viewset. Permissions are the
model's: core.add/change/delete_calendaryear; every staff member has view.
"""

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, InlinePanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton

from .audit import register_audit_actions
from .forms import CalendarImportForm, CalendarYearForm, DeadlineForm
from .models import CalendarAction, CalendarDay, CalendarYear, DayKind
from .services import calendar_year_delete, calendar_year_save
from .workdays import WorkdayError, explain_deadline

# The State Council notice for next year usually appears in October–November.
NOTICE_MONTH = 10


@hooks.register("register_log_actions")
def register_calendar_actions(actions) -> None:
    register_audit_actions(actions, CalendarAction)


def coverage_warning(today: date | None = None) -> str | None:
    """A warning when this year or (from October) next year is not in the calendar."""
    today = today or timezone.localdate()
    years = set(CalendarYear.objects.values_list("year", flat=True))
    if today.year not in years:
        missing = today.year
    elif today.month >= NOTICE_MONTH and today.year + 1 not in years:
        missing = today.year + 1
    else:
        return None
    return _(
        "%(year)s is not in the calendar yet: deadlines that reach it cannot be computed. "
        "Add it from the State Council notice (import a CSV or add the year)."
    ) % {"year": missing}


class CalendarYearIndexView(generic.IndexView):
    template_name = "core/calendar/index.html"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .annotate(
                holiday_count=Count("days", filter=Q(days__kind=DayKind.HOLIDAY)),
                makeup_count=Count("days", filter=Q(days__kind=DayKind.MAKEUP_WORKDAY)),
            )
        )

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        user = self.request.user
        if user.has_perm("core.add_calendaryear") or user.has_perm("core.change_calendaryear"):
            buttons.append(
                HeaderButton(
                    _("Import from CSV"), url=reverse("calendar:import"), icon_name="upload"
                )
            )
        buttons.append(
            HeaderButton(
                _("Compute a deadline"), url=reverse("calendar:deadline"), icon_name="time"
            )
        )
        return buttons

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["coverage_warning"] = coverage_warning()
        return context


class CalendarYearCreateView(generic.CreateView):
    def save_instance(self) -> CalendarYear:
        return self.form.save()


class CalendarYearEditView(generic.EditView):
    def save_instance(self) -> CalendarYear:
        return self.form.save()


class CalendarYearDeleteView(generic.DeleteView):
    def delete_action(self) -> None:
        calendar_year_delete(year=self.object.year, by=self.request.user)


class CalendarYearInspectView(generic.InspectView):
    template_name = "core/calendar/inspect.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["days"] = CalendarDay.objects.filter(calendar_year=self.object).order_by("date")
        return context


class CalendarToolView(generic.PermissionCheckedMixin, generic.WagtailAdminTemplateMixin, FormView):
    """Base of the two extra screens: permission by the calendar's policy."""

    model = CalendarYear
    header_icon = "date"

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse("calendar:index"), "label": _("Working-day calendar")},
            {"url": "", "label": self.get_page_title()},
        ]


class CalendarImportView(CalendarToolView):
    """从 CSV 导入: a year's days from an uploaded or pasted CSV, through the service."""

    any_permission_required = ["add", "change"]
    form_class = CalendarImportForm
    template_name = "core/calendar/import.html"
    page_title = _("Import from CSV")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["can_add"] = self.user_has_permission("add")
        kwargs["can_change"] = self.user_has_permission("change")
        return kwargs

    def form_valid(self, form: CalendarImportForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            cal_year = calendar_year_save(
                year=data["year"],
                entries=data["entries"],
                source=data["source"],
                notes=data.get("notes", ""),
                by=self.request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Imported %(year)s: %(count)s days.")
            % {"year": cal_year.year, "count": len(data["entries"])},
        )
        return redirect("calendar:inspect", cal_year.pk)


class DeadlineCalculatorView(CalendarToolView):
    """计算期限: staff type a start date and N and see how the due date comes about."""

    any_permission_required = ["add", "change", "delete", "view"]
    form_class = DeadlineForm
    template_name = "core/calendar/deadline.html"
    page_title = _("Compute a deadline")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        if self.request.GET.get("start"):
            kwargs["data"] = self.request.GET
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        return {"start": timezone.localdate(), "n": 20}

    def get(self, request, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form()
        context: dict[str, Any] = {"form": form, "coverage_warning": coverage_warning()}
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            try:
                context["explanation"] = explain_deadline(
                    data["start"], data["n"], data["unit"], form.pauses()
                )
            except WorkdayError as error:
                form.add_error(None, str(error))
        return self.render_to_response(self.get_context_data(**context))

    def post(self, request, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.get(request, *args, **kwargs)


class CalendarYearViewSet(ModelViewSet):
    model = CalendarYear
    name = "calendar"
    icon = "date"
    menu_label = _("Working-day calendar")
    add_to_settings_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    index_view_class = CalendarYearIndexView
    add_view_class = CalendarYearCreateView
    edit_view_class = CalendarYearEditView
    delete_view_class = CalendarYearDeleteView
    inspect_view_class = CalendarYearInspectView
    inspect_view_fields = ["year", "source", "notes", "updated_at"]
    list_display = [
        "year",
        "source",
        Column("holiday_count", label=_("Holidays")),
        Column("makeup_count", label=_("Make-up working days")),
        "updated_at",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("year"),
            FieldPanel("source"),
            FieldPanel("notes"),
            InlinePanel(
                "days",
                label=_("Holidays and make-up working days"),
                panels=[FieldPanel("date"), FieldPanel("kind"), FieldPanel("name")],
            ),
        ],
        base_form_class=CalendarYearForm,
    )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("import/", CalendarImportView.as_view(), name="import"),
            path("deadline/", DeadlineCalculatorView.as_view(), name="deadline"),
        ]


calendar_viewset = CalendarYearViewSet()


@hooks.register("register_admin_viewset")
def register_calendar_viewset():
    return calendar_viewset
