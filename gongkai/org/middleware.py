"""Keep the admin closed to privileged accounts until they verify a second factor."""

from collections.abc import Callable
from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

# Importing the services also registers their audit actions before the
# first request can write an entry.
from .two_factor import user_has_second_factor, user_needs_second_factor


class RequireSecondFactorMiddleware:
    """Redirect unverified superusers and OTP_REQUIRED_ROLES members away from /admin/.

    They go to the enrolment page if they have no confirmed device yet, or to
    the verify page if they have one, with ?next= back to where they were.
    Signing out, signing in, the icon sprite and the JavaScript catalogue
    (which the two-factor pages themselves load) stay open.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @cached_property
    def admin_prefix(self) -> str:
        return reverse("wagtailadmin_home")

    @cached_property
    def open_paths(self) -> tuple[str, ...]:
        return (
            reverse("wagtailadmin_logout"),
            reverse("wagtailadmin_login"),
            reverse("wagtailadmin_sprite"),
            reverse("wagtailadmin_javascript_catalog"),
            self.admin_prefix + "password_reset/",
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if (
            path.startswith(self.admin_prefix)
            and not path.startswith(self.open_paths)
            and not path.startswith(settings.STATIC_URL)
        ):
            user = getattr(request, "user", None)
            if (
                user is not None
                and user.is_authenticated
                and not user.is_verified()
                and user_needs_second_factor(user)
            ):
                target = (
                    "account:two_factor_verify"
                    if user_has_second_factor(user)
                    else "account:two_factor_setup"
                )
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{reverse(target)}?{query}")
        return self.get_response(request)
