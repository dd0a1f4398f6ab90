"""Tables in a record's body that survive the page editor.

A record body is Wagtail rich text: HTML in the database, edited in Draftail. Draftail
has no table, and Wagtail's HTML→contentstate conversion keeps only the text of the cells:
a table imported from Word (word_import) was lost on the first save in the admin.

So a record's body editor (``RecordBodyEditor``, installed by the record form) carries each
``<table>`` through the editor whole, as one read-only block:

- on the way in, ``TableAwareConverter`` turns every table into
  ``<embed embedtype="table" html="…"/>``, which the "table" feature's rule makes an
  atomic TABLE entity holding the table's HTML;
- Draftail shows it as a block (static/catalog/js/draftail-table.js) that can be moved or
  deleted, not edited; a changed table comes from a new Word import;
- on the way out, the entity becomes the ``<table>`` again, sanitised by nh3 to the table
  elements and attributes below (no style, no script, no links).

The table stays ordinary HTML in the stored body, so the personal-data scan and masking of
the review (review/selectors.py, mask_html), the search index and the revision comparison
see its cells like any other text. The public page shows it as it is stored.
"""

from __future__ import annotations

import re
from html import escape

import nh3
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from draftjs_exporter.dom import DOM
from wagtail.admin.rich_text import DraftailRichTextArea
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.admin.rich_text.converters.contentstate_models import Entity
from wagtail.admin.rich_text.converters.html_to_contentstate import (
    AtomicBlockEntityElementHandler,
)
from wagtail.admin.rich_text.editors.draftail import features as draftail_features
from wagtail.rich_text import features as feature_registry

FEATURE = "table"
ENTITY = "TABLE"
TABLE_TAGS = frozenset({"table", "caption", "thead", "tbody", "tr", "th", "td", "br"})
TABLE_ATTRIBUTES: dict[str, set[str]] = {
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
PREVIEW_CHARS = 80
_TABLE = re.compile(r"<table\b.*?</table\s*>", re.IGNORECASE | re.DOTALL)
_SPAN = re.compile(r"^[1-9]\d{0,2}$")
_SCOPES = frozenset({"col", "row", "colgroup", "rowgroup"})


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    if attribute in ("colspan", "rowspan"):
        return value if _SPAN.match(value) else None
    if attribute == "scope":
        return value if value in _SCOPES else None
    return value


def clean_table_html(html: str) -> str:
    """``html`` reduced to table markup: the tags and attributes above, nothing else."""
    return nh3.clean(
        html,
        tags=set(TABLE_TAGS),
        attributes=TABLE_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes=set(),
        link_rel=None,
    ).strip()


def table_preview(html: str) -> str:
    """What the editor shows of a table: the size and the first row's text."""
    rows = re.findall(r"<tr\b.*?</tr\s*>", html, re.IGNORECASE | re.DOTALL)
    first = " | ".join(
        strip_tags(cell).strip()
        for cell in re.findall(r"<t[hd]\b.*?</t[hd]\s*>", rows[0] if rows else "", re.DOTALL)
    )
    if len(first) > PREVIEW_CHARS:
        first = first[: PREVIEW_CHARS - 1] + "…"
    return str(_("Table, %(rows)s rows: %(first)s") % {"rows": len(rows), "first": first})


def tables_to_embeds(html: str) -> str:
    """Each ``<table>`` of stored rich text as an embed the contentstate rule understands."""
    return _TABLE.sub(
        lambda match: f'<embed embedtype="{FEATURE}" html="{escape(match.group(0), quote=True)}"/>',
        html or "",
    )


class TableElementHandler(AtomicBlockEntityElementHandler):
    """``<embed embedtype="table" html="…"/>`` → an immutable TABLE entity."""

    def create_entity(self, name, attrs, state, contentstate):
        html = clean_table_html(attrs.get("html", ""))
        return Entity(ENTITY, "IMMUTABLE", {"html": html, "preview": table_preview(html)})


def table_entity(props):
    """A TABLE entity → the sanitised ``<table>`` in the stored HTML (or nothing)."""
    html = clean_table_html(props.get("html", ""))
    if not html.startswith("<table"):
        return None
    return DOM.parse_html(html)


class TableAwareConverter(ContentstateConverter):
    """Wagtail's converter, with tables carried whole through the editor (see module doc)."""

    def from_database_format(self, html):
        return super().from_database_format(tables_to_embeds(html))


class RecordBodyEditor(DraftailRichTextArea):
    """Draftail for a record body: the default features, and tables kept."""

    def __init__(self, *args, **kwargs):
        features = kwargs.pop("features", None) or feature_registry.get_default_features()
        if FEATURE not in features:
            features = [*features, FEATURE]
        super().__init__(*args, features=features, **kwargs)
        self.converter = TableAwareConverter(self.features)


def register_table_feature(features) -> None:
    """The "table" rich-text feature (not on by default: only record bodies use it)."""
    features.register_editor_plugin(
        "draftail",
        FEATURE,
        draftail_features.EntityFeature(
            {
                "type": ENTITY,
                "icon": "table",
                "description": _("Table (from a Word import; it cannot be edited here)"),
                "removeLabel": _("Remove this table"),
            },
            js=["catalog/js/draftail-table.js"],
            css={"all": ["catalog/css/draftail-table.css"]},
        ),
    )
    features.register_converter_rule(
        "contentstate",
        FEATURE,
        {
            "from_database_format": {f'embed[embedtype="{FEATURE}"]': TableElementHandler()},
            "to_database_format": {"entity_decorators": {ENTITY: table_entity}},
        },
    )
