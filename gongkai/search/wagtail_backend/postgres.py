"""Wagtail's PostgreSQL tsvector backend over CJK bigram terms."""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery
from django.db.models import F
from django.db.models.sql.subqueries import InsertQuery
from wagtail.search.backends.database.postgres.postgres import (
    IndexEntry,
    ObjectIndexer,
    PostgresAutocompleteQueryCompiler,
    PostgresIndex,
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
)
from wagtail.search.utils import get_content_type_pk

from .. import text
from .common import AfterCommitIndexingMixin, TermsPhrase, TermsQueryMixin, index_columns

# Terms are already normalised (NFKC, case-folded) and never stop words: the
# 'simple' configuration takes each as it is, on both the vector and query side.
TS_CONFIG = "simple"


def tsquery_phrase(phrase: text.Phrase) -> str:
    """`phrase` in to_tsquery syntax: its terms in a ``<->`` chain, the last maybe ``:*``."""
    quoted = ["'" + term.replace("\\", "\\\\").replace("'", "''") + "'" for term in phrase.terms]
    if phrase.prefix:
        quoted[-1] += ":*"
    return " <-> ".join(quoted)


class TermsObjectIndexer(ObjectIndexer):
    """Wagtail's indexer, with each weighted text turned into terms before to_tsvector."""

    def as_vector(self, texts, for_autocomplete=False):
        return super().as_vector(
            [(text.index_text(value), weight) for value, weight in texts],
            for_autocomplete=for_autocomplete,
        )


class TermsPostgresIndex(PostgresIndex):
    indexer_class = TermsObjectIndexer

    def add_items(self, model, objs):
        # PostgresIndex.add_items (django-modelsearch 1.3) with the indexer class swapped.
        if not model.get_search_fields():
            return
        indexers = [self.indexer_class(obj, self.backend) for obj in objs]
        if not indexers:
            return
        content_type_pk = get_content_type_pk(model)
        compiler = InsertQuery(IndexEntry).get_compiler(connection=self.write_connection)
        rows = []
        params = []
        for indexer in indexers:
            params.extend((content_type_pk, indexer.id))
            vectors = []
            for name in ("title", "autocomplete", "body"):
                value = compiler.prepare_value(
                    IndexEntry._meta.get_field(name), getattr(indexer, name)
                )
                sql, value_params = value.as_sql(compiler, self.write_connection)
                vectors.append(sql)
                params.extend(value_params)
            params.extend((indexer.title_text, indexer.body_text))
            rows.append(f"(%s, %s, {vectors[0]}, {vectors[1]}, {vectors[2]}, 1.0, %s, %s)")
        table = IndexEntry._meta.db_table
        with self.write_connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (content_type_id, object_id, title, autocomplete, body, "
                f"title_norm, title_text, body_text) (VALUES {', '.join(rows)}) "
                "ON CONFLICT (content_type_id, object_id) DO UPDATE SET "
                "title = EXCLUDED.title, title_norm = 1.0, autocomplete = EXCLUDED.autocomplete, "
                "body = EXCLUDED.body, title_text = EXCLUDED.title_text, "
                "body_text = EXCLUDED.body_text",
                params,
            )
        self._refresh_title_norms()


class TermsPostgresCompilerMixin(TermsQueryMixin):
    def build_tsquery_content(self, query, config=None, invert=False):
        if isinstance(query, TermsPhrase):
            tsquery = tsquery_phrase(query.phrase)
            if invert:
                tsquery = f"!({tsquery})"
            return SearchQuery(tsquery, search_type="raw", config=TS_CONFIG)
        return super().build_tsquery_content(query, config=config, invert=invert)

    def get_fields_vectors(self, search_query):
        # Wagtail would run to_tsvector over the model's own columns, which hold
        # text, not terms; the index keeps the title apart from everything else.
        vectors = {
            "title": (F("index_entries__title"), F("index_entries__title_norm")),
            "body": (F("index_entries__body"), 1.0),
        }
        return [vectors[column] for column in index_columns(self.fields)]

    def search(self, config, start, stop, score_field=None, backend=None):
        if self.query is None:
            return self.queryset.none()
        return super().search(config, start, stop, score_field=score_field, backend=backend)


class TermsPostgresSearchQueryCompiler(TermsPostgresCompilerMixin, PostgresSearchQueryCompiler):
    pass


class TermsPostgresAutocompleteQueryCompiler(
    TermsPostgresCompilerMixin, PostgresAutocompleteQueryCompiler
):
    PREFIX_LAST = True

    def get_index_vectors(self, search_query):
        # Title and body too: staff find a draft by a phrase from its text (package docstring).
        return [
            (F("index_entries__autocomplete"), 1.0),
            (F("index_entries__title"), F("index_entries__title_norm")),
            (F("index_entries__body"), 1.0),
        ]


class PostgresBigramSearchBackend(AfterCommitIndexingMixin, PostgresSearchBackend):
    query_compiler_class = TermsPostgresSearchQueryCompiler
    autocomplete_query_compiler_class = TermsPostgresAutocompleteQueryCompiler
    index_class = TermsPostgresIndex

    def __init__(self, params):
        super().__init__(params)
        self.config = self.autocomplete_config = TS_CONFIG


SearchBackend = PostgresBigramSearchBackend
