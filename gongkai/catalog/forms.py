"""The catalogue record editor's form: the responsible department follows the department rule."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminPageForm

from gongkai.org.permissions import (
    choosable_departments,
    department_scope,
    may_create_department_pages,
    no_department_message,
)

from .widgets import FilterSelect, use_filter_select

OTHER_DEPARTMENT = gettext_lazy(
    "You may choose only your own department: records of other departments are theirs to write."
)


class CatalogRecordForm(WagtailAdminPageForm):
    """New records start with the author's department; departmental staff (drafters,
    department heads) cannot choose another. Bureau-wide roles choose freely."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "body" in self.fields:
            # Word-imported tables survive an edit (rich_text.py).
            from .rich_text import RecordBodyEditor

            self.fields["body"].widget = RecordBodyEditor()
        self._use_choosers()
        field = self.fields.get("department")
        if field is None or self.for_user is None:
            return
        scope = department_scope(self.for_user)
        # The page's department as the database has it (the instance may be an old revision).
        current = self.instance.owning_department_id() if self.instance.pk else None
        if not scope.across:
            # Their own department (and the record's present one): a plain list, not the
            # chooser of every department. The widget first, so the queryset fills it.
            field.widget = forms.Select()
            field.empty_label = None
        else:
            field.widget = FilterSelect()
        field.queryset = choosable_departments(self.for_user, current_id=current)
        field.error_messages = {**field.error_messages, "invalid_choice": OTHER_DEPARTMENT}
        if self.instance.department_id is None and scope.department_id is not None:
            self.initial["department"] = scope.department_id

    def _use_choosers(self) -> None:
        """体裁 and 主题分类 as a select with a type-ahead filter (catalog/widgets.py), and the
        bureau as the 发布机构 of a new record (the public page shows it when empty anyway)."""
        for name in ("genre", "topic"):
            if name in self.fields:
                use_filter_select(self.fields[name])
        if (
            "publisher" in self.fields
            and self.instance.pk is None
            and not self.initial.get("publisher")
        ):
            from gongkai.org.models import Bureau

            self.initial["publisher"] = Bureau.load().name

    def clean_department(self):
        department = self.cleaned_data.get("department")
        scope = department_scope(self.for_user) if self.for_user is not None else None
        if (
            department is None
            and scope is not None
            and not scope.across
            and scope.department_id is not None
        ):
            # A draft saved without one (required fields are deferred) is still the author's.
            return choosable_departments(self.for_user).get(pk=scope.department_id)
        return department

    def clean_publication_date(self):
        # 条例 第26条 counts to the day a record really went public: the 发布日期 shown may not
        # be earlier (CatalogRecord.save raises it on every publish path; this says so first).
        value = self.cleaned_data.get("publication_date")
        if value is None:
            return value
        first = None
        if self.instance.pk:
            first = (
                type(self.instance)
                .objects.filter(pk=self.instance.pk)
                .values_list("first_published_at", flat=True)
                .first()
            )
        if first is not None:
            earliest = timezone.localdate(first)
            if value < earliest:
                raise ValidationError(
                    gettext_lazy(
                        "The publication date cannot be earlier than the day this record was "
                        "first published (%(date)s)."
                    ),
                    params={"date": earliest.isoformat()},
                    code="before_first_publication",
                )
        elif value < timezone.localdate():
            raise ValidationError(
                gettext_lazy(
                    "The publication date cannot be earlier than the day the record goes "
                    "public: it has not been published yet, so the earliest is today "
                    "(%(today)s). Leave it empty to have it set on publication."
                ),
                params={"today": timezone.localdate().isoformat()},
                code="before_publication",
            )
        return value

    def clean(self):
        cleaned_data = super().clean()
        if (
            self.instance.pk is None
            and self.for_user is not None
            and not may_create_department_pages(self.for_user)
        ):
            raise ValidationError(no_department_message(type(self.instance)))
        return cleaned_data
