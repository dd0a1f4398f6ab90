"""The 适老化 display mode: large text and high contrast, chosen without JavaScript.

The choice lives in a cookie rather than the session, so anonymous pages stay
cacheable: responses vary on the Cookie header (see ``cache.py``).
"""

from django.http import HttpRequest

LARGE_FONT_COOKIE = "gk_large_font"
LARGE_FONT_COOKIE_AGE = 365 * 24 * 3600


def large_font_enabled(request: HttpRequest) -> bool:
    return request.COOKIES.get(LARGE_FONT_COOKIE) == "1"
