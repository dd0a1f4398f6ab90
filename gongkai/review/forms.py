"""The confidentiality review's approval form (复审意见)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.forms import TaskStateCommentForm
from wagtail.models import TaskState

from gongkai.catalog.choices import DisclosureAttribute, WithholdingReason

from .states import FALSE_POSITIVE_REASON, ChecklistItem


def checklist_field_name(item: str) -> str:
    return f"clear_{item}"


class ConfidentialityApprovalForm(forms.Form):
    """Checklist, 公开属性 with its reason, and how each personal-data finding is resolved.

    The findings are those of the draft being reviewed, so the form carries the task
    state; a finding is resolved by masking it (a separate action) or by a waiver
    posted as ``waive-<key>`` (a reason) or ``false-positive-<key>``. The service checks
    the same rules again (`services.confidentiality_check`).
    """

    review_task_state = forms.IntegerField(widget=forms.HiddenInput)
    disclosure = forms.ChoiceField(
        label=_("Disclosure attribute"),
        choices=DisclosureAttribute.choices,
        initial=DisclosureAttribute.PROACTIVE,
    )
    withholding_reason = forms.ChoiceField(
        label=_("Reason not disclosed"),
        choices=[("", "---------"), *WithholdingReason.choices],
        required=False,
    )
    rereview_date = forms.DateField(
        label=_("Re-review date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    disclosure_reason = forms.CharField(
        label=_("Reason for the decision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required unless the record is published proactively."),
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in ChecklistItem:
            self.fields[checklist_field_name(item.value)] = forms.BooleanField(
                label=_("Not involved: %(item)s") % {"item": item.label}, required=False
            )

    def checklist_fields(self):
        return [self[checklist_field_name(item.value)] for item in ChecklistItem]

    def clean(self):
        from .services import confidentiality_check

        data = super().clean()
        state = (
            TaskState.objects.filter(pk=data.get("review_task_state")).first()
            if data.get("review_task_state")
            else None
        )
        if state is None:
            raise ValidationError(_("This review step no longer exists."))
        data["checklist"] = {
            item.value: bool(data.pop(checklist_field_name(item.value), False))
            for item in ChecklistItem
        }
        waivers = []
        for name, value in self.data.items():
            if name.startswith("false-positive-") and value:
                waivers.append({"key": name[15:], "reason": FALSE_POSITIVE_REASON})
            elif name.startswith("waive-") and str(value).strip():
                key = name[6:]
                if not self.data.get(f"false-positive-{key}"):
                    waivers.append({"key": key, "reason": str(value).strip()})
        data["waivers"] = waivers
        page = state.workflow_state.content_object.get_latest_revision_as_object()
        confidentiality_check(page=page, data=data)
        return data


class ReturnForm(TaskStateCommentForm):
    """Request changes: the drafter must be told what to change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = True
        self.fields["comment"].help_text = _("Tell the drafter what to change.")
