"""Documents and images in the admin, with the real roles after sync_roles (collection permissions)."""

import lxml.html
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, GroupCollectionPermission

from gongkai.catalog.models import CatalogRecord
from gongkai.catalog.tests.factories import column, record
from gongkai.conftest import login_verified
from gongkai.core.tests.office_files import make_pdf, make_png
from gongkai.org import roles
from gongkai.org.models import RoleGroup

pytestmark = pytest.mark.django_db

ROOT_PERMISSIONS = {
    roles.DRAFTER: {"add_document", "choose_document", "add_image", "choose_image"},
    roles.SITE_ADMIN: {
        "add_document",
        "change_document",
        "delete_document",
        "choose_document",
        "add_image",
        "change_image",
        "delete_image",
        "choose_image",
    },
    roles.POLICY_REVIEWER: set(),
}


def signed_in(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def chooser(client: Client, kind: str) -> str:
    response = client.get(f"/admin/{kind}/chooser/")
    assert response.status_code == 200
    return response.json()["html"]


def someone_elses_document():
    return get_document_model().objects.create(
        title="他人上传的附件", file=ContentFile(make_pdf(leaks=False), name="other.pdf")
    )


@pytest.mark.parametrize("code", list(ROOT_PERMISSIONS))
def test_roles_hold_exactly_their_permissions_on_the_root_collection(world, code):
    assert roles.sync_roles() == []
    roles.sync_roles()  # idempotent
    group = RoleGroup.objects.get(code=code).group
    held = GroupCollectionPermission.objects.filter(
        group=group, collection=Collection.get_first_root_node()
    )
    assert {p.permission.codename for p in held} == ROOT_PERMISSIONS[code]
    assert held.count() == len(ROOT_PERMISSIONS[code])


def test_site_admin_manages_documents_and_images(world):
    client = signed_in(world.site_admin)
    other = someone_elses_document()
    assert client.get("/admin/documents/").status_code == 200
    response = client.post(
        "/admin/documents/add/",
        {
            "title": "办事指南",
            "collection": Collection.get_first_root_node().pk,
            "file": SimpleUploadedFile("guide.pdf", make_pdf(leaks=False)),
        },
    )
    assert response.status_code == 302, response.content.decode()[-1500:]
    assert get_document_model().objects.filter(title="办事指南").exists()

    response = client.post(
        f"/admin/documents/edit/{other.pk}/",
        {"title": "改过的标题", "collection": Collection.get_first_root_node().pk},
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.title == "改过的标题"
    assert "改过的标题" in chooser(client, "documents")

    response = client.post(
        "/admin/images/add/",
        {
            "title": "局机关大楼",
            "collection": Collection.get_first_root_node().pk,
            "file": SimpleUploadedFile("building.png", make_png(leaks=False)),
        },
    )
    assert response.status_code == 302
    image = get_image_model().objects.get(title="局机关大楼")
    assert client.get(f"/admin/images/{image.pk}/").status_code == 200
    assert "局机关大楼" in chooser(client, "images")

    assert client.post(f"/admin/documents/delete/{other.pk}/").status_code == 302
    assert not get_document_model().objects.filter(pk=other.pk).exists()


def test_a_policy_reviewer_cannot_upload(world):
    client = signed_in(world.policy_reviewer)
    response = client.post(
        "/admin/documents/add/",
        {
            "title": "不该上传",
            "collection": Collection.get_first_root_node().pk,
            "file": SimpleUploadedFile("x.pdf", make_pdf(leaks=False)),
        },
    )
    assert response.status_code == 302 and response["Location"] != "/admin/documents/"
    assert not get_document_model().objects.filter(title="不该上传").exists()


def edit_form_data(client: Client, page) -> dict[str, object]:
    """The values the page editor would send back unchanged (lxml reads the real form)."""
    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    form = next(f for f in lxml.html.fromstring(html).forms if "/edit/" in (f.action or ""))
    return dict(form.form_values())


def test_a_drafter_attaches_a_pdf_to_a_record(world):
    draft = record(column(), publish=False, department=world.employment, title="待补附件的通知")
    other = someone_elses_document()
    client = signed_in(world.drafter)

    # Upload from the page editor's document chooser, as the drafter does.
    response = client.post(
        "/admin/documents/chooser/create/",
        {
            "document-chooser-upload-title": "附件1：申请表",
            "document-chooser-upload-collection": Collection.get_first_root_node().pk,
            "document-chooser-upload-file": SimpleUploadedFile("申请表.pdf", make_pdf(leaks=False)),
        },
    )
    assert response.status_code == 200
    assert response.json()["step"] == "chosen", response.json()
    document = get_document_model().objects.get(title="附件1：申请表")
    assert document.uploaded_by_user == world.drafter
    listed = chooser(client, "documents")
    # Departments are kept apart: another's unpublished upload is not offered.
    assert "附件1：申请表" in listed and other.title not in listed
    # Own uploads may be edited, others' not (no change_document).
    assert client.get(f"/admin/documents/edit/{document.pk}/").status_code == 200
    assert client.get(f"/admin/documents/edit/{other.pk}/").status_code == 302

    data = edit_form_data(client, draft)
    data.update(
        {
            "attachments-TOTAL_FORMS": "1",
            "attachments-0-id": "",
            "attachments-0-ORDER": "1",
            "attachments-0-DELETE": "",
            "attachments-0-document": str(document.pk),
            "attachments-0-title": "附件1：申请表",
        }
    )
    response = client.post(f"/admin/pages/{draft.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    latest = CatalogRecord.objects.get(pk=draft.pk).get_latest_revision_as_object()
    assert [a.document_id for a in latest.attachments.all()] == [document.pk]
