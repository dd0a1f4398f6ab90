import io

import pytest
from wagtail.models import Page, Site

from gongkai.org.models import Bureau
from gongkai.portal.models import HomePage
from gongkai.portal.seeds import seed

pytestmark = pytest.mark.django_db


def _tree() -> list[tuple[str, str, str, int]]:
    return [
        (page.title, page.slug, page.specific_class.__name__, page.depth)
        for page in Page.objects.order_by("path")
    ]


def test_seed_replaces_the_welcome_page_on_a_fresh_database() -> None:
    Bureau.objects.update_or_create(defaults={"name": "测试市人社局"})
    assert Page.objects.filter(depth=2, slug="home").get().specific_class is Page

    seed(stdout=io.StringIO())

    home = HomePage.objects.get()
    assert home.title == "测试市人社局"
    assert home.slug == "home"
    assert home.live
    assert home.get_latest_revision() is not None
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert not Page.objects.filter(depth=2).exclude(pk=home.pk).exists()


def test_second_run_changes_nothing() -> None:
    seed(stdout=io.StringIO())
    before = (_tree(), list(Site.objects.values()), Page.objects.get(depth=2).latest_revision_id)

    out = io.StringIO()
    seed(stdout=out)

    after = (_tree(), list(Site.objects.values()), Page.objects.get(depth=2).latest_revision_id)
    assert before == after
    assert out.getvalue() == ""


def test_seed_follows_a_renamed_bureau() -> None:
    seed(stdout=io.StringIO())
    Bureau.objects.update(name="新名称局")
    seed(stdout=io.StringIO())
    assert HomePage.objects.get().title == "新名称局"


def test_a_welcome_page_that_editors_used_is_kept() -> None:
    welcome = Page.objects.get(depth=2, slug="home")
    welcome.add_child(instance=Page(title="编辑的页面", slug="edited"))

    seed(stdout=io.StringIO())

    assert Page.objects.filter(pk=welcome.pk).exists()
    home = HomePage.objects.get()
    assert home.slug != "home"
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk


def test_seed_creates_a_default_site_if_there_is_none() -> None:
    Site.objects.all().delete()
    seed(stdout=io.StringIO())
    site = Site.objects.get()
    assert site.is_default_site and site.root_page_id == HomePage.objects.get().pk
