"""Reviewed documents are never changed in place; a correction is a new version (over HTTP)."""

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from wagtail.models import Collection

from gongkai.catalog.tests.factories import column, publish_reviewed, record
from gongkai.conftest import login_verified
from gongkai.core.tests.office_files import make_docx, make_pdf
from gongkai.files.models import DocumentLineage, LineageReason, PublicCopy

from .conftest import attach, body_of, fresh

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def stored(document) -> bytes:
    document.refresh_from_db()
    with document.file.open("rb") as handle:
        return handle.read()


def edit_post(document, **changes):
    data = {"title": document.title, "collection": Collection.get_first_root_node().pk}
    data.update(changes)
    return data


@pytest.fixture
def published(world):
    page = record(column(), publish=False, department=world.employment, title="带附件的通知")
    document = attach(page, make_pdf(leaks=False), "通知.pdf", by=world.drafter)
    publish_reviewed(fresh(page))
    return fresh(page), document


def test_replacing_a_published_attachments_file_is_refused(published, world):
    _page, document = published
    before = stored(document)
    public_before = body_of(Client().get(document.url))
    client = signed_in(world.drafter)  # the uploader, who may edit their own uploads
    response = client.post(
        f"/admin/documents/edit/{document.pk}/",
        edit_post(document, file=SimpleUploadedFile("通知.pdf", make_pdf(leaks=True))),
    )
    assert response.status_code == 200  # the form again, with the reason
    text = response.content.decode()
    assert "上传新版本" in text and f"/admin/files/documents/{document.pk}/new-version/" in text
    assert stored(document) == before
    assert body_of(Client().get(document.url)) == public_before
    # The title is public too.
    response = client.post(f"/admin/documents/edit/{document.pk}/", edit_post(document, title="改"))
    assert response.status_code == 200
    document.refresh_from_db()
    assert document.title == "通知"


def test_an_unreviewed_upload_may_still_be_replaced(world):
    page = record(column(), publish=False, department=world.employment)
    document = attach(page, make_pdf(leaks=False), "草稿附件.pdf", by=world.drafter)
    client = signed_in(world.drafter)
    response = client.post(
        f"/admin/documents/edit/{document.pk}/",
        edit_post(document, file=SimpleUploadedFile("草稿附件.pdf", make_pdf(leaks=True))),
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert stored(document) == make_pdf(leaks=True)


def test_a_new_version_goes_into_the_draft_and_waits_for_review(published, world):
    page, document = published
    client = signed_in(world.drafter)
    url = f"/admin/files/documents/{document.pk}/new-version/"
    form = client.get(url)
    assert form.status_code == 200 and page.title in form.content.decode()
    # Bad input: no note, and a program disguised as a PDF.
    refused = client.post(url, {"file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00" * 50)})
    assert refused.status_code == 200
    assert "error" in refused.content.decode()
    response = client.post(
        url, {"file": SimpleUploadedFile("通知（更正）.docx", make_docx()), "note": "更正附表"}
    )
    assert response.status_code == 302
    new = DocumentLineage.objects.get(previous=document, reason=LineageReason.NEW_VERSION).document
    draft = fresh(page).get_latest_revision_as_object()
    assert [a.document_id for a in draft.attachments.all()] == [new.pk]
    # The public still gets the reviewed version until the new one passes review.
    assert Client().get(document.url).status_code == 200
    assert Client().get(new.url).status_code == 404
    assert not PublicCopy.objects.filter(document=new).exists()


def test_another_department_cannot_open_the_new_version_screen(published, world):
    from gongkai.org import roles
    from gongkai.org.tests.factories import staff

    _page, document = published
    outsider = staff("t-policy-drafter", role=roles.DRAFTER, department=world.policy)
    response = signed_in(outsider).get(f"/admin/files/documents/{document.pk}/new-version/")
    assert response.status_code in (302, 403)


def test_a_leaders_edit_in_the_editor_sends_the_draft_back(world):
    """Over HTTP, as the tester did: the leader edits the body while signing off."""
    from gongkai.review.services import (
        review_body_mask,
        review_task_act,
        review_workflow_install,
    )
    from gongkai.review.states import StepKind

    review_workflow_install()
    page = record(column(), publish=False, department=world.employment, body="<p>正文。</p>")
    fresh(page).get_workflow().start(fresh(page), world.drafter)
    act = lambda user, **data: review_task_act(  # noqa: E731
        task_state=fresh(page).current_workflow_task_state, user=user, action="approve", data=data
    )
    act(world.department_head)
    review_body_mask(task_state=fresh(page).current_workflow_task_state, by=world.office_reviewer)
    act(
        world.office_reviewer,
        checklist={
            k: True
            for k in (
                "state_secret",
                "work_secret",
                "trade_secret",
                "privacy",
                "security_stability",
            )
        },
        disclosure="proactive",
    )
    client = signed_in(world.leader)
    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    form = next(f for f in lxml.html.fromstring(html).forms if "/edit/" in (f.action or ""))
    data = dict(form.form_values())
    data["body"] = data["body"].replace("正文。", "正文。经办人手机13812345678。")
    response = client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code in (200, 302)
    state = fresh(page).current_workflow_task_state
    assert state.task.specific.step_kind == StepKind.CONFIDENTIALITY
    assert not fresh(page).live
