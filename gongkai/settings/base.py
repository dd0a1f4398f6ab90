"""Settings shared by every setup. Values come from environment variables."""

import secrets
from pathlib import Path

import dj_database_url

from .env import config, document
from .mail import email_settings

document(
    "DJANGO_SETTINGS_MODULE",
    "gongkai.settings.local",
    help="`gongkai.settings.local` (embedded, the default) or `gongkai.settings.production`.",
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(
    config(
        "GONGKAI_VAR_DIR",
        str(BASE_DIR / "var"),
        help="Folder for the SQLite database, uploaded media, the generated secret key and the cache.",
        shown="var/",
    )
)
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEVELOPMENT_SECRET_KEY = "insecure-development-key-do-not-use-in-production"


def _embedded_secret_key() -> str:
    """Generate the secret key once and keep it in var/ (embedded setup only)."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = (
    config(
        "SECRET_KEY",
        None,
        help="Django secret key. Required in production; the embedded setup generates one into `var/secret_key`.",
    )
    or _embedded_secret_key()
)

DEBUG = config("DEBUG", False, cast=bool, help="Show debug pages. Never in production (refused).")

ALLOWED_HOSTS = config(
    "ALLOWED_HOSTS",
    ["localhost", "127.0.0.1", "[::1]"],
    cast=list,
    help="Comma-separated host names the site answers to.",
)
CSRF_TRUSTED_ORIGINS = config(
    "CSRF_TRUSTED_ORIGINS",
    [],
    cast=list,
    help="Comma-separated origins (`https://gk.example.gov.cn`) allowed to POST when behind a proxy.",
)

SITE_URL = config(
    "SITE_URL",
    "http://127.0.0.1:8000",
    help="Public base URL, used in feeds, e-mails and admin links.",
)
WAGTAILADMIN_BASE_URL = SITE_URL

INSTALLED_APPS = [
    # gongkai — one app per domain; see README "Map of the apps"
    "gongkai.core",
    "gongkai.org",
    "gongkai.portal",
    "gongkai.catalog",
    "gongkai.review",
    "gongkai.search",
    "gongkai.files",
    "gongkai.notifications",
    "gongkai.press",
    "gongkai.syndication",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "gongkai.org.apps.StaffUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # background work, security
    "ninja",  # serves its Swagger UI assets locally instead of from a CDN
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "gongkai.core.middleware.RequestContextMiddleware",
    "gongkai.core.middleware.OutOfRangeIdMiddleware",
    "gongkai.org.middleware.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "gongkai.core.csp.PathAwareCSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # axes must be last
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gongkai.urls"
WSGI_APPLICATION = "gongkai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "gongkai.portal.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASE_URL = config(
    "DATABASE_URL",
    f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
    help="Database. Default: SQLite in WAL mode under `var/`. PostgreSQL: `postgres://user:pass@host:5432/gongkai`.",
    shown="sqlite:///var/db.sqlite3",
)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run while one writer writes; IMMEDIATE takes the
        # write lock at BEGIN so concurrent writers queue instead of failing.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions -------------------------------------------------------
REDIS_URL = config(
    "REDIS_URL",
    None,
    help="Optional Redis for cache and sessions (`redis://127.0.0.1:6379/0`). Default: a file cache under `var/cache`.",
)
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # A file cache is shared by all processes on one machine, unlike locmem.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- E-mail ----------------------------------------------------------------------
# Every notice goes through the outbox (gongkai.notifications): a failed send is retried,
# never lost. The embedded default writes each message to a file instead of failing.
EMAIL_URL = config(
    "EMAIL_URL",
    f"file://{VAR_DIR / 'mail'}",
    help="Outgoing mail: `smtp://user:pass@host:587?tls=1` (STARTTLS), `smtps://user:pass@host:465`"
    " (TLS), `file:///folder` (one file per message) or `console:`. Default: files under"
    " `var/mail/`, so nothing fails without a mail server. Unsent mail waits in the outbox and is"
    " retried.",
    shown="file://var/mail",
)
globals().update(email_settings(EMAIL_URL))
DEFAULT_FROM_EMAIL = config(
    "DEFAULT_FROM_EMAIL",
    "gongkai@localhost",
    help="Sender address of notifications and press digests (`政务公开平台 <gk@example.gov.cn>`).",
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
NOTIFICATIONS_MAX_ATTEMPTS = config(
    "NOTIFICATIONS_MAX_ATTEMPTS",
    6,
    cast=int,
    help="Attempts to send one mail before it is left failed in the outbox (after 1, 5, 30"
    " minutes, 2 hours, then every 6 hours); the information centre can retry it.",
)
# Wagtail's own workflow mails are replaced by gongkai.review.notifications (through the
# outbox); its comment notices, sent from the edit view, also use the mail backend above.
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False

# --- Background work ------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Authentication and security ---------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"

AXES_FAILURE_LIMIT = config(
    "AXES_FAILURE_LIMIT", 5, cast=int, help="Failed logins before an account+address is locked out."
)
AXES_COOLOFF_TIME = (
    config("AXES_COOLOFF_MINUTES", 30, cast=int, help="Minutes a lockout lasts.") / 60
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "org/lockout.html"
AXES_RESET_ON_SUCCESS = True
PROXY_COUNT = config(
    "PROXY_COUNT",
    0,
    cast=int,
    help="Number of trusted reverse proxies in front of the app (for the client IP in audit and lockout).",
)
# One rule for the client address in lockouts and audit entries (honours PROXY_COUNT;
# axes' own ipware path is not installed and would read REMOTE_ADDR only).
AXES_CLIENT_IP_CALLABLE = "gongkai.core.request_context.client_ip"
SEARCH_RATE_LIMIT = config(
    "SEARCH_RATE_LIMIT",
    30,
    cast=int,
    help="Searches per minute one client address may run (search page and API together; an IPv6 client counts by its /64); past it they get 429 with `Retry-After`. 0 turns the limit off.",
)
SEARCH_BACKEND = config(
    "SEARCH_BACKEND",
    "auto",
    help="Full-text engine of the public search: `auto` follows the database (FTS5 on SQLite, tsvector on PostgreSQL); `sqlite`, `postgresql` or a dotted path to a backend class.",
)

OTP_TOTP_ISSUER = "gongkai"
OTP_REQUIRED_ROLES = config(
    "OTP_REQUIRED_ROLES",
    ["site_admin"],
    cast=list,
    help="Roles whose members must verify a TOTP second factor before using the admin.",
)

# Read here so the configuration table lists them; applied by production.py.
PRODUCTION_SSL_REDIRECT = config(
    "SECURE_SSL_REDIRECT", True, cast=bool, help="Production: redirect plain HTTP to HTTPS."
)
PRODUCTION_HSTS_SECONDS = config(
    "SECURE_HSTS_SECONDS", 31536000, cast=int, help="Production: HSTS max-age in seconds."
)

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = False

# django-csp 4: the public site gets a strict policy; every asset is local.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
# The Wagtail admin still uses inline styles and scripts in places.
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
    }
}

# --- Language and time --------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]  # fills gaps in Wagtail's zh_Hans catalogues; see scripts/wagtail_translation_gaps.py  # fmt: skip
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文")]
WAGTAIL_I18N_ENABLED = False
TIME_ZONE = "Asia/Shanghai"
# One time zone: Wagtail then hides its account-page select of ~600 English zone names.
WAGTAIL_USER_TIME_ZONES = [TIME_ZONE]
USE_I18N = True
USE_TZ = True


# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(
    config(
        "MEDIA_ROOT",
        str(VAR_DIR / "media"),
        help="Folder for uploaded documents and images, their renditions and the published copies."
        " No web server may serve it directly: every file leaves through the app's gate"
        " (`/documents/…`, `/media/…`), which answers the public only for files of live, reviewed"
        " records.",
        shown="var/media",
    )
)
FILES_ACCEL_REDIRECT = config(
    "FILES_ACCEL_REDIRECT",
    "",
    help="Behind nginx: an `internal` location that maps to `MEDIA_ROOT` (e.g. `/_files/`). The"
    " gate then answers with `X-Accel-Redirect` and nginx sends the bytes. Empty: the app streams"
    " them itself.",
)
PRIVATE_MEDIA_ROOT = Path(
    config(
        "PRIVATE_MEDIA_ROOT",
        str(VAR_DIR / "private"),
        help="Folder for files no URL serves: the staff archive of attachment originals kept by"
        " earlier releases (which stripped published files in place). Staff download them through"
        " permission-checked admin views. Keep it outside `MEDIA_ROOT` and away from nginx.",
        shown="var/private",
    )
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "gongkai.core.storage.StaticFilesStorage"},
    "private": {"BACKEND": "gongkai.core.storage.PrivateFileSystemStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Wagtail ---------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "政务公开平台"
# Wagtail's database search over the public search's CJK bigram terms, so that staff
# find Chinese substrings in the admin; index updates wait for the commit.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "gongkai.search.wagtail_backend"}}
WAGTAILADMIN_COMMENTS_ENABLED = True
# Labels every login field in Chinese (Wagtail leaves the password label to Django's English default).
WAGTAILADMIN_USER_LOGIN_FORM = "gongkai.org.forms_login.LoginForm"
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# No avatars from gravatar.com: closed networks, CSP, and no e-mail hashes sent outside.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_DATE_FORMAT = "%Y-%m-%d"
WAGTAIL_DATETIME_FORMAT = "%Y-%m-%d %H:%M"
WAGTAIL_TIME_FORMAT = "%H:%M"
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "csv", "png", "jpg", "jpeg", "gif", "webp"]
# Every download goes through the gate (gongkai.files.views), never straight to storage.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "gongkai.catalog.document_forms.CheckedDocumentForm"
WAGTAILIMAGES_IMAGE_FORM_BASE = "gongkai.catalog.document_forms.CheckedImageForm"

# --- gongkai ------------------------------------------------------------------------------------
DEMO_MODE = config(
    "DEMO_MODE",
    True,
    cast=bool,
    help="Demo conveniences (e.g. `manage.py totp_code` for demo accounts) and the notice, once in every public page's footer, that its people, phone numbers and content are demo data. Off in production.",
)
PORTAL_CACHE_SECONDS = config(
    "PORTAL_CACHE_SECONDS",
    1,
    cast=int,
    help="Seconds nginx or a CDN may keep an anonymous public page, and as many more to serve it while refreshing (`Cache-Control: public, max-age=0, s-maxage=N, stale-while-revalidate=N`; browsers revalidate). Shared caches cannot be purged, so a publication reaches them within 2N seconds.",
)
PAGE_CACHE = config(
    "PAGE_CACHE",
    True,
    cast=bool,
    help="Answer anonymous public pages from each web process's memory before Django is entered; publishing or withdrawing purges every process at once through the shared cache (`REDIS_URL` or the file cache).",
)
PAGE_CACHE_SECONDS = config(
    "PAGE_CACHE_SECONDS",
    60,
    cast=int,
    help="Longest a page stays in the page cache (bounds the staleness of time-dependent content such as deadlines).",
)
PAGE_CACHE_MAX_ENTRIES = config(
    "PAGE_CACHE_MAX_ENTRIES",
    2000,
    cast=int,
    help="Pages each web process keeps at most in the page cache (least recently used go first).",
)
PAGE_CACHE_MAX_MB = config(
    "PAGE_CACHE_MAX_MB",
    64,
    cast=int,
    help="Megabytes of pages each web process keeps at most in the page cache.",
)
PAGE_CACHE_MAX_BYTES = PAGE_CACHE_MAX_MB * 1024 * 1024
# 条例 第26条: proactive information is published within 20 working days of being formed
# or changed. REGULATIONS.md §2 [C]; a setting so that a stricter local rule can apply.
TIMELINESS_WORKING_DAYS = config(
    "TIMELINESS_WORKING_DAYS",
    20,
    cast=int,
    help="Working days from a record's 信息形成日期 to its first publication before it counts as late (条例 第26条); the staff dashboard warns from `TIMELINESS_WARN_AT` working days on.",
)
TIMELINESS_WARN_AT = config(
    "TIMELINESS_WARN_AT",
    15,
    cast=int,
    help="Working day (counted from 信息形成日期) from which the staff dashboard warns about an unpublished draft or record in review.",
)
REREVIEW_DUE_SOON_DAYS = config(
    "REREVIEW_DUE_SOON_DAYS",
    30,
    cast=int,
    help="Calendar days before an Art.18 re-review date (不予公开 records) from which it is marked due soon and shown on the staff dashboard.",
)
PORT = config("PORT", 8000, cast=int, help="Port `make run` serves on (127.0.0.1).")
WEB_CONCURRENCY = config(
    "WEB_CONCURRENCY", 2, cast=int, help="Number of gunicorn worker processes `make run` starts."
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "gongkai": {
            "level": config("LOG_LEVEL", "INFO", help="Log level of gongkai's own loggers.")
        }
    },
}
