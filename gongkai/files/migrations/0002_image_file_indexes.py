"""Indexes for the media gate: it finds an image or a rendition by its stored file name."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("files", "0001_initial"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS files_rendition_file ON wagtailimages_rendition (file)",
            "DROP INDEX IF EXISTS files_rendition_file",
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS files_image_file ON wagtailimages_image (file)",
            "DROP INDEX IF EXISTS files_image_file",
        ),
    ]
