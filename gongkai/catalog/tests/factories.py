from datetime import date

from django.utils import timezone
from wagtail.models import Page, Site

from gongkai.catalog.models import CatalogColumnPage, CatalogRecord, Genre, TopicCategory
from gongkai.catalog.seeds import seed_vocabularies

TEST_REVIEW_NOTE = "测试补录"


def column(slug: str = "results", title: str = "结果公开", parent: Page | None = None):
    if parent is None:
        parent = Site.objects.get(is_default_site=True).root_page
    existing = parent.get_children().filter(slug=slug).first()
    if existing:
        return existing.specific
    page = CatalogColumnPage(title=title, slug=slug, column_key=slug)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def record(parent: Page, *, title: str = "关于做好就业补贴申领工作的通知", publish=True, **fields):
    if not TopicCategory.objects.exists():
        seed_vocabularies()
    defaults = {
        "topic": TopicCategory.objects.get(name="劳动就业"),
        "genre": Genre.objects.get(name="通知"),
        "formed_date": date(2026, 11, 2),
        "body": "<p>各县（区）人力资源和社会保障局：</p>",
    }
    defaults.update(fields)
    page = CatalogRecord(title=title, live=False, **defaults)
    parent.add_child(instance=page)
    if publish:
        published_on = fields.get("publication_date")
        if published_on and published_on < timezone.localdate():
            # A record dated in the past has been public since then (history before the
            # platform); otherwise its 发布日期 is raised to the day it is published.
            from gongkai.catalog.services import record_first_publication_attest

            record_first_publication_attest(
                record=page, published_on=published_on, note=TEST_REVIEW_NOTE
            )
        publish_reviewed(page)
    else:
        page.save_revision()
    return page


def publish_reviewed(page: CatalogRecord) -> CatalogRecord:
    """Publish the page's current state through the real publication guard.

    Saves a revision, attests a completed review (补录) for it and publishes it, as the
    demo seeds do; the page is refreshed from the database.
    """
    from gongkai.review.services import review_record_attest

    revision = page.save_revision()
    review_record_attest(page=page, note=TEST_REVIEW_NOTE)
    revision.publish()
    page.refresh_from_db()
    return page
