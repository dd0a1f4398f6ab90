from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday (day off)")
    MAKEUP_WORKDAY = "makeup_workday", _("Make-up working day")


class CalendarYear(ClusterableModel):
    """One year of the working-day calendar (工作日历), from the State Council notice.

    A year exists here only when its holidays and make-up working days have
    been entered; a deadline that reaches a year not listed is an error.
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

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}"
