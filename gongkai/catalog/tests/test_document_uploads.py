"""Wagtail document and image uploads are checked by content and size-limited."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from gongkai.conftest import login_verified
from gongkai.core.tests.office_files import make_docx, make_pdf, make_png

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


@pytest.fixture
def admin(world, django_user_model) -> Client:
    user = django_user_model.objects.create_superuser("t-root", "root@example.org", "x")
    client = Client()
    login_verified(client, user)
    return client


def upload(client: Client, name: str, content: bytes):
    return client.post(
        "/admin/documents/add/",
        {
            "title": "附件",
            "collection": Collection.get_first_root_node().pk,
            "file": SimpleUploadedFile(name, content),
        },
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.pdf", EXE, "与扩展名不符"),
        ("empty.pdf", b"", "空文件"),
        ("tool.exe", EXE, "程序或脚本"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "旧版 Office 格式"),
    ],
)
def test_admin_document_upload_refuses_bad_files(admin, name, content, message):
    response = upload(admin, name, content)
    assert response.status_code == 200  # the form again, with the error
    html = response.content.decode()
    assert message in html
    assert "是不被允许" not in html  # no second, confusing message from the model
    assert get_document_model().objects.count() == 0


def test_admin_document_upload_refuses_oversized_files(admin, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    response = upload(admin, "big.pdf", make_pdf(leaks=False) + b"%" + b"0" * 4096)
    assert response.status_code == 200
    assert "文件过大" in response.content.decode()
    assert get_document_model().objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content"), [("通知.pdf", make_pdf(leaks=False)), ("通知.docx", make_docx())]
)
def test_admin_document_upload_accepts_real_files(admin, name, content):
    response = upload(admin, name, content)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert get_document_model().objects.count() == 1


def test_multiple_upload_refuses_a_renamed_program(admin):
    response = admin.post(
        "/admin/documents/multiple/add/",
        {"files[]": SimpleUploadedFile("x.pdf", EXE)},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.json()["success"] is False
    assert "与扩展名不符" in response.json()["error_message"]
    assert get_document_model().objects.count() == 0


def test_chooser_upload_refuses_a_renamed_program(admin):
    response = admin.post(
        "/admin/documents/chooser/create/",
        {
            "document-chooser-upload-title": "附件",
            "document-chooser-upload-collection": Collection.get_first_root_node().pk,
            "document-chooser-upload-file": SimpleUploadedFile("x.pdf", EXE),
        },
    )
    assert "与扩展名不符" in response.json()["htmlFragment"]
    assert get_document_model().objects.count() == 0


def test_image_upload_is_checked_too(admin):
    response = admin.post(
        "/admin/images/add/",
        {
            "title": "图片",
            "collection": Collection.get_first_root_node().pk,
            "file": SimpleUploadedFile("x.png", EXE),
        },
    )
    assert response.status_code == 200
    assert get_image_model().objects.count() == 0
    response = admin.post(
        "/admin/images/add/",
        {
            "title": "图片",
            "collection": Collection.get_first_root_node().pk,
            "file": SimpleUploadedFile("photo.png", make_png()),
        },
    )
    assert response.status_code == 302
    assert get_image_model().objects.count() == 1
