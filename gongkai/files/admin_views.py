"""Staff screens of the files app: uploading a new version of a reviewed document."""

from __future__ import annotations

import os
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.documents import get_document_model, get_permission_policy

from .forms import NewVersionForm
from .registry import owners
from .selectors import user_can_access_document
from .services import document_new_version


class DocumentNewVersionView(WagtailAdminTemplateMixin, FormView):
    """上传新版本: a new file for a reviewed document, put into the drafts that use it."""

    form_class = NewVersionForm
    template_name = "files/admin/new_version.html"
    page_title = gettext_lazy("Upload a new version")
    header_icon = "doc-full-inverse"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.document = get_object_or_404(get_document_model(), pk=kwargs["pk"])
        if not user_can_access_document(request.user, self.document):
            raise PermissionDenied
        if not get_permission_policy().user_has_permission(request.user, "add"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self) -> str:
        return self.document.title

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        users = []
        for owner in owners():
            if owner.using_document is not None:
                users.extend(getattr(o, "specific", o) for o in owner.using_document(self.document))
        context.update({"document": self.document, "used_by": users})
        return context

    def form_valid(self, form: NewVersionForm) -> HttpResponse:
        upload = form.cleaned_data["file"]
        upload.seek(0)
        try:
            result = document_new_version(
                document=self.document,
                data=upload.read(),
                name=os.path.basename(upload.name),
                note=form.cleaned_data["note"],
                by=self.request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The new version was uploaded as a new document; %(count)s draft(s) now use it.")
            % {"count": len(result.updated)},
        )
        for obj, reason in result.skipped:
            messages.warning(
                self.request,
                _("“%(title)s” still uses the old version: %(reason)s.")
                % {"title": getattr(obj, "title", str(obj)), "reason": reason},
            )
        if len(result.updated) == 1 and hasattr(result.updated[0], "path"):
            return redirect("wagtailadmin_pages:edit", result.updated[0].pk)
        return redirect("wagtaildocs:edit", result.document.pk)
