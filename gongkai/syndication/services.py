"""What the exports are made of: one place that turns (adapter, object) into each form.

Nothing here writes: the exports are computed from the public object each time (the share
image's bytes are cached by their content).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from gongkai.core.urls import absolute_url, site_url

from .registry import SyndicationAdapter
from .share_image import Card, render_card, scan_caption
from .wechat import wechat_article
from .weibo import WEIBO_LIMIT, weibo_length, weibo_text


def _bureau_name() -> str:
    from gongkai.org.models import Bureau

    return Bureau.load().name


def share_card(adapter: SyndicationAdapter, obj: Any) -> Card:
    return Card(
        heading=_bureau_name(),
        title=adapter.title(obj),
        essentials=tuple(row for row in adapter.essentials(obj) if row.value),
        url=adapter.url(obj),
        caption=scan_caption(),
    )


def share_png(adapter: SyndicationAdapter, obj: Any) -> bytes:
    return render_card(share_card(adapter, obj))


def site_share_png() -> bytes:
    """The site's own card (og:image of pages that are not a syndicated object)."""
    from django.utils.translation import gettext as _

    return render_card(
        Card(
            heading=_bureau_name(),
            title=_("Government information disclosure platform"),
            essentials=(),
            url=site_url() + "/",
            caption=scan_caption(),
        )
    )


def share_image_url(obj: Any) -> str:
    return absolute_url(reverse("syndication:share_image", args=[obj.pk]))


def site_share_image_url() -> str:
    return absolute_url(reverse("syndication:site_share_image"))


def weibo_post(adapter: SyndicationAdapter, obj: Any) -> str:
    return weibo_text(
        title=adapter.title(obj),
        essentials=adapter.essentials(obj),
        summary=adapter.summary(obj),
        url=adapter.url(obj),
    )


def exports(adapter: SyndicationAdapter, obj: Any) -> dict[str, Any]:
    """All three exports of `obj`, for the staff page."""
    post = weibo_post(adapter, obj)
    return {
        "title": adapter.title(obj),
        "url": adapter.url(obj),
        "wechat_html": wechat_article(adapter, obj),
        "weibo_text": post,
        "weibo_length": weibo_length(post),
        "weibo_limit": WEIBO_LIMIT,
        "share_image_url": share_image_url(obj),
    }
