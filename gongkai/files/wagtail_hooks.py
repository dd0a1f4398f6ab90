"""Admin integration of file publication: the document gate and the staff file views."""

from django.urls import path
from wagtail import hooks

from gongkai.core.audit import register_audit_actions

from . import admin_views
from .states import FilesAction
from .views import serve_document


@hooks.register("register_log_actions")
def register_files_actions(actions):
    register_audit_actions(actions, FilesAction)


@hooks.register("before_serve_document")
def gate_documents(document, request):
    """Every download of a document passes the gate (see views.py); nothing falls through."""
    return serve_document(document, request)


@hooks.register("register_admin_urls")
def files_admin_urls():
    return [
        path(
            "files/documents/<int:pk>/new-version/",
            admin_views.DocumentNewVersionView.as_view(),
            name="files_document_new_version",
        ),
    ]


@hooks.register("construct_document_chooser_queryset")
def department_documents_only(documents, request):
    """Departments are kept apart in the chooser too (titles of others' drafts included)."""
    from .selectors import documents_for_user

    return documents.filter(pk__in=documents_for_user(request.user).values("pk"))


@hooks.register("construct_image_chooser_queryset")
def department_images_only(images, request):
    from .selectors import images_for_user

    return images.filter(pk__in=images_for_user(request.user).values("pk"))
