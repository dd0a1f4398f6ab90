"""The 审查单 as data: one builder for the admin inspect view and the printable PDF.

Both screens render `record_sheet(record)` through the same template
(review/_sheet.html), so what the screen shows and what is printed cannot drift. Every
value is ready to show: display labels instead of status codes, names instead of ids,
masked values only, and every time in the site's time zone (settings.TIME_ZONE) as
``Y-m-d H:i`` — including the ISO strings (UTC) stored in the record's JSON fields.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import dateformat, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .models import FindingResolution, ReviewRecord, ReviewStep
from .states import (
    FALSE_POSITIVE_REASON,
    FINAL,
    ChecklistItem,
    Decision,
    FindingSource,
    Resolution,
    StepKind,
)

FINGERPRINT_SHOWN = 12  # hex characters of the fingerprint shown on the sheet
LINEAGE_LIMIT = 100  # hops followed to number a document's version


def site_time(value) -> datetime | None:
    """`value` (an aware datetime, or an ISO 8601 string as stored in the JSON fields) in
    the site's time zone. A naive value is taken as UTC, as the JSON fields are written.
    None when empty or unreadable."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = parse_datetime(value.strip())
        except ValueError:
            return None
        if value is None:
            return None
    if not isinstance(value, datetime):
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, ZoneInfo("UTC"))
    return timezone.localtime(value, ZoneInfo(settings.TIME_ZONE))


def local_time(value) -> str:
    """`value` as ``Y-m-d H:i`` in the site's time zone (a date as ``Y-m-d``); "" if none."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return dateformat.format(value, "Y-m-d")
    moment = site_time(value)
    return dateformat.format(moment, "Y-m-d H:i") if moment is not None else ""


def _name(user) -> str:
    if user is None:
        return ""
    from gongkai.org.selectors import staff_name

    return staff_name(user)


def _label(choices, value: str) -> str:
    """The display label of `value` in `choices`; the value itself if unknown (never a crash)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


# --- the steps ----------------------------------------------------------------------------------


def _step(step: ReviewStep) -> dict:
    confidentiality_approval = (
        step.kind == StepKind.CONFIDENTIALITY and step.decision == Decision.APPROVE
    )
    checklist = []
    if step.checklist or confidentiality_approval:
        checklist = [
            {"label": str(item.label), "clear": bool(step.checklist.get(item.value))}
            for item in ChecklistItem
        ]
    return {
        "step": step.get_kind_display(),
        "reviewer": step.reviewer_name or _name(step.reviewer),
        "decided_at": local_time(step.decided_at),
        "decision": step.get_decision_display(),
        "approved": step.decision == Decision.APPROVE,
        "sent_back": step.decision == Decision.SENT_BACK,
        "comment": step.comment,
        "checklist": checklist,
        "disclosure": step.get_disclosure_display() if step.disclosure else "",
        "withholding_reason": (
            step.get_withholding_reason_display() if step.withholding_reason else ""
        ),
        "disclosure_reason": step.disclosure_reason,
    }


# --- personal data ------------------------------------------------------------------------------


def _where(source: str, document_name: str) -> tuple[str, str]:
    """The group a finding belongs to: (key, heading) — the body, or one attachment."""
    if source == FindingSource.BODY:
        return "body", str(FindingSource.BODY.label)
    name = document_name or _("Unnamed file")
    if source == FindingSource.UNREADABLE:
        return f"file:{name}", _("Attachment “%(name)s” (not checked automatically)") % {
            "name": name
        }
    return f"file:{name}", _("Attachment “%(name)s”") % {"name": name}


def _resolution_row(resolution: FindingResolution) -> dict:
    reason = resolution.reason
    if resolution.resolution == Resolution.FALSE_POSITIVE and reason == FALSE_POSITIVE_REASON:
        reason = ""  # the label says it already
    return {
        "kind": resolution.label,
        "masked": resolution.masked,
        "context": resolution.context,
        "location": resolution.location,
        "resolution": resolution.get_resolution_display(),
        "resolved": True,
        "reason": reason,
        "by": resolution.by_name or _name(resolution.by),
        "at": local_time(resolution.at),
    }


def _open_row(finding: dict, *, in_review: bool) -> dict:
    return {
        "kind": str(finding.get("label", "")),
        "masked": str(finding.get("masked", "")),
        "context": str(finding.get("context", "")),
        "location": str(finding.get("location", "")),
        "resolution": _("Not resolved yet") if in_review else _("Resolution not recorded"),
        "resolved": False,
        "reason": "",
        "by": "",
        "at": "",
    }


def _waiver_row(waiver: dict, step: ReviewStep) -> dict:
    """A waiver of an approval made before resolutions were recorded one by one."""
    reason = str(waiver.get("reason", ""))
    false_positive = reason == FALSE_POSITIVE_REASON
    return {
        "kind": str(waiver.get("label", "")),
        "masked": str(waiver.get("masked", "")),
        "context": str(waiver.get("context", "")),
        "location": str(waiver.get("location", "")),
        "resolution": str(
            Resolution.FALSE_POSITIVE.label if false_positive else Resolution.WAIVED.label
        ),
        "resolved": True,
        "reason": "" if false_positive else reason,
        "by": step.reviewer_name or _name(step.reviewer),
        "at": local_time(step.decided_at),
    }


def _personal_data(record: ReviewRecord, steps: list[ReviewStep], in_review: bool) -> list[dict]:
    """Every finding of the review, grouped by where it was (the body, then each file).

    The resolutions recorded one by one come first; a finding the steps saw that has none
    is shown too: a waiver of an older approval, or still open (not resolved yet).
    """
    groups: dict[str, dict] = {}

    def add(source: str, document_name: str, row: dict) -> None:
        key, heading = _where(source, document_name)
        group = groups.setdefault(key, {"heading": heading, "body": key == "body", "rows": []})
        group["rows"].append(row)

    resolutions = list(record.resolutions.select_related("by"))
    resolved = {r.key for r in resolutions if r.key}
    for resolution in resolutions:
        add(resolution.source, resolution.document_name, _resolution_row(resolution))
    shown = set(resolved)
    for step in reversed(steps):  # the latest word on a finding first
        for waiver in step.waivers or []:
            key = str(waiver.get("key", ""))
            if key and key not in shown and step.decision == Decision.APPROVE:
                shown.add(key)
                add(
                    str(waiver.get("source", "body")),
                    str(waiver.get("document_name", "")),
                    _waiver_row(waiver, step),
                )
    for step in steps:
        for finding in step.findings or []:
            key = str(finding.get("key", ""))
            if key and key not in shown:
                shown.add(key)
                add(
                    str(finding.get("source", "body")),
                    str(finding.get("document_name", "")),
                    _open_row(finding, in_review=in_review),
                )
    return sorted(groups.values(), key=lambda group: not group["body"])


# --- maskings and failures ----------------------------------------------------------------------


def _documents(ids: set[int]) -> dict[int, object]:
    from wagtail.documents import get_document_model

    if not ids:
        return {}
    return {d.pk: d for d in get_document_model().objects.filter(pk__in=ids)}


def _file_name(document) -> str:
    return os.path.basename(document.file.name or "") or document.title


def _version(document) -> int:
    """1 for an original upload, 2 for a file made from it (masked copy, new version)..."""
    from gongkai.files.models import DocumentLineage

    number, current, seen = 1, document.pk, set()
    while current is not None and current not in seen and number < LINEAGE_LIMIT:
        seen.add(current)
        current = (
            DocumentLineage.objects.filter(document_id=current)
            .values_list("previous_id", flat=True)
            .first()
        )
        if current is not None:
            number += 1
    return number


def _masking(entry: dict, documents: dict[int, object]) -> dict:
    masked = [m for m in entry.get("masked") or [] if isinstance(m, dict)]
    attachment = bool(entry.get("document") or entry.get("document_id"))
    original = documents.get(entry.get("document_id"))
    new = documents.get(entry.get("new_document_id"))
    return {
        "at": local_time(entry.get("at")),
        "by": str(entry.get("by", "")),
        "attachment": attachment,
        "target": (
            str(entry.get("document") or (_file_name(original) if original else ""))
            if attachment
            else str(FindingSource.BODY.label)
        ),
        "new_file": _file_name(new) if new is not None else "",
        "new_version": _version(new) if new is not None else None,
        "count": len(masked),
        "values": [
            {
                "kind": str(m.get("label", "")),
                "masked": str(m.get("masked", "")),
                "location": str(m.get("location", "")),
            }
            for m in masked
        ],
    }


def _attached_now(record: ReviewRecord) -> set[int] | None:
    """Ids of the documents the page's latest draft attaches; None if that cannot be told."""
    from gongkai.files.registry import owner_for

    page = record.page
    try:
        draft = page.specific.get_latest_revision_as_object()
    except Exception:  # telling must never stop the sheet
        return None
    owner = owner_for(draft)
    if owner is None:
        return None
    return {d.pk for d in owner.documents(draft) if d is not None}


def _failures(record: ReviewRecord, in_review: bool) -> list[dict]:
    entries = [e for e in record.masking_failures or [] if isinstance(e, dict)]
    attached = _attached_now(record) if entries and in_review else None
    failures = []
    for entry in entries:
        replaced = attached is not None and entry.get("document_id") not in attached
        failures.append(
            {
                "name": str(entry.get("name", "")),
                "reason": str(entry.get("reason", "")),
                "by": str(entry.get("by", "")),
                "at": local_time(entry.get("at")),
                "blocking": in_review and not replaced,
                "replaced": replaced,
            }
        )
    return failures


# --- the sheet ----------------------------------------------------------------------------------


def record_sheet(record: ReviewRecord) -> dict:
    """Everything the 审查单 of `record` shows, ready to render (screen and PDF)."""
    in_review = record.outcome not in FINAL
    steps = list(record.steps.select_related("reviewer"))
    submitter = _name(record.submitted_by)
    last = _name(record.last_submitted_by)
    maskings = [e for e in record.maskings or [] if isinstance(e, dict)]
    documents = _documents(
        {
            e.get(key)
            for e in maskings
            for key in ("document_id", "new_document_id")
            if isinstance(e.get(key), int)
        }
    )
    failures = _failures(record, in_review)
    return {
        "title": record.title,
        "department": str(record.department) if record.department else "",
        "submitted_by": submitter,
        "last_submitted_by": last if last and last != submitter else "",
        "submitted_at": local_time(record.started_at),
        "status": record.get_outcome_display(),
        "in_review": in_review,
        "completed_at": local_time(record.completed_at),
        "disclosure": record.get_disclosure_display() if record.disclosure else "",
        "note": record.note,
        "steps": [_step(step) for step in steps],
        "personal_data": _personal_data(record, steps, in_review),
        "maskings": [_masking(entry, documents) for entry in maskings],
        "masking_failures": failures,
        "blocked": any(f["blocking"] for f in failures),
        "fingerprint": (record.fingerprint or "")[:FINGERPRINT_SHOWN],
    }
