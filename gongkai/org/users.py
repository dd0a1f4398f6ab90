"""The Wagtail user admin, extended so every staff account belongs to a department."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users as wagtail_users

from .models import Department, StaffProfile
from .services import staff_profile_set


class DepartmentFieldsMixin(forms.Form):
    department = forms.ModelChoiceField(
        queryset=Department.objects.filter(is_active=True),
        label=_("Department"),
        required=False,
        help_text=_("The section or unit this member of staff works in."),
    )
    job_title = forms.CharField(label=_("Job title"), max_length=50, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk:
            profile = StaffProfile.objects.filter(user=instance).first()
            if profile:
                self.fields["department"].queryset = Department.objects.filter(
                    is_active=True
                ) | Department.objects.filter(pk=profile.department_id)
                self.initial.setdefault("department", profile.department_id)
                self.initial.setdefault("job_title", profile.title)

    def clean(self):
        cleaned = super().clean()
        is_superuser = cleaned.get("is_superuser") or getattr(self.instance, "is_superuser", False)
        if not cleaned.get("department") and not is_superuser:
            self.add_error("department", _("Choose the department this account belongs to."))
        return cleaned


class StaffUserCreationForm(DepartmentFieldsMixin, UserCreationForm):
    pass


class StaffUserEditForm(DepartmentFieldsMixin, UserEditForm):
    pass


class _SaveProfileMixin:
    def save_instance(self):
        instance = super().save_instance()
        department = self.form.cleaned_data.get("department")
        if department is not None:
            staff_profile_set(
                user=instance,
                department=department,
                title=self.form.cleaned_data.get("job_title", ""),
                by=self.request.user,
            )
        return instance


class CreateView(_SaveProfileMixin, wagtail_users.CreateView):
    pass


class EditView(_SaveProfileMixin, wagtail_users.EditView):
    pass


class StaffUserViewSet(wagtail_users.UserViewSet):
    add_view_class = CreateView
    edit_view_class = EditView
    create_template_name = "org/users/create.html"
    edit_template_name = "org/users/edit.html"

    def get_form_class(self, for_update=False):
        return StaffUserEditForm if for_update else StaffUserCreationForm
