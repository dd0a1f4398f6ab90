"""Wagtail's page tree root is titled "Root"; staff see it in the explorer and the audit log.

Renamed to 网站根目录 where it still has Wagtail's title (a root renamed by hand is left
alone). Running it again changes nothing.
"""

from django.db import migrations

WAGTAIL_TITLE = "Root"
TITLE = "网站根目录"


def rename_root(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Page.objects.filter(depth=1, title=WAGTAIL_TITLE).update(title=TITLE, draft_title=TITLE)


def restore_root(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Page.objects.filter(depth=1, title=TITLE).update(title=WAGTAIL_TITLE, draft_title=WAGTAIL_TITLE)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(rename_root, restore_root)]
