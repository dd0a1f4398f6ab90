"""Make the portal's HomePage the root of the default site (replacing Wagtail's welcome page)."""

from typing import TextIO
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from wagtail.models import Page, Site

from gongkai.org.models import Bureau

from .models import HomePage

DEPENDS = ["org"]

HOME_SLUG = "home"


def _is_wagtail_welcome_page(page: Page) -> bool:
    """The untouched page `wagtailcore` 0002 creates: a plain Page, slug "home", no children."""
    return (
        page.specific_class is Page
        and page.slug == HOME_SLUG
        and page.numchild == 0
        and not Site.objects.filter(root_page=page).exists()
    )


def site_address() -> tuple[str, int]:
    """(hostname, port) of SITE_URL, which the default Wagtail Site must carry.

    Wagtail builds a page's full URL (`page.full_url`, its sitemap entries, links in the
    admin's e-mails) from the Site record, so it must name the public address.
    """
    parts = urlsplit(str(settings.SITE_URL))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return (parts.hostname or "localhost"), port


@transaction.atomic
def seed(*, stdout: TextIO) -> None:
    """Create the home page once, make it the default site's root and keep its title the bureau's.

    Idempotent: a second run changes nothing. Wagtail's welcome page is deleted
    only while it is the untouched default; anything an editor made is kept.
    """
    bureau = Bureau.load()
    root = Page.get_first_root_node()
    if root is None:
        raise RuntimeError("The Wagtail page tree has no root: run `manage.py migrate` first.")

    home = HomePage.objects.first()
    if home is None:
        slug_taken = root.get_children().filter(slug=HOME_SLUG).exists()
        # The welcome page holds the slug "home" until it is gone; rename below.
        home = HomePage(title=bureau.name, slug="portal-home" if slug_taken else HOME_SLUG)
        root.add_child(instance=home)
        home.save_revision().publish()
        stdout.write(f"  created the home page “{home.title}”\n")

    hostname, port = site_address()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname=hostname,
            port=port,
            site_name=bureau.name,
            root_page=home,
            is_default_site=True,
        )
        stdout.write("  created the default site\n")
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save(update_fields=["root_page"])
        stdout.write("  made the home page the default site's root\n")
    if site is not None and (site.hostname, site.port) != (hostname, port):
        # SITE_URL changed since the last seed_demo (or migrate made "localhost:80").
        site.hostname, site.port = hostname, port
        site.save(update_fields=["hostname", "port"])
        stdout.write(f"  set the default site's address to {hostname}:{port} (SITE_URL)\n")

    for page in root.get_children():
        if page.pk != home.pk and _is_wagtail_welcome_page(page):
            page.delete()
            stdout.write("  removed Wagtail's welcome page\n")

    home = HomePage.objects.get(pk=home.pk)
    slug_free = not root.get_children().filter(slug=HOME_SLUG).exclude(pk=home.pk).exists()
    rename = home.slug != HOME_SLUG and slug_free
    retitle = home.title != bureau.name
    if rename or retitle:
        if rename:
            home.slug = HOME_SLUG
        if retitle:
            home.title = bureau.name
            home.draft_title = bureau.name
        home.save_revision().publish()
        stdout.write("  updated the home page's title and slug\n")
