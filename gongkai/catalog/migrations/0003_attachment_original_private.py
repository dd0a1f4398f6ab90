"""Attachment originals move to the private storage (PRIVATE_MEDIA_ROOT), out of MEDIA_ROOT.

Files archived before this migration sit in the default storage under the same relative
name (archive/originals/<random>/<name>); they are moved, so existing rows keep working.
"""

import os

from django.core.files.storage import storages
from django.db import migrations, models

import gongkai.catalog.archive
import gongkai.core.storage


def _remove_empty_folders(storage, name: str) -> None:
    """Drop the now empty random folder (and archive/originals/, archive/) on disk."""
    if not hasattr(storage, "path"):
        return
    folder = os.path.dirname(storage.path(name))
    root = os.path.abspath(storage.location)
    while folder.startswith(root + os.sep):
        try:
            os.rmdir(folder)
        except OSError:
            return
        folder = os.path.dirname(folder)


def _move(apps, source_alias: str, target_alias: str) -> None:
    source, target = storages[source_alias], storages[target_alias]
    model = apps.get_model("catalog", "AttachmentOriginal")
    for pk, name in model.objects.exclude(original="").values_list("pk", "original"):
        if not source.exists(name):
            continue
        if not target.exists(name):
            with source.open(name, "rb") as handle:
                saved = target.save(name, handle)
            if saved != name:  # pragma: no cover - the target did not have the name
                model.objects.filter(pk=pk).update(original=saved)
        source.delete(name)
        _remove_empty_folders(source, name)


def to_private(apps, schema_editor):
    _move(apps, "default", gongkai.core.storage.PRIVATE_STORAGE_ALIAS)


def to_default(apps, schema_editor):
    _move(apps, gongkai.core.storage.PRIVATE_STORAGE_ALIAS, "default")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_attachment_original"),
    ]

    operations = [
        migrations.AlterField(
            model_name="attachmentoriginal",
            name="original",
            field=models.FileField(
                blank=True,
                max_length=255,
                storage=gongkai.core.storage.get_private_storage,
                upload_to=gongkai.catalog.archive.original_upload_to,
                verbose_name="original file",
            ),
        ),
        migrations.RunPython(to_private, to_default),
    ]
