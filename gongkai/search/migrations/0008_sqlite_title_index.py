"""On SQLite: a small FTS5 table of titles and 文号 alone (backends/sqlite.py),
filled from the entries (seconds for 100,000). Entries indexed under older term
rules are skipped; `reindex` rebuilds those."""

from django.db import migrations

BATCH = 1000


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from gongkai.search.backends.sqlite import CREATE_HEAD_SQL, HEAD_TABLE
    from gongkai.search.text import TERMS_VERSION, index_text

    entry = apps.get_model("search", "SearchEntry")
    insert = f"INSERT INTO {HEAD_TABLE}(rowid, title, number) VALUES (%s, %s, %s)"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {HEAD_TABLE}")
        cursor.execute(CREATE_HEAD_SQL)
        current = entry.objects.filter(terms_version=TERMS_VERSION).order_by("pk")
        rows = []
        for pk, title, number in current.values_list("pk", "title", "doc_number").iterator(
            chunk_size=BATCH
        ):
            rows.append((pk, index_text(title), index_text(number)))
            if len(rows) >= BATCH:
                cursor.executemany(insert, rows)
                rows.clear()
        if rows:
            cursor.executemany(insert, rows)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts_head")


class Migration(migrations.Migration):
    dependencies = [("search", "0007_entry_expires_at")]

    operations = [migrations.RunPython(create, drop)]
