"""Word originals kept by the import were titled "<file name>（Word 原件）"; the public list of
attachments shows the document's title instead, as imports now do."""

from django.db import migrations

SUFFIXES = ("（Word 原件）", " (original Word file)")


def retitle(apps, schema_editor):
    RecordAttachment = apps.get_model("catalog", "RecordAttachment")
    Document = apps.get_model("wagtaildocs", "Document")
    for attachment in RecordAttachment.objects.select_related("record").iterator():
        if not attachment.title.endswith(SUFFIXES):
            continue
        title = attachment.record.title[:200]
        Document.objects.filter(pk=attachment.document_id, title=attachment.title).update(
            title=title
        )
        RecordAttachment.objects.filter(pk=attachment.pk).update(title=title)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_short_record_slugs"),
        ("wagtaildocs", "0001_initial"),
    ]

    operations = [migrations.RunPython(retitle, migrations.RunPython.noop)]
