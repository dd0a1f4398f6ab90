"""Public pages of the press list: subscribe, confirm, unsubscribe. Plain forms, no script.

Nothing here is cached (each answer depends on the visitor's form or link) and nothing
tells whether an address is on the list: every valid request gets the same answer.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from gongkai.search import ratelimit

from .forms import SubscribeForm
from .services import (
    PressTokenError,
    check_confirm_token,
    check_unsubscribe_token,
    subscriber_confirm,
    subscriber_request,
    subscriber_unsubscribe,
)

# Subscription requests per client address per minute (the search limiter's fixed window).
RATE_LIMIT = 5


def _limited(request) -> HttpResponse | None:
    verdict = ratelimit.hit(request, scope="press", limit=RATE_LIMIT)
    if verdict.allowed:
        return None
    response = render(
        request,
        "press/message.html",
        {
            "title": _("Too many requests"),
            "message": _("Please wait a minute and send the form again."),
        },
        status=429,
    )
    response["Retry-After"] = str(verdict.retry_after)
    return response


@never_cache
def subscribe(request):
    if request.method == "POST":
        limited = _limited(request)
        if limited is not None:
            return limited
        form = SubscribeForm(request.POST)
        if form.is_bot():
            # Answered like a person, so a bot learns nothing; nothing is stored or sent.
            return render(request, "press/sent.html", {})
        if form.is_valid():
            data = form.cleaned_data
            subscriber_request(
                name=data["name"],
                organisation=data["organisation"],
                email=data["email"],
                columns=data["columns"],
                frequency=data["frequency"],
            )
            return render(request, "press/sent.html", {"email": data["email"]})
        status = 400
    else:
        form = SubscribeForm()
        status = 200
    return render(request, "press/subscribe.html", {"form": form}, status=status)


@never_cache
def confirm(request, token: str):
    """GET shows a button (mail scanners follow links); POST confirms."""
    try:
        data = check_confirm_token(token)
        if request.method == "POST":
            subscriber = subscriber_confirm(token=token)
            return render(request, "press/confirmed.html", {"subscriber": subscriber})
    except PressTokenError as exc:
        return render(
            request,
            "press/message.html",
            {"title": _("Link not valid"), "message": str(exc)},
            status=400,
        )
    return render(request, "press/confirm.html", {"email": data.get("e", "")})


@csrf_exempt  # RFC 8058 one-click POSTs come from mail clients; the signed token is the key
@never_cache
def unsubscribe(request, token: str):
    """GET shows a one-button page; POST unsubscribes (the button, or a mail client's
    RFC 8058 ``List-Unsubscribe=One-Click`` POST)."""
    try:
        data = check_unsubscribe_token(token)
        if request.method == "POST":
            subscriber_unsubscribe(token=token)
            return render(request, "press/unsubscribed.html", {})
    except PressTokenError as exc:
        return render(
            request,
            "press/message.html",
            {"title": _("Link not valid"), "message": str(exc)},
            status=400,
        )
    return render(
        request,
        "press/unsubscribe.html",
        {"email": data.get("e", ""), "site_name": settings.WAGTAIL_SITE_NAME},
    )
