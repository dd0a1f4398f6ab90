"""On SQLite: the FTS5 table gets a one-character prefix index, and the entries a
covering index of their short columns (see backends/sqlite.py).

FTS5 cannot add a prefix index to an existing table: it is dropped, created
again and filled from the entries (contentless, it has no text of its own):
about two minutes for 100,000 entries. Entries indexed under older term rules
are skipped; `reindex` rebuilds those (it starts from nothing then).
"""

from django.db import migrations

BATCH = 500


def rebuild(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from gongkai.search.backends.sqlite import (
        CREATE_SQL,
        FACET_INDEX_SQL,
        FTS_TABLE,
        entry_columns,
    )
    from gongkai.search.text import TERMS_VERSION

    entry = apps.get_model("search", "SearchEntry")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FACET_INDEX_SQL)
        cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        cursor.execute(CREATE_SQL)
        rows = []
        current = entry.objects.filter(terms_version=TERMS_VERSION).order_by("pk")
        for item in current.iterator(chunk_size=BATCH):
            rows.append((item.pk, *entry_columns(item)))
            if len(rows) >= BATCH:
                cursor.executemany(
                    f"INSERT INTO {FTS_TABLE}(rowid, title, number, body) VALUES (%s, %s, %s, %s)",
                    rows,
                )
                rows.clear()
        if rows:
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE}(rowid, title, number, body) VALUES (%s, %s, %s, %s)",
                rows,
            )


class Migration(migrations.Migration):
    dependencies = [("search", "0004_sqlite_short_columns_first")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
