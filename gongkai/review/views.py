"""Admin views of the review: one-click masking and the printable 审查单."""

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from wagtail.admin import messages
from wagtail.models import TaskState

from gongkai.core.request_context import current_request

from .models import ReviewRecord
from .services import review_attachment_mask, review_body_mask


def _messages_of(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return [str(m) for m in exc.messages]
    return [str(exc) or _("You may not do this.")]


def refuse_in_admin(exc: Exception, task_state: TaskState) -> str:
    """Show why a workflow action was refused and send the user back to the page editor."""
    request = current_request()
    if request is not None:
        for message in _messages_of(exc):
            messages.error(request, message)
    return reverse("wagtailadmin_pages:edit", args=[task_state.workflow_state.object_id])


def sent_back_in_admin(sent_back) -> str:
    """Tell why an approval sent the draft back, and return to its editor."""
    request = current_request()
    if request is not None:
        messages.warning(request, sent_back.reason)
    return reverse("wagtailadmin_pages:edit", args=[sent_back.page_id])


def _confidentiality_state(request, task_state_id: int):
    from .models import ConfidentialityReviewTask

    task_state = get_object_or_404(TaskState, pk=task_state_id)
    task = task_state.task.specific
    page = task_state.workflow_state.content_object.specific
    if (
        not isinstance(task, ConfidentialityReviewTask)
        or task_state.status != TaskState.STATUS_IN_PROGRESS
        or not task.user_can_decide(page, request.user)
    ):
        raise PermissionDenied
    return task_state, page


@dataclass
class AttachmentCheck:
    """One attachment of the draft as the confidentiality reviewer sees it."""

    document_id: int
    name: str
    title: str
    url: str
    findings: list = field(default_factory=list)
    maskable: bool = False
    unreadable: bool = False
    failure: dict | None = None
    masked_from: str = ""


@never_cache
@login_required
def workspace(request, task_state_id: int):
    """The confidentiality reviewer's view of a draft's personal data, with one-click masking.

    Each finding is shown before (as written, for this screen only) and after masking; the
    body and each maskable attachment are masked with one click each.
    """
    from gongkai.files.models import DocumentLineage

    from .models import ReviewRecord
    from .selectors import draft_attachment_metadata, draft_findings

    task_state, page = _confidentiality_state(request, task_state_id)
    draft = page.get_latest_revision_as_object()
    findings = draft_findings(draft)
    record = ReviewRecord.objects.filter(workflow_state=task_state.workflow_state).first()
    failures = {e.get("document_id"): e for e in (record.masking_failures if record else [])}
    attachments: list[AttachmentCheck] = []
    for attachment in draft.attachments.all():
        document = attachment.document
        if any(a.document_id == document.pk for a in attachments):
            continue
        lineage = DocumentLineage.objects.filter(document=document).first()
        own = [f for f in findings if f.document_id == document.pk]
        attachments.append(
            AttachmentCheck(
                document_id=document.pk,
                name=document.filename,
                title=str(attachment),
                url=document.url,
                findings=[f for f in own if f.source == "attachment"],
                maskable=any(f.maskable for f in own),
                unreadable=any(f.source == "unreadable" for f in own),
                failure=failures.get(document.pk),
                masked_from=(
                    lineage.previous.filename
                    if lineage is not None and lineage.previous is not None
                    else ""
                ),
            )
        )
    body = [f for f in findings if f.source == "body"]
    return TemplateResponse(
        request,
        "review/workspace.html",
        {
            "page": page,
            "task_state": task_state,
            "body_findings": body,
            "attachments": attachments,
            "unreadable": [f for f in findings if f.source == "unreadable"],
            "attachment_metadata": draft_attachment_metadata(draft),
            "clean": not findings,
        },
    )


@login_required
@require_POST
def mask_body(request, task_state_id: int):
    task_state = get_object_or_404(TaskState, pk=task_state_id)
    edit_url = reverse("wagtailadmin_pages:edit", args=[task_state.workflow_state.object_id])
    back_url = reverse("review_workspace", args=[task_state.pk])
    try:
        count = review_body_mask(task_state=task_state, by=request.user)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect(edit_url)
    if count:
        messages.success(
            request,
            _(
                "%(count)s piece(s) of personal data in the body were masked; a new revision was saved."
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("The body contains no personal data to mask."))
    return redirect(back_url)


@login_required
@require_POST
def mask_attachment(request, task_state_id: int, document_id: int):
    """Mask every finding inside one attachment (a new document version in a new revision)."""
    task_state = get_object_or_404(TaskState, pk=task_state_id)
    back_url = reverse("review_workspace", args=[task_state.pk])
    edit_url = reverse("wagtailadmin_pages:edit", args=[task_state.workflow_state.object_id])
    try:
        count = review_attachment_mask(
            task_state=task_state, document_id=document_id, by=request.user
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect(edit_url)
    except ValidationError as exc:
        for message in _messages_of(exc):
            messages.error(request, message)
        return redirect(back_url)
    if count:
        messages.success(
            request,
            _(
                "%(count)s piece(s) of personal data in the attachment were masked; the masked "
                "file replaces it in a new revision and the original stays unpublished."
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("The attachment contains no personal data to mask."))
    return redirect(back_url)


@login_required
def record_pdf(request, pk: int):
    if not request.user.has_perm("review.view_reviewrecord"):
        raise PermissionDenied
    record = get_object_or_404(ReviewRecord, pk=pk)
    from .pdf import render_record_pdf

    response = HttpResponse(render_record_pdf(record), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="review-{record.pk}.pdf"'
    return response


def _comparison(page, revision):
    """The fields of `revision` that differ from the published page, by Wagtail's own
    comparison (wagtail.admin.compare); for a record never published, against an empty
    record, so every filled field shows: the reviewer reads the whole content."""
    from wagtail.admin.panels import get_edit_handler

    draft = revision.as_object()
    if page.live and page.live_revision_id:
        before = page.live_revision.as_object()
    else:
        before = type(page)(title="", slug=page.slug)
    panel = get_edit_handler(type(page)).get_bound_panel(instance=page, request=None, form=None)
    return [diff for comp in panel.get_comparison() if (diff := comp(before, draft)).has_changed()]


@never_cache
@login_required
def preview(request, task_state_id: int):
    """查看并审核: the draft under review, its change from the published version, and the
    decision buttons. Opening it records that this reviewer saw this revision; approving is
    refused until then (ReviewTask.on_action)."""
    from .services import review_revision_see

    task_state = get_object_or_404(TaskState, pk=task_state_id)
    task = task_state.task.specific
    page = task_state.workflow_state.content_object.specific
    if task_state.status != TaskState.STATUS_IN_PROGRESS or not task.user_can_decide(
        page, request.user
    ):
        raise PermissionDenied
    revision = page.get_latest_revision()
    review_revision_see(revision=revision, user=request.user)
    return TemplateResponse(
        request,
        "review/preview.html",
        {
            "page": page,
            "task_state": task_state,
            "task": task,
            "revision": revision,
            "published": page.live,
            "comparison": _comparison(page, revision),
            "actions": task.get_actions(page, request.user),
            "header_title": page.get_admin_display_title(),
        },
    )
