"""Absolute URLs of the public site, built from settings.SITE_URL and never from the request.

Whatever leaves the site and is followed later — a sitemap entry, a feed link, an API
field, an e-mail, a QR code, a share card — must name the site's one public address, not
the host a request happened to arrive by (a proxy's internal name, `127.0.0.1`, a
forged Host header that a cache would then hand to everyone).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings


def site_url() -> str:
    """SITE_URL without its trailing slash, e.g. ``https://gk.example.gov.cn``."""
    return str(settings.SITE_URL).rstrip("/")


def absolute_url(path: str) -> str:
    """``path`` (``/decisions/x/``) on SITE_URL; a URL that already names a host is kept.

    Media on S3-compatible storage already carry their own host, and that host is where
    the bytes are.
    """
    if not path:
        return site_url() + "/"
    if "://" in path or path.startswith("//"):
        return path
    return site_url() + ("" if path.startswith("/") else "/") + path


def rebase_url(url: str) -> str:
    """``url`` (absolute on any host, or a path) moved onto SITE_URL: path, query, fragment kept.

    For URLs that Wagtail builds from its Site record (``page.full_url``), which may name
    another host than the one the public uses.
    """
    parts = urlsplit(url)
    return absolute_url(urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment)))


def page_url(page: Any, request: Any = None) -> str | None:
    """The absolute public URL of a Wagtail page, or None when it has no route on any site."""
    parts = page.get_url_parts(request=request)
    if parts is None:
        return None
    _site_id, _root_url, page_path = parts
    return absolute_url(page_path)


def site_scheme_and_domain() -> tuple[str, str]:
    """("https", "gk.example.gov.cn[:port][/prefix]") of SITE_URL, for Django's sitemaps."""
    parts = urlsplit(site_url())
    return parts.scheme or "http", parts.netloc + parts.path


_ROOT_RELATIVE = re.compile(r"""(\s(?:href|src)\s*=\s*)(["'])(/(?!/)[^"']*)\2""", re.IGNORECASE)


def absolute_links(html: str) -> str:
    """``html`` with its root-relative ``href``/``src`` (``/media/…``, ``/documents/…``,
    page links, as Wagtail's rich text writes them) made absolute on SITE_URL."""
    return _ROOT_RELATIVE.sub(
        lambda m: f"{m.group(1)}{m.group(2)}{absolute_url(m.group(3))}{m.group(2)}", html
    )
