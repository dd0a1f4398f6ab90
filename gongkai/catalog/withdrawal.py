"""What withdrawal (撤回) means beyond the service: a withdrawn record needs a fresh review.

A withdrawn record keeps its old, approved revision. Republishing that revision as it
stands would bring back what was withdrawn without anyone looking at it again, so the
guard below refuses any revision saved before the withdrawal: the record must be edited
(or resubmitted) and pass the review workflow again. Once it is published that way it
is no longer withdrawn.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from wagtail.signals import page_published

from gongkai.core.publication import PublicationRefused, register_publication_guard

WITHDRAWN_NEEDS_REVIEW = gettext_noop(
    "This record was withdrawn. Submit a new version for review before publishing it again."
)


def withdrawn_record_guard(page) -> None:
    """Refuse to republish a withdrawn record with a revision from before its withdrawal."""
    from .models import CatalogRecord

    if not isinstance(page, CatalogRecord) or page.withdrawn_at is None:
        return
    revision = page.live_revision
    if revision is None or revision.created_at <= page.withdrawn_at:
        raise PublicationRefused(_(WITHDRAWN_NEEDS_REVIEW))


def _clear_withdrawal(sender, instance, **kwargs) -> None:
    from .models import CatalogRecord

    if isinstance(instance, CatalogRecord) and instance.withdrawn_at is not None:
        # The guard let a freshly reviewed version through: the record is public again.
        CatalogRecord.objects.filter(pk=instance.pk).update(withdrawn_at=None, withdrawal_reason="")
        instance.withdrawn_at = None
        instance.withdrawal_reason = ""


PUBLISHED_NOT_DELETED = gettext_noop(
    "“%(title)s” has been published (index number %(index)s) and cannot be deleted. Withdraw "
    "it instead: it then leaves the site but stays in the archive."
)


def _refuse_deleting_published(sender, instance, **kwargs) -> None:
    """Every path (admin views, the admin API, code): a published record is never deleted."""
    from django.core.exceptions import PermissionDenied

    if getattr(instance, "index_number", None):
        raise PermissionDenied(
            _(PUBLISHED_NOT_DELETED) % {"title": instance.title, "index": instance.index_number}
        )


def connect() -> None:
    from django.db.models.signals import pre_delete

    from .models import CatalogRecord

    pre_delete.connect(
        _refuse_deleting_published, sender=CatalogRecord, dispatch_uid="catalog.no_delete"
    )
    register_publication_guard("catalog.withdrawn", withdrawn_record_guard)
    page_published.connect(_clear_withdrawal, dispatch_uid="catalog.clear_withdrawal")
