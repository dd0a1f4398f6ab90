"""The FTS5 table of the SQLite backend (nothing on other databases)."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from gongkai.search.backends.sqlite import CREATE_SQL

    schema_editor.execute(CREATE_SQL)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
