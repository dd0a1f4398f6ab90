"""Template filters of the public catalogue pages."""

import re

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from wagtail.templatetags.wagtailcore_tags import richtext

register = template.Library()

_TABLE_OPEN = re.compile(r"<table\b", re.IGNORECASE)
_TABLE_CLOSE = re.compile(r"</table\s*>", re.IGNORECASE)


@register.filter
def record_body(value) -> SafeString:
    """A record body as rich text, each table in a region that scrolls sideways on a phone.

    The region is focusable and named, so keyboard users can scroll it (WCAG 2.1.1; axe
    "scrollable-region-focusable"), and the table keeps its table semantics.
    """
    html = str(richtext(value))
    count = 0

    def open_region(match: re.Match) -> str:
        nonlocal count
        count += 1
        label = _("Table %(number)s") % {"number": count}
        return (
            f'<div class="table-scroll" role="region" tabindex="0" aria-label="{label}">'
            f"{match.group(0)}"
        )

    html = _TABLE_OPEN.sub(open_region, html)
    html = _TABLE_CLOSE.sub(lambda match: f"{match.group(0)}</div>", html)
    # The stored body is sanitised rich text; only the wrapping divs are added.
    return mark_safe(html)
