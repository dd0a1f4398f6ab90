"""The fingerprint of what a reviewer saw (convention 18: what was reviewed is what is published).

A SHA-256 over the public content of a page as given (a revision's object or the page
going live): every field of its type except Wagtail's bookkeeping and the fields that
publication itself sets, its child objects (attachments, in order) and the bytes of every
document and image it shows (gongkai.files registry). Approvals store it; the publication
guard recomputes it and refuses when anything differs, whatever the path.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from modelcluster.models import get_all_child_relations

# Page fields that say nothing the public sees, or that publication itself sets.
EXCLUDED_FIELDS = frozenset(
    {
        "id",
        "page_ptr",
        "path",
        "depth",
        "numchild",
        "translation_key",
        "locale",
        "latest_revision",
        "live",
        "has_unpublished_changes",
        "first_published_at",
        "last_published_at",
        "live_revision",
        "go_live_at",
        "expire_at",
        "expired",
        "locked",
        "locked_at",
        "locked_by",
        "draft_title",
        "content_type",
        "url_path",
        "owner",
        "latest_revision_created_at",
        "alias_of",
        # set on first publication or by withdrawal, never by an editor
        "index_number",
        "withdrawn_at",
        "withdrawal_reason",
    }
)
EXCLUDED_RELATIONS = frozenset({"wagtail_admin_comments"})


def _fields(obj: Any) -> dict[str, str | None]:
    values: dict[str, str | None] = {}
    for field in type(obj)._meta.concrete_fields:
        if field.name in EXCLUDED_FIELDS or field.primary_key:
            continue
        value = field.value_from_object(obj)
        values[field.name] = None if value is None else field.value_to_string(obj)
    return values


def _children(obj: Any) -> dict[str, list[dict[str, Any]]]:
    children: dict[str, list[dict[str, Any]]] = {}
    for relation in get_all_child_relations(type(obj)):
        name = relation.get_accessor_name()
        if name in EXCLUDED_RELATIONS:
            continue
        parent_field = relation.field.name
        rows = []
        for child in getattr(obj, name).all():
            row = {}
            for field in type(child)._meta.concrete_fields:
                if field.primary_key or field.name in (parent_field, "sort_order"):
                    continue
                value = field.value_from_object(child)
                row[field.name] = None if value is None else field.value_to_string(child)
            rows.append(row)
        children[name] = rows
    return children


def _files(obj: Any) -> dict[str, list[list[Any]]]:
    from gongkai.files.registry import owner_for
    from gongkai.files.selectors import document_sha256, file_sha256

    owner = owner_for(obj)
    if owner is None:
        return {"documents": [], "images": []}
    return {
        "documents": [[d.pk, document_sha256(d)] for d in owner.documents(obj) if d is not None],
        "images": [[i.pk, file_sha256(i.file)] for i in owner.images(obj) if i is not None],
    }


def fingerprint_parts(obj: Any) -> dict[str, Any]:
    """What the fingerprint covers, as plain data (for tests and for explaining a mismatch)."""
    obj = getattr(obj, "specific", obj)
    return {
        "type": type(obj)._meta.label_lower,
        "fields": _fields(obj),
        "children": _children(obj),
        "files": _files(obj),
    }


def content_fingerprint(obj: Any) -> str:
    """SHA-256 (hex) of `obj`'s public content: fields, child objects and file bytes."""
    canonical = json.dumps(fingerprint_parts(obj), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def revision_fingerprint(revision: Any) -> str:
    return content_fingerprint(revision.as_object())


def fingerprint_difference(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Names of what differs between two `fingerprint_parts` (fields, child relations, files)."""
    changed = [
        name
        for name in sorted(set(before["fields"]) | set(after["fields"]))
        if before["fields"].get(name) != after["fields"].get(name)
    ]
    changed += [
        name
        for name in sorted(set(before["children"]) | set(after["children"]))
        if before["children"].get(name) != after["children"].get(name)
    ]
    changed += [
        kind
        for kind in ("documents", "images")
        if before["files"].get(kind) != after["files"].get(kind)
    ]
    return changed
