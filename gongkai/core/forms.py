"""Forms of the working-day calendar admin. They validate; the views save through services."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput

from .calendar_csv import parse_calendar_csv
from .models import CalendarYear
from .services import CalendarEntry, calendar_year_save, calendar_year_validate
from .workdays import MAX_DAYS, Unit

CSV_MAX_BYTES = 256 * 1024


class CalendarYearForm(WagtailAdminModelForm):
    """The year with its inline days, checked by the same rules as `calendar_year_save`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and "year" in self.fields:
            # The days are filed by year; moving them to another year is a new year.
            self.fields["year"].disabled = True

    def calendar_entries(self) -> list[CalendarEntry] | None:
        """The inline days as entries, or None if a day's own fields do not clean.

        Read field by field rather than from the formset's cleaned_data, which
        drops a date the formset finds duplicated; the service's checks name
        duplicates and contradictions more precisely.
        """
        formset = self.formsets["days"]
        formset.is_valid()  # runs every form's own validation (and the DELETE flags)
        entries = []
        for form in formset.forms:
            if formset.can_delete and formset._should_delete_form(form):
                continue
            if not form.instance.pk and not form.has_changed():
                continue
            values = {}
            for name in ("date", "kind", "name"):
                try:
                    values[name] = form.fields[name].clean(form[name].value())
                except ValidationError:
                    return None
            entries.append(CalendarEntry(values["date"], values["kind"], values["name"]))
        return entries

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "days" not in self.formsets or self.errors:
            return cleaned
        entries = self.calendar_entries()
        if entries is None:
            return cleaned
        try:
            _year, self.cleaned_entries, _source = calendar_year_validate(
                year=cleaned.get("year"), entries=entries, source=cleaned.get("source")
            )
        except ValidationError as error:
            for message in error.messages:
                self.add_error(None, message)
        return cleaned

    def save(self, commit: bool = True) -> CalendarYear:
        """Save through `calendar_year_save`, never the model form's own save."""
        if not commit:
            raise ValueError("CalendarYearForm saves only through calendar_year_save")
        return calendar_year_save(
            year=self.cleaned_data["year"],
            entries=self.cleaned_entries,
            source=self.cleaned_data["source"],
            notes=self.cleaned_data.get("notes", ""),
            by=getattr(self, "for_user", None),
        )


class CalendarImportForm(forms.Form):
    """A year from CSV (date,kind,name), uploaded or pasted."""

    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    source = forms.CharField(
        label=_("Source notice"),
        max_length=200,
        help_text=_("The State Council notice the dates come from, e.g. 国办发明电〔2025〕7号."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea({"rows": 2}))
    csv_file = forms.FileField(
        label=_("CSV file"),
        required=False,
        help_text=_("UTF-8 (with or without BOM) or as Excel saves it; one day a line."),
    )
    csv_text = forms.CharField(
        label=_("Or paste the CSV"),
        required=False,
        widget=forms.Textarea({"rows": 12, "placeholder": "date,kind,name\n2027-01-01,休,元旦"}),
        help_text=_(
            "date,kind,name — kind is holiday or makeup_workday (休/班, 放假/上班); "
            "the header line is optional."
        ),
    )
    replace = forms.BooleanField(
        label=_("Replace the days if the year already exists"), required=False
    )

    def __init__(self, *args: Any, can_add: bool = True, can_change: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.can_add = can_add
        self.can_change = can_change

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        upload = cleaned.get("csv_file")
        text = cleaned.get("csv_text") or ""
        if upload and text.strip():
            raise ValidationError(_("Upload a file or paste the CSV, not both."))
        if upload:
            if upload.size > CSV_MAX_BYTES:
                raise ValidationError(_("The file is too large for one year's calendar."))
            data: str | bytes = upload.read()
        elif text.strip():
            data = text
        else:
            raise ValidationError(_("Upload a CSV file or paste its lines."))
        year = cleaned.get("year")
        if year is None or "source" not in cleaned:
            return cleaned
        exists = CalendarYear.objects.filter(year=year).exists()
        if exists and not cleaned.get("replace"):
            raise ValidationError(
                _("%(year)s is already in the calendar; tick “replace” to replace its days."),
                params={"year": year},
            )
        if exists and not self.can_change:
            raise ValidationError(_("You may not change an existing calendar year."))
        if not exists and not self.can_add:
            raise ValidationError(_("You may not add a calendar year."))
        entries = parse_calendar_csv(data)
        _year, cleaned["entries"], cleaned["source"] = calendar_year_validate(
            year=year, entries=entries, source=cleaned["source"]
        )
        return cleaned


class DeadlineForm(forms.Form):
    """The deadline calculator (计算期限)."""

    start = forms.DateField(
        label=_("Start date"),
        widget=AdminDateInput,
        help_text=_("The day of the event (e.g. receipt); counting starts the next day."),
    )
    n = forms.IntegerField(label=_("Number of days"), min_value=0, max_value=MAX_DAYS)
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices, initial=Unit.WORKING_DAYS)
    pause_from = forms.DateField(label=_("Paused from"), required=False, widget=AdminDateInput)
    pause_to = forms.DateField(label=_("Paused until"), required=False, widget=AdminDateInput)
    pause_reason = forms.CharField(
        label=_("Reason for the pause"),
        required=False,
        max_length=100,
        help_text=_("e.g. 征求第三方意见 (条例 第32条): the days do not count."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("pause_from"), cleaned.get("pause_to")
        if bool(start) != bool(end):
            raise ValidationError(_("Give both ends of the pause, or neither."))
        if start and end and end < start:
            raise ValidationError(_("The pause ends before it starts."))
        return cleaned

    def pauses(self) -> list[tuple]:
        data = self.cleaned_data
        if data.get("pause_from"):
            return [(data["pause_from"], data["pause_to"], data.get("pause_reason", ""))]
        return []
