"""Demo catalogue: vocabularies and the column tree under the home page."""

from wagtail.models import Page, Site

from .models import CatalogColumnPage, Genre, TopicCategory
from .vocabularies import COLUMNS, GENRES, TOPICS

DEPENDS = ["org", "portal"]


def seed_vocabularies() -> None:
    for order, (name, children) in enumerate(TOPICS, start=1):
        parent, _ = TopicCategory.objects.get_or_create(
            parent=None, name=name, defaults={"sort_order": order * 10}
        )
        for child_order, child in enumerate(children, start=1):
            TopicCategory.objects.get_or_create(
                parent=parent, name=child, defaults={"sort_order": child_order * 10}
            )
    for order, name in enumerate(GENRES, start=1):
        Genre.objects.get_or_create(name=name, defaults={"sort_order": order * 10})


def _child_column(parent: Page, slug: str, title: str, key: str = "") -> CatalogColumnPage:
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        column = existing.specific
        if key and not column.column_key:
            # Columns seeded before sub-columns had keys get theirs.
            CatalogColumnPage.objects.filter(pk=column.pk).update(column_key=key)
            column.column_key = key
        return column
    column = CatalogColumnPage(title=title, slug=slug, column_key=key)
    parent.add_child(instance=column)
    column.save_revision().publish()
    return column


def seed_columns() -> None:
    site = Site.objects.get(is_default_site=True)
    home = site.root_page
    for slug, title, key, children in COLUMNS:
        column = _child_column(home, slug, title, key)
        for child_slug, child_title, *child_key in children:
            _child_column(column, child_slug, child_title, *child_key)


def seed(*, stdout) -> None:
    # The demo records themselves are published by the review app's seeds,
    # with their 审查单: nothing goes live without a completed review.
    seed_vocabularies()
    seed_columns()
    stdout.write(
        f"  catalogue: {TopicCategory.objects.count()} topic classes, "
        f"{Genre.objects.count()} genres, "
        f"{CatalogColumnPage.objects.count()} columns"
    )
