"""Records whose slug was made from a Chinese title get a short one (catalog/slugs.py), and
their old addresses answer with a permanent redirect (wagtail.contrib.redirects), so links,
bookmarks and search engines that know the long URL still arrive. The site search's entries
get the new URL too.
"""

from django.db import migrations
from django.utils import timezone


# Copies of catalog/slugs.py as of this migration: a migration must not change with the code.
def needs_short_slug(slug):
    return not slug or not slug.isascii() or len(slug) > 40


def record_slug(on, number):
    return f"{on:%Y-%m%d}-{number}"


STEPLEN = 4  # treebeard's path step in Wagtail's page tree


def _normalise(path: str) -> str:
    # Redirect.normalise_path for a plain path: leading slash, no trailing slash.
    return "/" + path.strip("/")


def shorten(apps, schema_editor):
    CatalogRecord = apps.get_model("catalog", "CatalogRecord")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Redirect = apps.get_model("wagtailredirects", "Redirect")
    SearchEntry = apps.get_model("search", "SearchEntry")
    sites = list(Site.objects.select_related("root_page"))

    for record in CatalogRecord.objects.order_by("pk").iterator():
        if not needs_short_slug(record.slug or ""):
            continue
        parent_path = record.path[:-STEPLEN]
        siblings = Page.objects.filter(path__startswith=parent_path, depth=record.depth)
        when = (
            record.written_date
            or record.publication_date
            or (
                timezone.localdate(record.first_published_at) if record.first_published_at else None
            )
            or timezone.localdate()
        )
        base = record_slug(when, record.pk)
        slug, suffix = base, 1
        while siblings.filter(slug=slug).exclude(pk=record.pk).exists():
            suffix += 1
            slug = f"{base}-{suffix}"
        old_url_path = record.url_path
        new_url_path = old_url_path[: -len(record.slug) - 1] + slug + "/"
        Page.objects.filter(pk=record.pk).update(slug=slug, url_path=new_url_path)
        # The public search index keeps each record's URL; the sitemap and feeds read
        # url_path and follow by themselves.
        old_tail = f"/{record.slug}/"
        for entry in SearchEntry.objects.filter(kind="catalog.record", object_id=str(record.pk)):
            if entry.url.endswith(old_tail):
                entry.url = entry.url[: -len(old_tail)] + f"/{slug}/"
                entry.save(update_fields=["url"])
        for site in sites:
            root = site.root_page.url_path
            if not old_url_path.startswith(root):
                continue
            old_path = _normalise(old_url_path[len(root) - 1 :])
            Redirect.objects.update_or_create(
                old_path=old_path,
                site=site,
                defaults={
                    "redirect_page_id": record.pk,
                    "is_permanent": True,
                    "automatically_created": True,
                },
            )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_attachment_original_private"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
        ("search", "0008_sqlite_title_index"),
    ]

    operations = [migrations.RunPython(shorten, migrations.RunPython.noop)]
