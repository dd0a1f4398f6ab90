"""The whole review in a real browser: submit, 初审, 保密审查 with masking, 签发, published."""

import re

import pytest

from gongkai.catalog.models import CatalogRecord
from gongkai.catalog.tests.factories import column, record

from .conftest import ID_NUMBER

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = "correct-horse-battery"
MASKED = "110105********002X"


def login(new_context, live_server, username):
    page = new_context().new_page()
    page.goto(live_server.url + "/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/admin/$"))
    return page


def queue_row(page, title):
    return page.locator("table.review-queue tr.review-queue-item", has_text=title)


def test_full_review_in_the_browser(world, settings, live_server, new_context):
    from gongkai.review.services import review_workflow_install

    review_workflow_install()
    results = column()
    draft = record(
        results,
        title="关于公布失业保险金领取人员名单的通知",
        publish=False,
        department=world.employment,
        body=f"<p>领取人身份证号：{ID_NUMBER}。</p>",
    )
    title = draft.title

    # The drafter submits the draft to the workflow; the editor offers no Publish button.
    drafter = login(new_context, live_server, "t-drafter")
    drafter.goto(f"{live_server.url}/admin/pages/{draft.pk}/edit/")
    assert drafter.locator('button[name="action-publish"]').count() == 0
    drafter.locator("footer .w-dropdown__toggle").first.click()
    drafter.locator('button[name="action-submit"]').click()
    drafter.wait_for_load_state("networkidle")
    assert CatalogRecord.objects.get(pk=draft.pk).workflow_in_progress

    # 初审: the head of the department approves from the dashboard queue.
    # 同意 is there only after 查看并审核: the preview with the whole new content.
    head = login(new_context, live_server, "t-head")
    assert queue_row(head, title).get_by_role("button", name="同意", exact=True).count() == 0
    queue_row(head, title).get_by_role("link", name="查看并审核").click()
    head.wait_for_url(re.compile(r"/admin/review/preview/"))
    assert "尚未发布：以下为全部内容" in head.content()
    head.locator(".review-preview-actions").get_by_role("button", name="同意", exact=True).click()
    head.wait_for_url(re.compile(r"/admin/"))
    head.wait_for_load_state("networkidle")

    # 复审: the office reviewer sees the finding before and after masking, masks it, approves.
    office = login(new_context, live_server, "t-office")
    queue_row(office, title).get_by_role("link", name="个人信息检查").click()
    office.wait_for_url(re.compile(r"/admin/review/check/"))
    office.locator("tr.review-finding").first.wait_for()
    finding = office.locator("tr.review-finding").first
    assert ID_NUMBER in finding.locator(".review-finding__before").inner_text()
    assert MASKED in finding.locator(".review-finding__after").inner_text()
    office.get_by_role("button", name="遮蔽正文中的 1 处个人信息").click()
    office.get_by_text("正文和附件中未发现个人信息").wait_for()
    assert "正文和附件中未发现个人信息" in office.content()
    office.goto(live_server.url + "/admin/")
    queue_row(office, title).get_by_role("link", name="查看并审核").click()
    office.wait_for_url(re.compile(r"/admin/review/preview/"))
    office.locator(".review-preview-actions").get_by_role("button", name="审查通过").click()
    modal = office.locator(".modal-content")
    for name in ("state_secret", "work_secret", "trade_secret", "privacy", "security_stability"):
        modal.locator(f'input[name="clear_{name}"]').check()
    modal.locator('button[type="submit"]').click()
    office.wait_for_load_state("networkidle")
    office.wait_for_timeout(500)

    # 签发: the leader signs off and the record is published.
    leader = login(new_context, live_server, "t-leader")
    queue_row(leader, title).get_by_role("link", name="查看并审核").click()
    leader.wait_for_url(re.compile(r"/admin/review/preview/"))
    leader.locator(".review-preview-actions").get_by_role("button", name="同意", exact=True).click()
    leader.wait_for_load_state("networkidle")
    leader.wait_for_timeout(500)

    published = CatalogRecord.objects.get(pk=draft.pk)
    assert published.live and published.index_number
    public = new_context().new_page()
    public.goto(live_server.url + published.url)
    html = public.content()
    assert MASKED in html and ID_NUMBER not in html
    assert published.index_number in html
