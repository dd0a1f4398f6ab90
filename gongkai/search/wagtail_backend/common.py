"""What the SQLite and PostgreSQL flavours share: query rewriting, indexed text, deferral."""

from __future__ import annotations

import copy
import dataclasses

from django.db import connections, router, transaction
from wagtail.search.index import get_indexed_instance
from wagtail.search.query import And, Boost, Not, Or, Phrase, PlainText

from .. import text


class TermsPhrase(Phrase):
    """One query word as consecutive index terms (a :class:`gongkai.search.text.Phrase`).

    A `Phrase` to Wagtail's compilers, so that their normalising, combining and
    ranking treat it as one leaf; each flavour compiles it to its engine's phrase.
    """

    def __init__(self, phrase: text.Phrase):
        super().__init__(phrase.word)
        self.phrase = phrase

    def __repr__(self):
        return f"<TermsPhrase {self.phrase.terms!r} prefix={self.phrase.prefix}>"


def _combine(kind, parts):
    parts = [part for part in parts if part is not None]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else kind(parts)


def to_terms(query, *, prefix_last: bool = False):
    """`query` with every PlainText and Phrase turned into TermsPhrase leaves.

    Parts without any letter or digit drop out (None when nothing is left), as
    :func:`gongkai.search.text.parse_query` drops such words. With `prefix_last`
    (autocomplete), the last word of each plain text is a prefix, as Wagtail's
    ``LAST_TERM_IS_PREFIX`` makes it.
    """
    if isinstance(query, TermsPhrase):
        return query
    if isinstance(query, PlainText):
        phrases = list(text.parse_query(query.query_string).phrases)
        if not phrases:
            return None
        if prefix_last:
            phrases[-1] = dataclasses.replace(phrases[-1], prefix=True)
        kind = Or if query.operator == "or" else And
        return _combine(kind, [TermsPhrase(p) for p in phrases])
    if isinstance(query, Phrase):
        words = text.normalise(query.query_string)[: text.MAX_QUERY_CHARS].strip()
        found = text.phrase(words)
        return TermsPhrase(found) if found else None
    if isinstance(query, (And, Or)):
        return _combine(
            type(query), [to_terms(q, prefix_last=prefix_last) for q in query.subqueries]
        )
    if isinstance(query, Not):
        inner = to_terms(query.subquery, prefix_last=prefix_last)
        return None if inner is None else Not(inner)
    if isinstance(query, Boost):
        inner = to_terms(query.subquery, prefix_last=prefix_last)
        return None if inner is None else Boost(inner, query.boost)
    return query  # MatchAll, Fuzzy (PostgreSQL's trigram search on the raw text)


def index_columns(fields) -> list[str]:
    """The index columns that hold `fields`: the title, or the body (every other field)."""
    return list(dict.fromkeys("title" if name == "title" else "body" for name in fields))


class TermsQueryMixin:
    """For a Wagtail query compiler: ask in terms (`self.query` is None if there are none)."""

    PREFIX_LAST = False  # autocomplete compilers set it

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.query = to_terms(self.query, prefix_last=self.PREFIX_LAST)


class _IndexAfterCommit:
    """The on_commit callback: index the object as committed, or drop its entry."""

    def __init__(self, backend, obj, key):
        self.backend = backend
        self.obj = obj
        self.pk = obj.pk  # a delete sets the instance's pk to None
        self.index_key = key
        self.done = False

    def __call__(self):
        self.done = True
        model = type(self.obj)
        current = model._default_manager.filter(pk=self.pk).first()
        indexed = get_indexed_instance(current) if current is not None else None
        if indexed is not None:
            self.backend.add_now(indexed)
        else:
            gone = copy.copy(self.obj)
            gone.pk = self.pk
            self.backend.delete_now(gone)


class AfterCommitIndexingMixin:
    """For a Wagtail search backend: index saved and deleted objects after the commit.

    See the package docstring for why. `add_now` and `delete_now` are Wagtail's
    immediate versions.
    """

    def add(self, obj):
        if not self._defer(obj):
            self.add_now(obj)

    def delete(self, obj):
        if not self._defer(obj):
            self.delete_now(obj)

    def add_now(self, obj):
        super().add(obj)

    def delete_now(self, obj):
        super().delete(obj)

    def _defer(self, obj) -> bool:
        alias = obj._state.db or router.db_for_write(type(obj), instance=obj)
        conn = connections[alias]
        if obj.pk is None or not conn.in_atomic_block:
            return False
        key = (type(self).__qualname__, obj._meta.label, str(obj.pk))
        # Already queued and not yet run: it reads the object afresh at the commit.
        # Whatever rolls back that callback (a savepoint still open around it, so
        # also around us) rolls back this change too; a savepoint rolled back
        # earlier has taken its callbacks out of the list already.
        for _sids, func, *_ in conn.run_on_commit:
            if getattr(func, "index_key", None) == key and not func.done:
                return True
        transaction.on_commit(_IndexAfterCommit(self, obj, key), using=alias, robust=True)
        return True
