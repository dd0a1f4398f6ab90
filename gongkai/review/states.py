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
    SCHEDULED_REFUSED = "review.scheduled.refused", _("Scheduled publication refused")
