"""The publication guard: no catalogue record goes live without a completed review of exactly
what goes live (convention 18)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongkai.catalog.choices import DisclosureAttribute
from gongkai.core.publication import PublicationRefused

from .states import Decision, ReviewStatus, StepKind

NOT_REVIEWED = gettext_noop(
    "This record cannot be published: it has no completed review. Submit it to the "
    "workflow: department review, confidentiality review and sign-off come first."
)
OTHER_REVISION = gettext_noop(
    "This version cannot be published: it differs from the version that passed review. "
    "Submit it for review again."
)
CHANGED_SINCE_REVIEW = gettext_noop(
    "This version cannot be published: its content or its attachments changed after the "
    "review approved it. Submit it for review again."
)
NOT_PROACTIVE = gettext_noop(
    "The review decided “%(decision)s”: this record is not published on the site."
)


def review_publication_guard(page) -> None:
    """Refuse unless the revision going live has an approved 审查单 decided 主动公开, and what
    goes live has the fingerprint every approval in that 审查单 was bound to."""
    from gongkai.catalog.models import CatalogRecord

    from .fingerprint import content_fingerprint
    from .models import ReviewRecord

    if not isinstance(page, CatalogRecord):
        return
    revision_id = page.live_revision_id
    if page.pk is None or revision_id is None:
        raise PublicationRefused(_(NOT_REVIEWED))
    approved = ReviewRecord.objects.filter(page_id=page.pk, outcome=ReviewStatus.APPROVED)
    record = approved.filter(revision_id=revision_id).order_by("-completed_at").first()
    if record is None:
        if approved.exists():
            raise PublicationRefused(_(OTHER_REVISION))
        raise PublicationRefused(_(NOT_REVIEWED))
    if record.disclosure != DisclosureAttribute.PROACTIVE:
        raise PublicationRefused(
            _(NOT_PROACTIVE) % {"decision": DisclosureAttribute(record.disclosure).label}
            if record.disclosure
            else _(NOT_REVIEWED)
        )
    fingerprint = content_fingerprint(page)
    if not record.fingerprint or record.fingerprint != fingerprint:
        raise PublicationRefused(_(CHANGED_SINCE_REVIEW))
    # The confidentiality review and every approval after it saw exactly this.
    steps = list(record.steps.filter(decision=Decision.APPROVE).order_by("decided_at", "pk"))
    last = max(
        (i for i, step in enumerate(steps) if step.kind == StepKind.CONFIDENTIALITY), default=None
    )
    if last is not None and any(step.fingerprint != fingerprint for step in steps[last:]):
        raise PublicationRefused(_(CHANGED_SINCE_REVIEW))
