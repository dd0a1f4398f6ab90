"""Review steps notify the people who may decide them, through the outbox, in Chinese name
order; the submitter hears of a send-back and of the publication. Wagtail's own workflow
mailers are not connected."""

import pytest
from django.core import mail
from wagtail.models import TaskState, WorkflowState
from wagtail.signals import task_submitted, workflow_approved, workflow_rejected, workflow_submitted

from gongkai.catalog.choices import DisclosureAttribute
from gongkai.catalog.tests.factories import column, record
from gongkai.notifications.models import Notification, NotificationKind, OutgoingMail
from gongkai.org import roles
from gongkai.org.tests.factories import UserFactory, staff
from gongkai.review.services import review_task_act, review_workflow_install

pytestmark = pytest.mark.django_db

CLEAR = {
    "state_secret": True,
    "work_secret": True,
    "trade_secret": True,
    "privacy": True,
    "security_stability": True,
}


@pytest.fixture
def draft(world):
    review_workflow_install()
    return record(
        column(), publish=False, department=world.employment, title="关于开展职业技能培训的通知"
    )


def submit(page, user):
    page = type(page).objects.get(pk=page.pk)
    return page.get_workflow().start(page, user)


def current(page):
    page = type(page).objects.get(pk=page.pk)
    return page.current_workflow_task_state.specific


def act(page, user, action="approve", **data):
    return review_task_act(task_state=current(page), user=user, action=action, data=data)


def notified(kind=NotificationKind.REVIEW_TASK) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_wagtails_mailers_are_replaced():
    for signal, sender in (
        (task_submitted, TaskState),
        (workflow_submitted, WorkflowState),
        (workflow_rejected, WorkflowState),
        (workflow_approved, WorkflowState),
    ):
        modules = {
            getattr(receiver, "__module__", type(receiver).__module__)
            for receiver in signal._live_receivers(sender)[0]
        }
        assert not any(module.startswith("wagtail.admin") for module in modules), modules


def test_each_step_reaches_exactly_its_reviewers(world, draft, django_capture_on_commit_callbacks):
    other_head = staff("t-policy-head", role=roles.DEPARTMENT_HEAD, department=world.policy)
    UserFactory(username="root", is_superuser=True, is_staff=True)  # Wagtail would mail them
    with django_capture_on_commit_callbacks(execute=True):
        submit(draft, world.drafter)
    # 初审: the head of the record's own department only, not another department's head,
    # not the drafter, not the office (the department has a head), not superusers.
    assert notified() == {world.department_head.username}
    assert [m.to for m in mail.outbox] == [[world.department_head.email]]
    notice = Notification.objects.get()
    assert "关于开展职业技能培训的通知" in notice.title
    assert notice.url == f"/admin/pages/{draft.pk}/edit/"
    assert other_head.username not in notified()

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act(draft, world.department_head)
    # 保密审查: the office reviewers.
    assert notified() == {world.department_head.username, world.office_reviewer.username}
    assert [m.to for m in mail.outbox] == [[world.office_reviewer.email]]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act(
            draft,
            world.office_reviewer,
            checklist=dict(CLEAR),
            disclosure=DisclosureAttribute.PROACTIVE,
        )
    # 签发: the leaders.
    assert world.leader.username in notified()
    assert [m.to for m in mail.outbox] == [[world.leader.email]]
    assert OutgoingMail.objects.filter(status="sent").count() == 3


def test_office_takes_the_first_review_where_configured(
    world, draft, django_capture_on_commit_callbacks
):
    world.employment.first_review_by_office = True
    world.employment.save()
    with django_capture_on_commit_callbacks(execute=True):
        submit(draft, world.drafter)
    assert notified() == {world.office_reviewer.username}


def test_the_submitter_hears_of_a_send_back_in_chinese_name_order(
    world, draft, django_capture_on_commit_callbacks
):
    world.department_head.last_name, world.department_head.first_name = "张", "文"
    world.department_head.save()
    with django_capture_on_commit_callbacks(execute=True):
        submit(draft, world.drafter)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act(draft, world.department_head, action="reject", comment="请补充培训时间")
    notice = Notification.objects.get(kind=NotificationKind.REVIEW_RETURNED)
    assert notice.recipient == world.drafter
    assert "张文" in notice.body and "文 张" not in notice.body
    assert "请补充培训时间" in notice.body
    assert [m.to for m in mail.outbox] == [[world.drafter.email]]
    assert "张文" in mail.outbox[0].body


def test_the_submitter_hears_of_the_publication(world, draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit(draft, world.drafter)
        act(draft, world.department_head)
        act(
            draft,
            world.office_reviewer,
            checklist=dict(CLEAR),
            disclosure=DisclosureAttribute.PROACTIVE,
        )
        act(draft, world.leader)
    draft.refresh_from_db()
    assert draft.live
    notice = Notification.objects.get(kind=NotificationKind.REVIEW_PUBLISHED)
    assert notice.recipient == world.drafter
    assert world.drafter.email in [m.to[0] for m in mail.outbox]
