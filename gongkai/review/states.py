"""The lifecycle of a review record (审查单) and the vocabularies of its steps.

REGULATIONS §5: 先审查、后发布, 一事一审. A record opens when a draft is submitted to
the workflow, goes back to the drafter when a reviewer rejects it, and is approved when
the leader in charge signs off. Withdrawing the submission cancels it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewStatus(models.TextChoices):
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved")
    CANCELLED = "cancelled", _("Cancelled")


# from -> allowed targets. APPROVED and CANCELLED are final: a later change of the page
# starts a new review with a new record.
TRANSITIONS: dict[str, frozenset[str]] = {
    ReviewStatus.IN_REVIEW: frozenset(
        {ReviewStatus.RETURNED, ReviewStatus.APPROVED, ReviewStatus.CANCELLED}
    ),
    ReviewStatus.RETURNED: frozenset({ReviewStatus.IN_REVIEW, ReviewStatus.CANCELLED}),
    ReviewStatus.APPROVED: frozenset(),
    ReviewStatus.CANCELLED: frozenset(),
}

FINAL = frozenset({ReviewStatus.APPROVED, ReviewStatus.CANCELLED})


def can_transition(current: str, to: str) -> bool:
    return to in TRANSITIONS.get(current, frozenset())


class StepKind(models.TextChoices):
    DEPARTMENT = "department", _("Department review")  # 科室负责人初审
    CONFIDENTIALITY = "confidentiality", _("Confidentiality review")  # 局办公室保密审查（复审）
    SIGN_OFF = "sign_off", _("Sign-off")  # 分管领导签发


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Returned")
    # Changed after the confidentiality review: back to that step (convention 18).
    SENT_BACK = "sent_back", _("Sent back to the confidentiality review")


class FindingSource(models.TextChoices):
    BODY = "body", _("Body")
    ATTACHMENT = "attachment", _("Attachment")
    UNREADABLE = "unreadable", _("Not checked automatically")


class Resolution(models.TextChoices):
    """How a personal-data finding was resolved in review (审查单)."""

    MASKED = "masked", _("Masked")
    REPLACED = "replaced", _("Removed by a change")  # the text or file no longer holds it
    WAIVED = "waived", _("Waived")
    FALSE_POSITIVE = "false_positive", _("Not personal data")


class ChecklistItem(models.TextChoices):
    """What the confidentiality review confirms is not involved (REGULATIONS §5)."""

    STATE_SECRET = "state_secret", _("State secrets")  # 国家秘密
    WORK_SECRET = "work_secret", _("Work secrets")  # 工作秘密
    TRADE_SECRET = "trade_secret", _("Trade secrets")  # 商业秘密
    PRIVACY = "privacy", _("Personal privacy")  # 个人隐私
    SECURITY_STABILITY = (
        "security_stability",
        _("National, public, economic security and social stability"),
    )  # 三安全一稳定


FALSE_POSITIVE_REASON = "非个人信息（误报）"


class ReviewAction(models.TextChoices):
    """Audit actions of the review app."""

    RECORD_OPEN = "review.record.open", _("Review opened")
    RECORD_TRANSITION = "review.record.transition", _("Review status changed")
    STEP_DECIDE = "review.step.decide", _("Review step decided")
    BODY_MASK = "review.body.mask", _("Personal data masked in the body")
    ATTACHMENT_MASK = "review.attachment.mask", _("Personal data masked in an attachment")
    ATTACHMENT_MASK_FAILED = (
        "review.attachment.mask_failed",
        _("Masking an attachment failed"),
    )
    SENT_BACK = "review.sent_back", _("Sent back to the confidentiality review")
    SCHEDULED_REFUSED = "review.scheduled.refused", _("Scheduled publication refused")
