"""The admin login form with every field labelled in Chinese.

Wagtail's LoginForm declares its password field without a label, so Django derives
"Password" from the field name and it bypasses gettext: the login page showed English.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm


class LoginForm(WagtailLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")
        self.fields["remember"].label = _("Remember me")
