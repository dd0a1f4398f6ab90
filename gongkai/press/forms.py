"""The public subscription form (新闻媒体订阅)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Frequency
from .selectors import column_choices


class SubscribeForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=50,
        error_messages={
            "required": _("Please enter your name."),
            "max_length": _("The name can be at most %(limit_value)d characters."),
        },
    )
    organisation = forms.CharField(
        label=_("Media outlet"),
        max_length=100,
        error_messages={
            "required": _("Please enter the media outlet you work for."),
            "max_length": _("The media outlet can be at most %(limit_value)d characters."),
        },
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        error_messages={
            "required": _("Please enter your e-mail address."),
            "invalid": _("Please enter a valid e-mail address, e.g. name@example.com."),
            "max_length": _("The e-mail address can be at most %(limit_value)d characters."),
        },
    )
    columns = forms.MultipleChoiceField(
        label=_("Columns to follow"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Please choose at least one column."),
            "invalid_choice": _("Please choose columns from the list."),
        },
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Frequency.choices,
        initial=Frequency.DAILY,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose how often you want the digest."),
            "invalid_choice": _("Please choose daily or weekly."),
        },
    )
    # Honeypot: hidden from people (CSS and aria-hidden), filled in by form-filling bots.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["columns"].choices = column_choices()

    def is_bot(self) -> bool:
        return bool(self.data.get("website"))
