import pytest

from gongkai.catalog.tests.factories import column, record
from gongkai.core.publication import (
    PublicationRefused,
    register_publication_guard,
    unregister_publication_guard,
)

pytestmark = pytest.mark.django_db


def test_a_guard_stops_every_publication_and_nothing_is_half_saved(world):
    results = column()
    draft = record(results, publish=False, department=world.employment)

    def refuse(page):
        raise PublicationRefused("未完成审查，不能发布。")

    register_publication_guard("test-refuse", refuse)
    try:
        with pytest.raises(PublicationRefused):
            draft.latest_revision.publish()
    finally:
        unregister_publication_guard("test-refuse")
    draft.refresh_from_db()
    assert not draft.live
    assert draft.index_number is None
    from gongkai.review.services import review_record_attest

    review_record_attest(page=draft, note="测试数据")
    draft.latest_revision.publish()
    draft.refresh_from_db()
    assert draft.live and draft.index_number
