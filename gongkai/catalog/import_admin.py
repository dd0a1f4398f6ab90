"""Admin screen 从 Word 导入: upload a .docx, get a draft catalogue record to edit.

Reached from the admin menu and from the header buttons of every column page (then with
the column chosen). A user may import into a column under which they may add pages.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.widgets import Button
from wagtail.permission_policies.pages import PagePermissionPolicy

from gongkai.core.audit import register_audit_actions
from gongkai.core.uploads import FileKind, accept_attribute, check_upload
from gongkai.org.models import Department
from gongkai.org.selectors import department_of

from .imports import ImportAction, record_import_docx
from .models import CatalogColumnPage

URL_NAME = "catalog_word_import"


class ColumnChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: CatalogColumnPage) -> str:
        names = [p.title for p in obj.get_ancestors().filter(depth__gt=2)] + [obj.title]
        return " › ".join(names)


class WordImportForm(forms.Form):
    column = ColumnChoiceField(
        label=_("Column"),
        queryset=CatalogColumnPage.objects.order_by("path"),
        help_text=_("The draft is created in this column."),
    )
    department = forms.ModelChoiceField(
        label=_("Responsible department"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
    )
    file = forms.FileField(
        label=_("Word file (.docx)"),
        widget=forms.ClearableFileInput(attrs={"accept": accept_attribute({FileKind.DOCX})}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        from gongkai.org.permissions import choosable_departments

        super().__init__(*args, **kwargs)
        self.user = user
        # Departments are kept apart: a drafter imports for their own department only.
        self.fields["department"].queryset = choosable_departments(user)

    def clean_column(self) -> CatalogColumnPage:
        column = self.cleaned_data["column"]
        if not column.permissions_for_user(self.user).can_add_subpage():
            raise ValidationError(
                _("You may not add records to the column “%(column)s”.") % {"column": column.title},
                code="permission_denied",
            )
        return column

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        check_upload(upload.name, upload, allowed={FileKind.DOCX})
        return upload


class WordImportView(WagtailAdminTemplateMixin, FormView):
    """Parse the form, call record_import_docx, open the new draft in the page editor."""

    form_class = WordImportForm
    template_name = "catalog/admin/import_word.html"
    page_title = _("Import from Word")
    header_icon = "doc-full-inverse"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        department = department_of(self.request.user)
        if department is not None:
            initial["department"] = department.pk
        column = self.request.GET.get("column", "")
        if column.isdigit():
            initial["column"] = int(column)
        return initial

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def form_valid(self, form: WordImportForm) -> HttpResponse:
        upload = form.cleaned_data["file"]
        upload.seek(0)
        try:
            page = record_import_docx(
                column=form.cleaned_data["column"],
                data=upload.read(),
                filename=upload.name,
                by=self.request.user,
                department=form.cleaned_data.get("department"),
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("file", message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("“%(title)s” was imported as a draft. Check it and complete its metadata.")
            % {"title": page.title},
        )
        for warning in getattr(page, "import_warnings", []):
            messages.warning(self.request, warning)
        return redirect("wagtailadmin_pages:edit", page.pk)


def _can_import(user: Any) -> bool:
    return PagePermissionPolicy().user_has_permission(user, "add")


class WordImportMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return _can_import(request.user)


@hooks.register("register_admin_urls")
def register_word_import_url():
    return [path("catalog/import-word/", WordImportView.as_view(), name=URL_NAME)]


@hooks.register("register_admin_menu_item")
def register_word_import_menu_item() -> MenuItem:
    return WordImportMenuItem(
        _("Import from Word"), reverse(URL_NAME), icon_name="doc-full-inverse", order=255
    )


@hooks.register("register_page_header_buttons")
def word_import_header_button(page, user, view_name, next_url=None):
    specific_class = page.specific_class
    if specific_class is None or not issubclass(specific_class, CatalogColumnPage):
        return
    if not page.permissions_for_user(user).can_add_subpage():
        return
    yield Button(
        _("Import from Word"),
        url=reverse(URL_NAME) + "?" + urlencode({"column": page.pk}),
        icon_name="doc-full-inverse",
        priority=16,
    )


@hooks.register("register_log_actions")
def register_import_actions(actions) -> None:
    register_audit_actions(actions, ImportAction)
