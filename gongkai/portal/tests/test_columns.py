from collections.abc import Iterator

import pytest
from django.utils import translation

from gongkai.portal import columns as registry
from gongkai.portal.columns import columns, register_column, seed_default_columns


@pytest.fixture(autouse=True)
def _restore_registry() -> Iterator[None]:
    saved = dict(registry._registry)
    yield
    registry._registry.clear()
    registry._registry.update(saved)


@pytest.mark.django_db
def test_the_plan_sections_are_seeded_in_order() -> None:
    with translation.override("zh-hans"):
        titles = [str(column.title) for column in columns()]
    assert titles[:8] == [
        "决策公开",
        "执行公开",
        "管理公开",
        "服务公开",
        "结果公开",
        "政策解读",
        "政民互动",
        "政府信息公开",
    ]
    # No column page exists yet, so every column is still under construction.
    assert all(not column.is_ready for column in columns())


def test_an_app_gives_a_seeded_column_its_url() -> None:
    register_column("interpretations", "Policy interpretation", url="/jiedu/", order=60)
    column = registry.get_column("interpretations")
    assert column is not None and column.href == "/jiedu/" and column.is_ready


def test_seeding_does_not_overwrite_an_app_that_registered_first() -> None:
    register_column("decisions", "Decisions", url="/decisions/", order=10)
    seed_default_columns()
    assert registry.get_column("decisions").href == "/decisions/"  # type: ignore[union-attr]


def test_new_columns_sort_by_order_then_key() -> None:
    register_column("zz-first", "First", order=1)
    assert columns()[0].key == "zz-first"


def test_a_column_needs_a_key() -> None:
    with pytest.raises(ValueError):
        register_column("", "No key")
