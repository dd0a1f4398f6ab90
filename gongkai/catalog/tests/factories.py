from datetime import date

from wagtail.models import Page, Site

from gongkai.catalog.models import CatalogColumnPage, CatalogRecord, Genre, TopicCategory
from gongkai.catalog.seeds import seed_vocabularies


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
    revision = page.save_revision()
    if publish:
        from gongkai.review.services import review_record_attest

        # Every publication needs a completed review; tests attest one (补录).
        review_record_attest(page=page, note="测试数据")
        revision.publish()
        page.refresh_from_db()
    return page
