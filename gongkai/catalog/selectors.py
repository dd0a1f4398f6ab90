"""Reads of the catalogue: what the public may see, and what a member of staff may."""

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from wagtail.models import Page

from .archive import AttachmentOriginal
from .choices import DisclosureAttribute
from .models import CatalogRecord, RecordAttachment


def public_records() -> QuerySet[CatalogRecord]:
    """Records the public may see: live, proactively published, not withdrawn."""
    return (
        CatalogRecord.objects.live()
        .public()
        .filter(disclosure=DisclosureAttribute.PROACTIVE, withdrawn_at__isnull=True)
        .select_related("topic", "genre", "department")
    )


def column_records(column: Page) -> QuerySet[CatalogRecord]:
    """Public records anywhere under `column`, newest first."""
    return (
        public_records()
        .descendant_of(column)
        .order_by("-publication_date", "-first_published_at", "-pk")
    )


def related_records(
    record: CatalogRecord, public: QuerySet[CatalogRecord] | None = None, *, limit: int = 5
) -> QuerySet[CatalogRecord]:
    """The newest public records of the same topic class, without ``record`` itself.

    ``public`` narrows the candidates further (it defaults to all public records).
    """
    public = public_records() if public is None else public
    if record.topic_id is None:
        return public.none()
    return (
        public.filter(topic_id=record.topic_id)
        .exclude(pk=record.pk)
        .order_by("-publication_date", "-first_published_at", "-pk")[:limit]
    )


@dataclass(frozen=True)
class RelatedGroup:
    """A labelled group of 相关信息 on a record page."""

    key: str
    label: str
    records: list[CatalogRecord]


# How far a replacement chain is followed each way; real chains are two or three long.
REPLACEMENT_DEPTH = 10
SERIES_CANDIDATES = 60


def _replaced_chain(record: CatalogRecord, public: QuerySet[CatalogRecord]) -> list[CatalogRecord]:
    """What ``record`` replaces, then what those replaced, and so on: newest generation first.

    The chain is walked through every record, so a step that is not public does not cut it.
    """
    found: list[CatalogRecord] = []
    seen = {record.pk}
    generation = [record.pk]
    for _depth in range(REPLACEMENT_DEPTH):
        older = [
            pk
            for pk in CatalogRecord.objects.filter(replaced_by_id__in=generation).values_list(
                "pk", flat=True
            )
            if pk not in seen
        ]
        if not older:
            break
        seen.update(older)
        found.extend(public.filter(pk__in=older).order_by("-publication_date", "-pk"))
        generation = older
    return found


def _replacing_chain(record: CatalogRecord, public: QuerySet[CatalogRecord]) -> list[CatalogRecord]:
    """What replaces ``record``, what replaces that, and so on: the current version last.

    A step that is not public (withdrawn, not yet live) is skipped over, not a dead end.
    """
    found: list[CatalogRecord] = []
    seen = {record.pk}
    next_id = record.replaced_by_id
    for _depth in range(REPLACEMENT_DEPTH):
        if next_id is None or next_id in seen:
            break
        seen.add(next_id)
        step = CatalogRecord.objects.filter(pk=next_id).values_list("replaced_by_id", flat=True)
        visible = public.filter(pk=next_id).first()
        if visible is not None:
            found.append(visible)
        next_id = step.first()
    return found


def _series(
    record: CatalogRecord, public: QuerySet[CatalogRecord], exclude: set[int], limit: int
) -> list[CatalogRecord]:
    """Other public documents of the same issuer's code and kind (毕人社发, 毕人社通 ...).

    Documents are stored under their canonical 文号 (core.docnumber), so a prefix match on
    "毕人社发〔" finds the series; the nearest years come first, then the newer.
    """
    from gongkai.core.docnumber import parse_doc_number

    parsed = parse_doc_number(record.doc_number) if record.doc_number else None
    if parsed is None:
        return []
    start = f"{parsed.prefix}第" if parsed.is_order else f"{parsed.prefix}〔"
    candidates = []
    for other in (
        public.filter(doc_number__startswith=start)
        .exclude(pk__in=exclude)
        .order_by("-publication_date", "-pk")[:SERIES_CANDIDATES]
    ):
        number = parse_doc_number(other.doc_number)
        if number is None or number.prefix != parsed.prefix:
            continue
        distance = abs((number.year or 0) - (parsed.year or 0))
        candidates.append(((distance, -(number.year or 0), -number.number), other))
    candidates.sort(key=lambda pair: pair[0])
    return [other for _key, other in candidates[:limit]]


def related_groups(
    record: CatalogRecord, public: QuerySet[CatalogRecord] | None = None, *, limit: int = 5
) -> list[RelatedGroup]:
    """相关信息 of a record, in labelled groups, public records only, without empty groups.

    In order: the documents this one replaces (被本件替代) and those that replace it (替代本件),
    following the chain both ways; other documents of its 文号 series (同一文号系列); then the
    newest of its 主题分类 (同一主题). A record appears in the first group it belongs to only.
    """
    from django.utils.translation import gettext as _

    public = public_records() if public is None else public
    groups: list[RelatedGroup] = []
    shown: set[int] = {record.pk}

    def add(key: str, label: str, records: list[CatalogRecord]) -> None:
        records = [r for r in records if r.pk not in shown]
        if records:
            shown.update(r.pk for r in records)
            groups.append(RelatedGroup(key, label, records))

    add("replaces", _("Replaced by this document"), _replaced_chain(record, public))
    add("replaced-by", _("Replaces this document"), _replacing_chain(record, public))
    add("series", _("Same document number series"), _series(record, public, shown, limit))
    if record.topic_id is not None:
        add(
            "topic",
            _("Same topic"),
            list(
                public.filter(topic_id=record.topic_id)
                .exclude(pk__in=shown)
                .order_by("-publication_date", "-first_published_at", "-pk")[:limit]
            ),
        )
    return groups


def statutory_item_counts(public: QuerySet[CatalogRecord] | None = None) -> dict[str, int]:
    """How many public records each 条例 第20条 (and 第21条) item has."""
    public = public_records() if public is None else public
    rows = public.order_by().values("disclosure_item").annotate(n=Count("pk"))
    return {row["disclosure_item"]: row["n"] for row in rows}


def attachment_originals_for_user(user) -> QuerySet[AttachmentOriginal]:
    """Attachment originals (附件原件) `user` may download.

    An original still carries what publication strips (authors, comments, tracked
    changes), so it is for the staff who are responsible for its record: superusers and
    the office reviewers (局办公室, who keep the confidentiality review) see every one;
    other staff see the originals of records of their own department that they may edit
    by the department rule (org.permissions.editable_department_pages), even when their
    role works across departments (a leader signs off, the information centre runs the
    site: neither needs the unredacted files). Anonymous users and inactive accounts see
    none.
    """
    from gongkai.org.permissions import editable_department_pages
    from gongkai.org.roles import OFFICE_REVIEWER, user_has_role
    from gongkai.org.selectors import department_of

    originals = AttachmentOriginal.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return originals.none()
    if user.is_superuser or user_has_role(user, OFFICE_REVIEWER):
        return originals
    department = department_of(user)
    if department is None:
        return originals.none()
    records = editable_department_pages(user, CatalogRecord.objects.filter(department=department))
    documents = RecordAttachment.objects.filter(record__in=records).values("document_id")
    return originals.filter(document_id__in=documents)
