"""Forms of the second-factor pages: they only validate the shape of a code."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

TOTP_CODE_RE = re.compile(r"^\d{6}$")
BACKUP_CODE_RE = re.compile(r"^[a-z2-7]{8}$")


def _compact(value: str) -> str:
    return "".join((value or "").split()).lower()


class TOTPConfirmForm(forms.Form):
    """The first code from the authenticator app, to confirm enrolment."""

    token = forms.CharField(
        label=_("6-digit code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
            }
        ),
        error_messages={"required": _("Enter the 6-digit code from your authenticator app.")},
    )

    def clean_token(self) -> str:
        token = _compact(self.cleaned_data["token"])
        if not TOTP_CODE_RE.match(token):
            raise forms.ValidationError(_("Enter the 6-digit code from your authenticator app."))
        return token


class SecondFactorVerifyForm(forms.Form):
    """A code from the authenticator app, or one of the backup codes."""

    token = forms.CharField(
        label=_("Verification code"),
        max_length=20,
        help_text=_("The 6-digit code from your authenticator app, or an 8-character backup code."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "autocapitalize": "off"}
        ),
        error_messages={
            "required": _("Enter the 6-digit code from your authenticator app, or a backup code.")
        },
    )

    def clean_token(self) -> str:
        token = _compact(self.cleaned_data["token"])
        if not (TOTP_CODE_RE.match(token) or BACKUP_CODE_RE.match(token)):
            raise forms.ValidationError(
                _("Enter the 6-digit code from your authenticator app, or a backup code.")
            )
        return token
