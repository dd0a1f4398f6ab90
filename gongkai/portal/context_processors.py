from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from .accessibility import large_font_enabled
from .columns import columns


def _bureau(request: HttpRequest) -> object:
    from gongkai.org.models import Bureau

    return Bureau.load(request_or_site=request)


def portal(request: HttpRequest) -> dict[str, object]:
    """The bureau, the column registry, the large-font mode and the demo flag, for every template."""
    large_font = large_font_enabled(request)
    route = "portal:standard_font" if large_font else "portal:large_font"
    query = urlencode({"next": request.get_full_path()})
    return {
        "bureau": SimpleLazyObject(lambda: _bureau(request)),
        "portal_columns": SimpleLazyObject(columns),
        "large_font": large_font,
        # The footer marks a demo site as such, once (DEMO_MODE; off in production).
        "demo_mode": settings.DEMO_MODE,
        "large_font_toggle_url": SimpleLazyObject(lambda: f"{reverse(route)}?{query}"),
    }
