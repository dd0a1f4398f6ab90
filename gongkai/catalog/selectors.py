"""Reads of the catalogue: what the public may see, and what a member of staff may."""

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
