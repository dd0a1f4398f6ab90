from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday (day off)")
    MAKEUP_WORKDAY = "makeup_workday", _("Make-up working day")


class CalendarAction(models.TextChoices):
    """Audit actions of the working-day calendar."""

    SAVE = "core.calendar.save", _("Save working-day calendar year")
    DELETE = "core.calendar.delete", _("Delete working-day calendar year")


class CalendarYear(ClusterableModel):
    """One year of the working-day calendar (工作日历), from the State Council notice.

    A year exists here only when its holidays and make-up working days have
    been entered; a deadline that reaches a year not listed is an error.
    Days are filed under the year of their own date: when the notice for
    next year moves a day in late December, that day belongs to this year.
    Write through `services.calendar_year_save`, never directly.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(
        _("source notice"),
        max_length=200,
        help_text=_("The State Council notice the dates come from, e.g. 国办发明电〔2025〕7号."),
    )
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A statutory holiday or a make-up working day (调休上班日)."""

    calendar_year = ParentalKey(CalendarYear, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DayKind.choices)
    name = models.CharField(_("holiday"), max_length=50, help_text=_("e.g. 春节, 国庆节"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=DayKind.values), name="core_calendarday_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}"
