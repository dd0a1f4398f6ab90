import pypdfium2
import pytest
from django.test import Client

from gongkai.catalog.models import CatalogRecord
from gongkai.conftest import login_verified
from gongkai.review.models import ReviewRecord

from .conftest import CLEAR, ID_NUMBER, current, submit
from .test_services import approve, confidentiality_data, to_confidentiality

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    login_verified(client, user)
    return client


def test_admin_publish_post_is_refused_with_a_message(draft, world):
    client = client_for(world.site_admin)
    response = client.post(
        f"/admin/pages/{draft.pk}/edit/", {"title": draft.title, "action-publish": "1"}
    )
    assert response.status_code == 302
    assert not CatalogRecord.objects.get(pk=draft.pk).live
    page = client.get(response["Location"]).content.decode()
    assert "只能经审查" in page or "published only through review" in page


def test_edit_view_has_no_publish_button_for_records(draft, world):
    html = client_for(world.site_admin).get(f"/admin/pages/{draft.pk}/edit/").content.decode()
    assert 'name="action-publish"' not in html
    assert 'name="action-submit"' in html


def test_workspace_masks_in_one_click(draft, world):
    to_confidentiality(draft, world)
    state = current(draft)
    client = client_for(world.office_reviewer)
    response = client.get(f"/admin/review/check/{state.pk}/")
    html = response.content.decode()
    # Before and after: the number as written is on this screen only, never cached.
    assert "110105********002X" in html and ID_NUMBER in html
    assert "no-store" in response["Cache-Control"]
    response = client.post(f"/admin/review/mask/{state.pk}/")
    assert response.status_code == 302
    body = CatalogRecord.objects.get(pk=draft.pk).get_latest_revision_as_object().body
    assert ID_NUMBER not in body


def test_workspace_is_for_the_office_reviewer_only(draft, world):
    to_confidentiality(draft, world)
    state = current(draft)
    assert client_for(world.drafter).get(f"/admin/review/check/{state.pk}/").status_code in (
        302,
        403,
    )
    client_for(world.drafter).post(f"/admin/review/mask/{state.pk}/")
    body = CatalogRecord.objects.get(pk=draft.pk).get_latest_revision_as_object().body
    assert ID_NUMBER in body


def test_modal_approval_form_blocks_unresolved_findings(draft, world):
    to_confidentiality(draft, world)
    state = current(draft)
    client = client_for(world.office_reviewer)
    assert client.get(f"/admin/review/preview/{state.pk}/").status_code == 200  # 查看并审核
    url = f"/admin/pages/workflow/action/{draft.pk}/approve/{state.pk}/"
    modal = client.get(url, headers={"x-requested-with": "XMLHttpRequest"})
    assert modal.status_code == 200 and "110105********002X" in modal.json()["html"]
    data = {"review_task_state": state.pk, "disclosure": "proactive"}
    data.update({f"clear_{k}": "on" for k in CLEAR})
    response = client.post(url, data, headers={"x-requested-with": "XMLHttpRequest"})
    assert response.json()["step"] == "action"  # the form again, with the error
    assert current(draft).pk == state.pk
    key = response.json()["html"].split('name="waive-')[1].split('"')[0]
    data[f"waive-{key}"] = "惩戒公示"
    response = client.post(url, data, headers={"x-requested-with": "XMLHttpRequest"})
    assert response.json()["step"] == "success"
    assert current(draft).task.specific.step_kind == "sign_off"


def test_dashboard_queue_shows_waiting_steps(draft, world):
    submit(draft, world.drafter)
    html = client_for(world.department_head).get("/admin/").content.decode()
    assert "review-queue" in html and draft.title in _queue_text(html)
    other = client_for(world.leader).get("/admin/").content.decode()
    # The leader's step has not come yet (the 公开时效提醒 panel may still list the draft).
    assert draft.title not in _queue_text(other)


def _queue_text(html: str) -> str:
    import lxml.html

    return " ".join(
        node.text_content()
        for node in lxml.html.fromstring(html).xpath('//*[contains(@class, "review-queue")]')
    )


def test_queue_without_next_years_calendar_says_so(draft, world):
    import time_machine

    with time_machine.travel("2026-12-30 10:00 +0800"):
        submit(draft, world.drafter)
        html = client_for(world.department_head).get("/admin/").content.decode()
    assert "期限无法计算（缺少2027年工作日历）" in html


def test_review_record_listing_inspect_and_pdf(draft, world):
    to_confidentiality(draft, world)
    from gongkai.review.services import review_body_mask

    review_body_mask(task_state=current(draft), by=world.office_reviewer)
    approve(draft, world.office_reviewer, **confidentiality_data())
    approve(draft, world.leader, comment="同意")
    record = ReviewRecord.objects.get(page=draft)
    client = client_for(world.office_reviewer)
    assert draft.title in client.get("/admin/review_records/").content.decode()
    inspect = client.get(f"/admin/review_records/inspect/{record.pk}/").content.decode()
    assert "t-office" in inspect or world.office_reviewer.get_username() in inspect
    response = client.get(f"/admin/review/records/{record.pk}/pdf/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    pdf = pypdfium2.PdfDocument(response.content)
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert draft.title in text
    assert ID_NUMBER not in text
    # The drafter holds no view permission on review records.
    assert client_for(world.drafter).get(f"/admin/review/records/{record.pk}/pdf/").status_code in (
        302,
        403,
    )
