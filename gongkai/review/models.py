"""The publication review (审查) of catalogue records: Wagtail task types and the 审查单."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.forms import TaskStateCommentForm
from wagtail.models import Task, TaskState

from gongkai.catalog.choices import DisclosureAttribute, WithholdingReason

from .states import Decision, FindingSource, Resolution, ReviewStatus, StepKind


class ReviewTask(Task):
    """Common behaviour of the three review steps: who may decide is a rule, not a group."""

    step_kind: str = ""

    class Meta:
        abstract = True

    def user_can_decide(self, obj, user) -> bool:
        from .permissions import can_decide

        return can_decide(self.step_kind, obj, user)

    def user_can_access_editor(self, obj, user):
        return self.user_can_decide(obj, user)

    def locked_for_user(self, obj, user):
        return not self.user_can_decide(obj, user)

    def user_can_lock(self, obj, user):
        return self.user_can_decide(obj, user)

    def get_actions(self, obj, user):
        if not self.user_can_decide(obj, user):
            return []
        return [
            ("reject", _("Request changes"), True),
            ("approve", _("Approve"), False),
            ("approve", _("Approve with comment"), True),
        ]

    def get_form_for_action(self, action):
        if action == "reject":
            from .forms import ReturnForm

            return ReturnForm
        return TaskStateCommentForm

    def on_action(self, task_state, user, action_name, **kwargs):
        """Decide through the service; a refusal becomes an admin message, not a 500."""
        from django.core.exceptions import PermissionDenied, ValidationError

        from .selectors import revision_seen
        from .services import SentBack, review_task_act
        from .views import refuse_in_admin, sent_back_in_admin

        page = task_state.workflow_state.content_object.specific
        if action_name == "approve" and not revision_seen(page=page, user=user):
            # Checked here, on every approval from the admin (queue, editor, modal), so
            # that no button or script can skip reading the draft.
            return refuse_in_admin(
                ValidationError(
                    _("Open 查看并审核 first: approve only after seeing the draft and its changes.")
                ),
                task_state,
            )
        try:
            result = review_task_act(
                task_state=task_state, user=user, action=action_name, data=kwargs
            )
        except (ValidationError, PermissionDenied) as exc:
            return refuse_in_admin(exc, task_state)
        if isinstance(result, SentBack):
            return sent_back_in_admin(result)
        return None

    def get_task_states_user_can_moderate(self, user, **kwargs):
        from .selectors import task_states_for_reviewer

        return task_states_for_reviewer(self, user)


class DepartmentReviewTask(ReviewTask):
    """科室负责人初审: the head of the record's own department."""

    step_kind = StepKind.DEPARTMENT

    class Meta:
        verbose_name = _("department review task")
        verbose_name_plural = _("department review tasks")

    @classmethod
    def get_description(cls):
        return _("The head of the record's department reviews the draft (初审).")


class ConfidentialityReviewTask(ReviewTask):
    """局办公室保密审查 (复审): checklist, 公开属性 and the personal-data findings."""

    step_kind = StepKind.CONFIDENTIALITY

    class Meta:
        verbose_name = _("confidentiality review task")
        verbose_name_plural = _("confidentiality review tasks")

    @classmethod
    def get_description(cls):
        return _(
            "The disclosure office checks secrets and personal data and decides the "
            "disclosure attribute (复审)."
        )

    def get_actions(self, obj, user):
        if not self.user_can_decide(obj, user):
            return []
        return [
            ("reject", _("Request changes"), True),
            ("approve", _("Approve after review"), True),
        ]

    def get_form_for_action(self, action):
        if action == "approve":
            from .forms import ConfidentialityApprovalForm

            return ConfidentialityApprovalForm
        return super().get_form_for_action(action)

    def get_template_for_action(self, action):
        if action == "approve":
            return "review/confidentiality_modal.html"
        return ""


class SignOffTask(ReviewTask):
    """分管领导签发."""

    step_kind = StepKind.SIGN_OFF

    class Meta:
        verbose_name = _("sign-off task")
        verbose_name_plural = _("sign-off tasks")

    @classmethod
    def get_description(cls):
        return _("The leader in charge signs the record off for publication (签发).")


class ReviewRecord(models.Model):
    """The 审查单 of one submission of a page to the review workflow."""

    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="review_records",
        verbose_name=_("page"),
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revision reviewed"),
    )
    workflow_state = models.OneToOneField(
        "wagtailcore.WorkflowState",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="review_record",
        verbose_name=_("workflow state"),
    )
    title = models.CharField(_("title"), max_length=255)
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    outcome = models.CharField(
        _("status"), max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.IN_REVIEW
    )
    disclosure = models.CharField(
        _("disclosure attribute"), max_length=12, choices=DisclosureAttribute.choices, blank=True
    )
    note = models.TextField(
        _("note"), blank=True, help_text=_("For a review recorded after the fact (补录).")
    )
    # One entry per one-click masking of the body: who, when, and the masked values.
    maskings = models.JSONField(_("maskings"), default=list, blank=True)
    last_submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last submitted by"),
    )
    # The fingerprint of what the last approval saw (fingerprint.py); the guard compares it.
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True, editable=False)
    # Attachments whose masking failed: they block approval until replaced.
    masking_failures = models.JSONField(_("masking failures"), default=list, blank=True)
    started_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("review record")
        verbose_name_plural = _("review records")
        indexes = [models.Index(fields=["page", "outcome"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_outcome_display()})"


class ReviewStep(models.Model):
    """One decision in a review record: who, when, what and why."""

    record = models.ForeignKey(
        ReviewRecord, on_delete=models.CASCADE, related_name="steps", verbose_name=_("record")
    )
    kind = models.CharField(_("step"), max_length=20, choices=StepKind.choices)
    task_state = models.ForeignKey(
        TaskState, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    reviewer_name = models.CharField(_("reviewer"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("decided at"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    checklist = models.JSONField(_("checklist"), default=dict, blank=True)
    disclosure = models.CharField(
        _("disclosure attribute"), max_length=12, choices=DisclosureAttribute.choices, blank=True
    )
    withholding_reason = models.CharField(
        _("reason not disclosed"), max_length=20, choices=WithholdingReason.choices, blank=True
    )
    disclosure_reason = models.TextField(_("reason for the disclosure decision"), blank=True)
    # Masked values only: a finding is stored as kind, location, masked value and context.
    findings = models.JSONField(_("personal data findings"), default=list, blank=True)
    waivers = models.JSONField(_("waived findings"), default=list, blank=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["decided_at", "pk"]
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_decision_display()}"


class FindingResolution(models.Model):
    """How one piece of personal data found in review was resolved, by whom and when."""

    record = models.ForeignKey(
        ReviewRecord,
        on_delete=models.CASCADE,
        related_name="resolutions",
        verbose_name=_("review record"),
    )
    key = models.CharField(max_length=32)
    source = models.CharField(_("found in"), max_length=12, choices=FindingSource.choices)
    kind = models.CharField(_("kind"), max_length=20)
    label = models.CharField(_("kind"), max_length=50)
    masked = models.CharField(_("masked value"), max_length=40, blank=True)
    context = models.TextField(_("context"), blank=True)
    location = models.CharField(_("location"), max_length=300, blank=True)
    document_name = models.CharField(_("file"), max_length=255, blank=True)
    resolution = models.CharField(_("resolution"), max_length=16, choices=Resolution.choices)
    reason = models.TextField(_("reason"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    by_name = models.CharField(_("by"), max_length=150, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("finding resolution")
        verbose_name_plural = _("finding resolutions")

    def __str__(self) -> str:
        return f"{self.label} {self.masked}: {self.get_resolution_display()}"


class RevisionSeen(models.Model):
    """A reviewer opened the preview and the changes of a revision (查看并审核).

    Approving a review step is refused until the reviewer has seen the revision they
    approve: an approval from the queue without reading the draft is not a review.
    One row per reviewer per revision; a new revision must be seen again.
    """

    revision = models.ForeignKey("wagtailcore.Revision", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(_("seen at"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["revision", "user"], name="review_seen_once")
        ]
        verbose_name = _("revision seen")
        verbose_name_plural = _("revisions seen")

    def __str__(self) -> str:
        return f"{self.user_id} saw revision {self.revision_id}"
