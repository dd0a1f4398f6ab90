"""The publication guard: no catalogue record goes live without a completed review."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongkai.catalog.choices import DisclosureAttribute
from gongkai.core.publication import PublicationRefused

from .states import ReviewStatus

NOT_REVIEWED = gettext_noop(
    "This record cannot be published: it has no completed review. Submit it to the "
    "workflow: department review, confidentiality review and sign-off come first."
)
OTHER_REVISION = gettext_noop(
    "This version cannot be published: it differs from the version that passed review. "
    "Submit it for review again."
)
NOT_PROACTIVE = gettext_noop(
    "The review decided “%(decision)s”: this record is not published on the site."
)


def review_publication_guard(page) -> None:
    """Refuse unless the revision going live has an approved 审查单 decided 主动公开."""
    from gongkai.catalog.models import CatalogRecord

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
