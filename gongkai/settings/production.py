"""Production: refuses to start with the development key or DEBUG on."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    DEBUG,
    DEVELOPMENT_SECRET_KEY,
    PRODUCTION_HSTS_SECONDS,
    PRODUCTION_SSL_REDIRECT,
    config,
)

_key = config("SECRET_KEY", None, help="")
if not _key or _key == DEVELOPMENT_SECRET_KEY or len(_key) < 50 or len(set(_key)) < 5:
    raise ImproperlyConfigured(
        "生产环境必须通过环境变量 SECRET_KEY 提供至少 50 个字符的随机密钥，不能使用开发密钥。"
        " (production needs SECRET_KEY: 50+ random characters, not the development key)"
    )
if DEBUG:
    raise ImproperlyConfigured("生产环境不能开启 DEBUG。 (DEBUG must be off in production)")

SECRET_KEY = _key
DEMO_MODE = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = PRODUCTION_SSL_REDIRECT
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = PRODUCTION_HSTS_SECONDS
SECURE_HSTS_INCLUDE_SUBDOMAINS = True

# `manage.py check --deploy` is clean but for these two, each a deliberate choice that
# the README explains ("Production"); gongkai/core/tests/test_deploy_checks.py fails if
# any other warning appears or one of these loses its explanation.
SILENCED_SYSTEM_CHECKS = [
    # X_FRAME_OPTIONS stays SAMEORIGIN, not DENY: Wagtail's editor shows the page preview
    # and the chooser modals in frames of this same site. Other sites still cannot frame
    # it, so clickjacking from elsewhere stays blocked.
    "security.W019",
    # No SECURE_HSTS_PRELOAD: entering the preload list binds the whole registered
    # domain (every subdomain of the bureau's, run by others) to HTTPS in browsers for
    # good; that is the domain owner's decision, made outside this application.
    "security.W021",
]
