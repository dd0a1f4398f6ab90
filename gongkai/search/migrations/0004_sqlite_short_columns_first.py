"""On SQLite, rebuild the entry table so that its long texts are its last columns.

SQLite keeps a row's columns in table order and spills a long row into overflow
pages: a column after the body (date, year, facets) could only be read by
following them, which made counting and ranking a common word's matches slow.
Databases created after 0001 was reordered already have this order.
"""

from django.db import migrations

LONG = ("summary", "body", "extra")


def reorder(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    model = apps.get_model("search", "SearchEntry")
    table = model._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        columns = [row[1] for row in cursor.execute(f"PRAGMA table_info({table})").fetchall()]
    if columns[-len(LONG) :] == list(LONG):
        return
    # Remakes the table from the model state (short columns first), copying rows
    # with their ids, which the FTS5 index refers to.
    schema_editor._remake_table(model)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_postgres_fts")]

    operations = [migrations.RunPython(reorder, migrations.RunPython.noop)]
