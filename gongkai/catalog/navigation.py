"""The catalogue gives the portal's columns (栏目) their URLs.

The portal shows a column as under construction until it has a URL; the
column pages live in the page tree, so their URLs are looked up lazily (one
query, cached, dropped whenever a column page is published or unpublished).
"""

from django.core.cache import cache
from django.utils.functional import lazy
from wagtail.signals import page_published, page_unpublished

CACHE_KEY = "catalog:column-urls"


def column_urls() -> dict[str, str]:
    urls = cache.get(CACHE_KEY)
    if urls is None:
        from .models import CatalogColumnPage

        urls = {}
        for page in CatalogColumnPage.objects.live().exclude(column_key="").order_by("path"):
            urls.setdefault(page.column_key, page.url or "")
        cache.set(CACHE_KEY, urls, 300)
    return urls


def _url_for(key: str) -> str:
    return column_urls().get(key, "")


column_url = lazy(_url_for, str)


def forget_column_urls(**kwargs) -> None:
    cache.delete(CACHE_KEY)


def connect() -> None:
    """Give every registered portal column the URL of its column page."""
    from gongkai.portal.columns import columns, register_column

    for column in columns():
        register_column(
            column.key,
            column.title,
            url=column_url(column.key),
            order=column.order,
            description=column.description,
        )
    from django.db.models.signals import post_delete, post_save

    from .models import CatalogColumnPage

    page_published.connect(forget_column_urls, dispatch_uid="catalog.column_urls.published")
    post_save.connect(forget_column_urls, sender=CatalogColumnPage, dispatch_uid="catalog.cu.save")
    post_delete.connect(forget_column_urls, sender=CatalogColumnPage, dispatch_uid="catalog.cu.del")
    page_unpublished.connect(forget_column_urls, dispatch_uid="catalog.column_urls.unpublished")
