"""On PostgreSQL: what bounds the work of a search on a common word.

* An index of the entries newest first, as searches order them (NULL dates
  last). A common word's matches are found by walking the entries in this order
  and asking the index of each (backends/postgres.py); the (generation, date)
  index cannot give ``date DESC NULLS LAST`` without sorting every entry.
* More statistics on ``tsv``: ANALYZE keeps the 5,000 commonest terms and their
  frequencies (1,000 by default, which leaves out terms in 1.5–13% of rows).
  Whether a word is common is read from them.
"""

from django.db import migrations

INDEX = "search_entry_gen_newest"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON search_searchentry "
        "(generation, date DESC NULLS LAST, id DESC)"
    )
    schema_editor.execute("ALTER TABLE search_pgchunk ALTER COLUMN tsv SET STATISTICS 500")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        schema_editor.execute("ALTER TABLE search_pgchunk ALTER COLUMN tsv SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("search", "0005_sqlite_prefix_and_facet_index")]

    operations = [migrations.RunPython(create, drop)]
