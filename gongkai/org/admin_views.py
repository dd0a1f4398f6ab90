"""Staff screens of the organisation that are not plain model views."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .two_factor import (
    TwoFactorError,
    second_factor_reset,
    user_can_reset_second_factor,
    user_has_second_factor,
)


def second_factor_reset_view(request, user_id: int):
    """Confirm, then remove a colleague's second factor (e.g. a lost phone)."""
    if not user_can_reset_second_factor(request.user):
        raise PermissionDenied
    target = get_object_or_404(get_user_model(), pk=user_id)
    if request.method == "POST":
        try:
            second_factor_reset(user=target, by=request.user)
        except TwoFactorError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("The second factor of %(user)s was reset. They set up a new one at next sign-in.")
                % {"user": target.get_username()},
            )
        return redirect("wagtailusers_users:index")
    return TemplateResponse(
        request,
        "org/second_factor_reset.html",
        {"target": target, "has_device": user_has_second_factor(target)},
    )
