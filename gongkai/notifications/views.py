"""Admin screens: 我的通知 (a user's own notices) and 待发邮件 (the outbox, 信息中心 only)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import MailStatus, OutgoingMail
from .permissions import can_manage_outbox
from .selectors import notifications_for, outbox_for, unread_count
from .services import mail_retry, notification_mark_all_read, notification_mark_read


def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(notifications_for(request.user, unread_only=unread_only), 50).get_page(
        request.GET.get("p")
    )
    return TemplateResponse(
        request,
        "notifications/inbox.html",
        {
            "page_obj": page,
            "unread_only": unread_only,
            "unread": unread_count(request.user),
            "header_title": _("My notifications"),
            "page_title": _("My notifications"),
            "header_icon": "mail",
        },
    )


def _own(request, pk: int):
    # Someone else's notice answers 404, like one that does not exist.
    notification = notifications_for(request.user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    return notification


def open_notification(request, pk: int):
    """Follow a notice's link, marking it read on the way (GET: a plain link in the list)."""
    notification = _own(request, pk)
    notification_mark_read(notification=notification, user=request.user)
    target = notification.url or "notifications_inbox"
    if notification.url and not url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        target = "notifications_inbox"
    return redirect(target)


@require_POST
def mark_read(request, pk: int):
    notification_mark_read(notification=_own(request, pk), user=request.user)
    return redirect(_back(request))


@require_POST
def mark_all_read(request):
    count = notification_mark_all_read(user=request.user)
    messages.success(request, _("%(count)s notices marked read.") % {"count": count})
    return redirect(_back(request))


def _back(request) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "notifications_inbox"


def outbox(request):
    if not can_manage_outbox(request.user):
        raise PermissionDenied
    status = request.GET.get("status", MailStatus.FAILED)
    if status not in MailStatus.values and status != "all":
        status = MailStatus.FAILED
    mails = outbox_for(request.user, status=None if status == "all" else status)
    page = Paginator(mails, 50).get_page(request.GET.get("p"))
    counts = {value: outbox_for(request.user, status=value).count() for value in MailStatus.values}
    return TemplateResponse(
        request,
        "notifications/outbox.html",
        {
            "page_obj": page,
            "status": status,
            "statuses": [(value, label, counts[value]) for value, label in MailStatus.choices],
            "header_title": _("Outbox"),
            "page_title": _("Outbox"),
            "header_icon": "mail",
        },
    )


@require_POST
def retry(request, pk: int):
    if not can_manage_outbox(request.user):
        raise PermissionDenied
    mail = get_object_or_404(OutgoingMail, pk=pk)
    mail_retry(mail=mail, by=request.user)
    messages.success(request, _("The mail to %(to)s is queued again.") % {"to": mail.to})
    return redirect(_back(request) if request.POST.get("next") else "notifications_outbox")
