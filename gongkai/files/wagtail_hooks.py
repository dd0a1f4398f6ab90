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
