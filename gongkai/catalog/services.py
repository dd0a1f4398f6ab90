"""Writes to the catalogue."""

from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.actions.unpublish_page import UnpublishPageAction

from gongkai.core.audit import audit
from gongkai.org.models import Bureau

from .models import CatalogRecord, IndexNumberCounter
from .permissions import can_withdraw


class CatalogAction(models.TextChoices):
    """Audit actions of the catalogue's own services."""

    WITHDRAW = "catalog.record.withdraw", gettext_lazy("Withdraw record")
    ORIGINAL_DOWNLOAD = (
        "catalog.original.download",
        gettext_lazy("Attachment original downloaded"),
    )
    PUBLICATION_DATE_RAISED = (
        "catalog.record.publication_date_raised",
        gettext_lazy("Publication date raised to the day of first publication"),
    )
    FIRST_PUBLICATION_ATTESTED = (
        "catalog.record.first_publication_attest",
        gettext_lazy("First publication before the platform attested"),
    )


def _next_sequence(prefix: str, year: int) -> int:
    """Take the next number for (prefix, year); concurrent callers queue on the row lock."""
    IndexNumberCounter.objects.get_or_create(prefix=prefix, year=year)
    counter = IndexNumberCounter.objects.select_for_update().get(prefix=prefix, year=year)
    IndexNumberCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return counter.last


@transaction.atomic
def index_number_assign(*, record: CatalogRecord) -> str:
    """Give `record` its 索引号 `<organisation code>/<YYYY>-<NNNNN>` unless it has one.

    Called when a record is first published (REGULATIONS §4: assigned once, on
    first publication, never changed or reused). Sets `publication_date` to
    today if it is empty; the caller saves the record.
    """
    if record.index_number:
        return record.index_number
    today = timezone.localdate()
    if record.publication_date is None:
        record.publication_date = today
    prefix = Bureau.load().organisation_code
    year = record.publication_date.year
    record.index_number = f"{prefix}/{year}-{_next_sequence(prefix, year):05d}"
    return record.index_number


@transaction.atomic
def record_withdraw(*, record: CatalogRecord, by: Any, reason: str) -> CatalogRecord:
    """Withdraw (撤回) a published record: a state, not a deletion.

    Stamps `withdrawn_at` and `withdrawal_reason`, unpublishes the page (Wagtail logs
    the unpublication) and writes one audit entry. The record keeps its 索引号 and stays
    in the staff archive; republishing it needs a fresh review (see withdrawal.py).
    Raises ValidationError without a reason or for a record that is not live or already
    withdrawn, PermissionDenied if `by` may not withdraw records (permissions.can_withdraw:
    office reviewers, leaders, superusers). `by=None` is the system itself.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for withdrawing this record."))
    record = CatalogRecord.objects.select_for_update().get(pk=record.pk)
    if record.withdrawn_at is not None:
        raise ValidationError(_("This record has already been withdrawn."))
    if not record.live:
        raise ValidationError(_("Only a published record can be withdrawn."))
    if by is not None and not can_withdraw(record, by):
        raise PermissionDenied(_("You may not withdraw this record."))
    now = timezone.now()
    CatalogRecord.objects.filter(pk=record.pk).update(withdrawn_at=now, withdrawal_reason=reason)
    record.withdrawn_at = now
    record.withdrawal_reason = reason
    # Records refuse Wagtail's plain unpublish to everyone (RecordPermissionTester);
    # withdrawal is the one way, and its permission was checked above.
    UnpublishPageAction(record, user=by).execute(skip_permission_checks=True)
    audit(
        record,
        CatalogAction.WITHDRAW,
        user=by,
        data={"reason": reason, "index_number": record.index_number},
    )
    record.refresh_from_db()
    return record


def record_publication_date_log(*, record: CatalogRecord, given: date) -> None:
    """Audit that saving `record` raised a back-dated 发布日期 `given` to the day it first
    went public (CatalogRecord.save does the raising on every publish path)."""
    audit(
        record,
        CatalogAction.PUBLICATION_DATE_RAISED,
        data={
            "given": given.isoformat(),
            "publication_date": record.publication_date.isoformat(),
            "first_published_at": record.first_published_at.isoformat(),
        },
    )


@transaction.atomic
def record_first_publication_attest(
    *, record: CatalogRecord, published_on: date, note: str, by: Any = None
) -> CatalogRecord:
    """Attest (补录) that a record about to be published here was public since `published_on`,
    on the bureau's site before this platform. The demo seeds and imports of history call it
    before they publish the record; no staff screen does.

    Stores `first_published_at` as the start of that day (Asia/Shanghai): publication then
    keeps it (CatalogRecord.save), 条例 第26条's count runs to it and the 索引号 takes its
    year from the 发布日期 as usual. Refuses a record that has been public already (its
    first publication is fixed) and a day in the future. Writes one audit entry with `note`.
    """
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Say where the earlier publication is recorded."))
    record = CatalogRecord.objects.select_for_update().get(pk=record.pk)
    if record.live or record.first_published_at is not None:
        raise ValidationError(_("This record has been published already: that moment is fixed."))
    if published_on > timezone.localdate():
        raise ValidationError(_("An earlier publication cannot lie in the future."))
    moment = timezone.make_aware(datetime.combine(published_on, time.min))
    CatalogRecord.objects.filter(pk=record.pk).update(first_published_at=moment)
    record.first_published_at = moment
    audit(
        record,
        CatalogAction.FIRST_PUBLICATION_ATTESTED,
        user=by,
        data={"note": note, "first_published_at": moment.isoformat()},
    )
    return record
