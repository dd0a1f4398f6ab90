"""Wagtail's SQLite FTS5 backend over CJK bigram terms."""

from __future__ import annotations

from functools import cached_property

from django.db.models import FloatField, Func
from django.db.models.expressions import Expression
from wagtail.search.backends.database.sqlite.query import SearchQueryExpression, SearchQueryField
from wagtail.search.backends.database.sqlite.sqlite import (
    IndexEntry,
    ObjectIndexer,
    SQLiteAutocompleteQueryCompiler,
    SQLiteFTSIndexEntry,
    SQLiteIndex,
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
)
from wagtail.search.utils import get_content_type_pk

from .. import text
from ..backends.base import BODY_WEIGHT, TITLE_WEIGHT
from ..backends.sqlite import fts_phrase
from .common import AfterCommitIndexingMixin, TermsPhrase, TermsQueryMixin, index_columns

# The FTS5 table's columns in their order (Wagtail's migration creates it), and
# their weights: the autocomplete text is the title (pages, documents) or the
# title and description (images).
FTS_COLUMNS = ("autocomplete", "body", "title")
FTS_COLUMN_WEIGHTS = {"autocomplete": BODY_WEIGHT, "body": BODY_WEIGHT, "title": TITLE_WEIGHT}


class TermsObjectIndexer(ObjectIndexer):
    """Wagtail's indexer, with each column's text as space-separated terms."""

    @cached_property
    def title(self):
        return text.index_text(ObjectIndexer.title.func(self))

    @cached_property
    def body(self):
        return text.index_text(ObjectIndexer.body.func(self))

    @cached_property
    def autocomplete(self):
        return text.index_text(ObjectIndexer.autocomplete.func(self))


class TermsSQLiteIndex(SQLiteIndex):
    indexer_class = TermsObjectIndexer

    def add_items(self, model, objs):
        # SQLiteIndex.add_items (django-modelsearch 1.3) with the indexer class swapped.
        if not model.get_search_fields():
            return
        indexers = [self.indexer_class(obj, self.backend) for obj in objs]
        if not indexers:
            return
        content_type_pk = get_content_type_pk(model)
        data = {
            indexer.id: (indexer.title, indexer.autocomplete, indexer.body) for indexer in indexers
        }
        entries = self.entries.filter(content_type_id=content_type_pk)
        existing = set(entries.filter(object_id__in=data).values_list("object_id", flat=True))
        for object_id in existing:
            title, autocomplete, body = data[object_id]
            entries.filter(object_id=object_id).update(
                title=title, autocomplete=autocomplete, body=body
            )
        self.entries.bulk_create(
            IndexEntry(
                content_type_id=content_type_pk,
                object_id=object_id,
                title=title,
                autocomplete=autocomplete,
                body=body,
            )
            for object_id, (title, autocomplete, body) in data.items()
            if object_id not in existing
        )
        self._refresh_title_norms()


class FTSQuery(Expression):
    """An FTS5 query string, compiled as one parameter (MatchExpression inlines it)."""

    output_field = SearchQueryField()

    def __init__(self, query: str):
        super().__init__()
        self.query = query

    def as_sql(self, compiler, connection):
        return "%s", [self.query]


class WeightedBM25(Func):
    """bm25 of the matched row, with the title weighted as the public search weights it.

    FTS5 ranks the whole row against the whole MATCH, so there is one score per row
    however the query combines its words; Wagtail's default gives every column the
    same weight and then scales by its title norm, which let a body match outrank a
    title match.
    """

    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra_context):
        weights = ", ".join(str(FTS_COLUMN_WEIGHTS[column]) for column in FTS_COLUMNS)
        return f"bm25({SQLiteFTSIndexEntry._meta.db_table}, {weights})", []


class TermsSQLiteCompilerMixin(TermsQueryMixin):
    def _build_rank_expression(self, vectors, config):
        return WeightedBM25()  # lower is better, as Wagtail's BM25 (it sorts ascending)

    def build_search_query_content(self, query, config=None):
        if isinstance(query, TermsPhrase):
            return SearchQueryExpression(FTSQuery(fts_phrase(query.phrase)))
        return super().build_search_query_content(query, config=config)

    def search(self, config, start, stop, score_field=None):
        if self.query is None:
            return self.queryset.none()
        if not self.fields:
            return super().search(config, start, stop, score_field=score_field)
        # The FTS table has title, body and autocomplete columns only; Wagtail would
        # name the model's fields as FTS columns. `check()` has validated the names.
        fields, self.fields = self.fields, index_columns(self.fields)
        try:
            return super().search(config, start, stop, score_field=score_field)
        finally:
            self.fields = fields


class TermsSQLiteSearchQueryCompiler(TermsSQLiteCompilerMixin, SQLiteSearchQueryCompiler):
    pass


class TermsSQLiteAutocompleteQueryCompiler(
    TermsSQLiteCompilerMixin, SQLiteAutocompleteQueryCompiler
):
    PREFIX_LAST = True
    # Title and body too: staff find a draft by a phrase from its text (package docstring).
    FTS_TABLE_FIELDS = ["autocomplete", "title", "body"]


class SQLiteBigramSearchBackend(AfterCommitIndexingMixin, SQLiteSearchBackend):
    query_compiler_class = TermsSQLiteSearchQueryCompiler
    autocomplete_query_compiler_class = TermsSQLiteAutocompleteQueryCompiler
    index_class = TermsSQLiteIndex


SearchBackend = SQLiteBigramSearchBackend
