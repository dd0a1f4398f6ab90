import pytest

from gongkai.catalog.tests.factories import column, record

ID_NUMBER = "11010519491231002X"


@pytest.fixture
def workflow(world):
    from gongkai.review.services import review_workflow_install

    return review_workflow_install()


@pytest.fixture
def draft(world, workflow):
    results = column()
    return record(
        results,
        publish=False,
        department=world.employment,
        body=f"<p>申请人身份证号：{ID_NUMBER}。</p>",
    )


def submit(page, user):
    page = type(page).objects.get(pk=page.pk)
    return page.get_workflow().start(page, user)


def current(page):
    page = type(page).objects.get(pk=page.pk)
    return page.current_workflow_task_state.specific


CLEAR = {
    "state_secret": True,
    "work_secret": True,
    "trade_secret": True,
    "privacy": True,
    "security_stability": True,
}
