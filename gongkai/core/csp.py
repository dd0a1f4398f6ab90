"""Content-Security-Policy: strict on the public site, relaxed for the admin.

The Wagtail admin (and our /account/ two-factor pages, which use its
templates) needs inline styles and scripts; the public site needs none. One
middleware, in place of django-csp's, picks the policy by path.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

ADMIN_PATH_PREFIXES = ("/admin/", "/account/")


def uses_admin_policy(request: HttpRequest) -> bool:
    return request.path_info.startswith(ADMIN_PATH_PREFIXES)


class PathAwareCSPMiddleware(CSPMiddleware):
    """django-csp's middleware with ADMIN_CONTENT_SECURITY_POLICY under /admin/ and /account/.

    A view's own @csp / @csp_update decorators still win, as in django-csp.
    """

    def get_policy_parts(
        self,
        request: HttpRequest,
        response: HttpResponseBase,
        report_only: bool = False,
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and uses_admin_policy(request):
            admin_policy = getattr(settings, "ADMIN_CONTENT_SECURITY_POLICY", None)
            if admin_policy:
                parts.config = default_config(admin_policy.get("DIRECTIVES", {}))
        return parts
