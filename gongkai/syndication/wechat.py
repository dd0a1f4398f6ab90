"""A WeChat official-account article (公众号图文) for a public object.

The 公众号 editor keeps inline ``style`` attributes when HTML is pasted into it, but drops
classes, ``<style>`` sheets and scripts, and it fetches pasted images by their URL. So the
article carries its whole look in ``style`` attributes, every link and image is absolute on
SITE_URL, and only the renditions of images the object itself shows (public while it is)
may appear. The editor also removes links to sites outside WeChat in many accounts, so the
原文链接 is written out as text as well as linked.
"""

from __future__ import annotations

from typing import Any

import nh3
from django.utils.html import escape
from django.utils.translation import gettext as _
from lxml import html as lxml_html

from gongkai.core.urls import absolute_links, absolute_url

from .registry import SyndicationAdapter

FONT = "font-size:16px;line-height:1.75;color:#333333;"
STYLES = {
    "section": FONT + "margin:0;padding:0;",
    "h1": "font-size:22px;line-height:1.4;font-weight:bold;color:#1c2129;margin:0 0 16px;",
    "h2": "font-size:19px;line-height:1.5;font-weight:bold;color:#b3121b;margin:24px 0 12px;",
    "h3": "font-size:17px;line-height:1.5;font-weight:bold;color:#0a4a8a;margin:20px 0 10px;",
    "h4": "font-size:16px;line-height:1.5;font-weight:bold;color:#1c2129;margin:16px 0 8px;",
    "p": "margin:0 0 14px;text-align:justify;",
    "ul": "margin:0 0 14px;padding-left:24px;",
    "ol": "margin:0 0 14px;padding-left:24px;",
    "li": "margin:0 0 6px;",
    "blockquote": "margin:0 0 14px;padding:8px 12px;border-left:4px solid #d6dce4;color:#4a5361;",
    "table": "border-collapse:collapse;width:100%;margin:0 0 14px;font-size:14px;",
    "th": "border:1px solid #999999;padding:6px 8px;background-color:#f3f5f8;font-weight:bold;text-align:left;vertical-align:top;",
    "td": "border:1px solid #999999;padding:6px 8px;text-align:left;vertical-align:top;",
    "img": "display:block;max-width:100%;height:auto;margin:12px auto;",
    "a": "color:#0a4a8a;text-decoration:underline;word-break:break-all;",
    "strong": "font-weight:bold;",
    "b": "font-weight:bold;",
    "em": "font-style:italic;",
    "i": "font-style:italic;",
}
BODY_TAGS = {
    "h2", "h3", "h4", "h5", "h6", "p", "br", "ul", "ol", "li", "blockquote", "strong", "b",
    "em", "i", "u", "sub", "sup", "a", "img", "table", "thead", "tbody", "tfoot", "tr", "th",
    "td", "caption", "span", "div", "hr",
}  # fmt: skip
BODY_ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
ESSENTIALS_BOX = "margin:0 0 20px;padding:10px 14px;background-color:#f3f5f8;border:1px solid #d6dce4;font-size:14px;line-height:1.8;color:#4a5361;"
FOOTER = (
    "margin:24px 0 0;padding:12px 0 0;border-top:1px solid #d6dce4;font-size:14px;color:#4a5361;"
)


def _public_rendition_urls(images: list[Any]) -> set[str]:
    if not images:
        return set()
    from wagtail.images import get_image_model

    renditions = get_image_model().get_rendition_model().objects.filter(image__in=images)
    return {absolute_url(rendition.url) for rendition in renditions}


def _style(root: Any, allowed_images: set[str]) -> None:
    for element in list(root.iter()):
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "img" and element.get("src") not in allowed_images:
            # Not a rendition of an image this object shows: it is not known to be public.
            element.drop_tree()
            continue
        if tag in ("h5", "h6"):
            element.tag = tag = "h4"
        if tag == "hr":
            element.set("style", "border:0;border-top:1px solid #d6dce4;margin:20px 0;")
        elif tag in STYLES:
            element.set("style", STYLES[tag])


def wechat_article(adapter: SyndicationAdapter, obj: Any) -> str:
    """The article as one ``<section>`` of HTML with inline styles only."""
    body = adapter.body_html(obj)
    allowed_images = _public_rendition_urls(adapter.images(obj))
    body = nh3.clean(
        body,
        tags=BODY_TAGS,
        attributes=BODY_ATTRIBUTES,
        clean_content_tags={"script", "style", "noscript", "template"},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    )
    body = absolute_links(body)
    url = adapter.url(obj)
    parts = [f'<section style="{STYLES["section"]}">']
    essentials = [row for row in adapter.essentials(obj) if row.value]
    if essentials:
        parts.append(f'<p style="{ESSENTIALS_BOX}">')
        parts.append("<br>".join(f"{escape(row.label)}：{escape(row.value)}" for row in essentials))
        parts.append("</p>")
    parts.append(f"<div>{body}</div>")
    attachments = adapter.attachments(obj)
    if attachments:
        heading = escape(_("Attachments"))
        parts.append(f"<h3>{heading}</h3><ol>")
        for attachment in attachments:
            parts.append(
                f'<li><a href="{escape(attachment.url)}">{escape(attachment.title)}</a></li>'
            )
        parts.append("</ol>")
    original = escape(_("Original link"))
    parts.append(f'<p style="{FOOTER}">{original}：<a href="{escape(url)}">{escape(url)}</a></p>')
    parts.append("</section>")
    root = lxml_html.fragment_fromstring("".join(parts))
    _style(root, allowed_images)
    # The footer and essentials boxes keep their own styles (set above, after _style would
    # overwrite a <p>): set them again.
    paragraphs = root.findall("p")
    if essentials:
        paragraphs[0].set("style", ESSENTIALS_BOX)
    paragraphs[-1].set("style", FOOTER)
    return lxml_html.tostring(root, encoding="unicode")
