"""The tsvector table of the PostgreSQL backend (nothing on other databases).

No foreign key to search_searchentry: Django's test flush truncates the model
tables only, and PostgreSQL refuses to truncate a table another one references.
Triggers drop an entry's rows instead, on DELETE and on TRUNCATE.
"""

from django.db import migrations

CREATE = [
    """
    CREATE TABLE IF NOT EXISTS search_pgchunk (
        entry_id bigint NOT NULL,
        seq integer NOT NULL,
        tsv tsvector NOT NULL,
        PRIMARY KEY (entry_id, seq)
    )
    """,
    # Rows are read back for phrase positions and ranking. Bigram tsvectors barely
    # compress (lz4 saves 5 %, pglz gives up), and reading them uncompressed is
    # a quarter faster.
    "ALTER TABLE search_pgchunk ALTER COLUMN tsv SET STORAGE EXTERNAL",
    # Every search scans the whole pending list of new entries: keep it short.
    "CREATE INDEX IF NOT EXISTS search_pgchunk_tsv ON search_pgchunk USING gin (tsv) "
    "WITH (gin_pending_list_limit = 512)",
    # Titles and 文号 alone (seq 0), for ranking title matches and "did you mean".
    "CREATE INDEX IF NOT EXISTS search_pgchunk_head_tsv ON search_pgchunk USING gin (tsv) "
    "WITH (gin_pending_list_limit = 512) WHERE seq = 0",
    """
    CREATE OR REPLACE FUNCTION search_pgchunk_entries_deleted() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM search_pgchunk c USING deleted d WHERE c.entry_id = d.id;
        RETURN NULL;
    END $$
    """,
    """
    CREATE OR REPLACE FUNCTION search_pgchunk_entries_truncated() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE search_pgchunk;
        RETURN NULL;
    END $$
    """,
    "DROP TRIGGER IF EXISTS search_pgchunk_deleted ON search_searchentry",
    "CREATE TRIGGER search_pgchunk_deleted AFTER DELETE ON search_searchentry "
    "REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT "
    "EXECUTE FUNCTION search_pgchunk_entries_deleted()",
    "DROP TRIGGER IF EXISTS search_pgchunk_truncated ON search_searchentry",
    "CREATE TRIGGER search_pgchunk_truncated AFTER TRUNCATE ON search_searchentry "
    "FOR EACH STATEMENT EXECUTE FUNCTION search_pgchunk_entries_truncated()",
]

DROP = [
    "DROP TRIGGER IF EXISTS search_pgchunk_truncated ON search_searchentry",
    "DROP TRIGGER IF EXISTS search_pgchunk_deleted ON search_searchentry",
    "DROP FUNCTION IF EXISTS search_pgchunk_entries_truncated()",
    "DROP FUNCTION IF EXISTS search_pgchunk_entries_deleted()",
    "DROP TABLE IF EXISTS search_pgchunk",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in CREATE:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in DROP:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_sqlite_fts")]

    operations = [migrations.RunPython(create, drop)]
