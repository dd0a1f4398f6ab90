"""Parse `EMAIL_URL` into Django's e-mail settings.

A few lines instead of a package: dj-email-url (the usual one) has had no release since
2022, and django-environ / environs would bring a second way of reading settings.

    smtp://user:pass@host:587?tls=1   SMTP with STARTTLS (port 25 by default)
    smtps://user:pass@host:465        SMTP over TLS (port 465 by default)
    file:///path/to/folder            one .log file per message (Django's filebased backend)
    console:                          print to stdout
    locmem:                           keep in memory (tests)
"""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
_TRUE = {"1", "true", "yes", "on"}


def email_settings(url: str) -> dict:
    """The EMAIL_* settings `url` stands for; ValueError for a scheme we do not know."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in BACKENDS:
        raise ValueError(
            f"EMAIL_URL must start with smtp://, smtps://, file://, console: or locmem:, not {url!r}"
        )
    result: dict = {"EMAIL_BACKEND": BACKENDS[scheme]}
    if scheme == "file":
        path = unquote(parts.path)
        if not path:
            raise ValueError("EMAIL_URL file:// needs a folder, e.g. file:///srv/gongkai/mail")
        result["EMAIL_FILE_PATH"] = path
    elif scheme in ("smtp", "smtps"):
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        ssl = scheme == "smtps" or query.get("ssl", "").lower() in _TRUE
        result.update(
            EMAIL_HOST=parts.hostname or "localhost",
            EMAIL_PORT=parts.port or (465 if ssl else 25),
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_SSL=ssl,
            EMAIL_USE_TLS=not ssl and query.get("tls", "").lower() in _TRUE,
        )
        if "timeout" in query:
            result["EMAIL_TIMEOUT"] = int(query["timeout"])
        else:
            # A hanging server must not hold a worker forever; the outbox retries.
            result["EMAIL_TIMEOUT"] = 30
    return result
