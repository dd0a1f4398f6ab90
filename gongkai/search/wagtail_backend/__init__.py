"""Wagtail's admin search over the same CJK bigram terms as the public search.

Wagtail's database backends (django-modelsearch, which Wagtail 8 wraps) index a
run of Chinese characters as one token: FTS5's unicode61 tokenizer on SQLite and
``to_tsvector`` on PostgreSQL both do. So staff searching the page explorer, the
page, document and image choosers or a snippet listing for 社会保险 never found
城乡居民社会保险. This backend subclasses those two backends and changes only
what is indexed and what is asked:

* **Indexing.** Every title, body and autocomplete text goes through
  :func:`gongkai.search.text.index_text`, so the stored text is space-separated
  terms (overlapping bigrams plus a tail per CJK run, whole Latin words and
  numbers). On SQLite these terms fill ``wagtailsearch_indexentry`` and, through
  Wagtail's triggers, its FTS5 table; on PostgreSQL they become
  ``to_tsvector('simple', …)`` vectors with Wagtail's field weights. The plain
  ``title_text``/``body_text`` columns (PostgreSQL's fuzzy search) keep the raw text.
* **Querying.** Each query word becomes the phrase of terms that
  :func:`gongkai.search.text.phrase` builds, so it matches exactly where a
  substring scan would (an FTS5 phrase; a tsquery ``<->`` chain). Words are ANDed
  or ORed as the caller's operator says; a quoted query is one phrase. A word
  with no letters or digits is ignored, and a query with none at all finds
  nothing. Filters, ordering, relevance scores, facets, ``fields=`` and negation
  keep working through Wagtail's own compilers.
* **Autocomplete**, which every admin search box and chooser uses, makes the last
  word's last term a prefix, so a Latin word completes as typed (``Wag`` finds
  Wagtail); a CJK word needs no help, its phrase finds it anywhere in a run
  already. Unlike Wagtail's, it also looks in the title and body, not only the
  autocomplete fields: with substring phrases "as you type" and full text are the
  same question, and staff must find a draft by a phrase from its text. Matches
  in the title rank first.

There is no second tokenizer here: both sides call :mod:`gongkai.search.text`,
and changing its term rules (``TERMS_VERSION``) means rebuilding this index too
(``manage.py update_index``). The demo's ``seed_demo`` rebuilds it whenever it is
incomplete or was written in other terms (:mod:`.maintenance`).

**Index updates wait for the commit.** Wagtail updates its index from
``post_save``/``post_delete`` (through a django-tasks task, which the immediate
backend runs on the spot) and from the document and image forms, all inside the
transaction that publishes or saves. On PostgreSQL, with immediate tasks, that
once deadlocked a publish: the index writes (an upsert, then a title-norm update
across the table) ran while the publish transaction still held its locks. Here :meth:`add` and :meth:`delete` called inside
a transaction only queue the object on ``transaction.on_commit`` (once per object
per transaction, however many saves it sees); when the transaction commits the
object is read again and indexed, or its entry dropped if it is gone or no longer
indexable. A rolled-back save changes nothing. Outside a transaction (the task
worker, ``update_index``) they index at once, as Wagtail does. Tests that look at
the admin search must therefore let their writes commit, e.g. with
``django_capture_on_commit_callbacks(execute=True)``.

Known limits: PostgreSQL stores at most 16,383 positions per vector, so in a very
long body (more than about 16,000 characters) a word of three or more Chinese
characters (a phrase of two or more terms) past that point is not found; one or
two characters, or one Latin word, still are. ``fields=`` narrows to the indexed
*title* or to the whole *body* (every other field), since that is what the index
keeps apart.
"""

from __future__ import annotations

from django.db import connection


def SearchBackend(params):
    """The backend for the database in use, as ``wagtail.search.backends.database`` does."""
    if connection.vendor == "postgresql":
        from .postgres import PostgresBigramSearchBackend

        return PostgresBigramSearchBackend(params)
    if connection.vendor == "sqlite":
        from .sqlite import SQLiteBigramSearchBackend

        return SQLiteBigramSearchBackend(params)
    # gongkai runs on SQLite or PostgreSQL only; anything else gets Wagtail's own.
    from wagtail.search.backends.database import SearchBackend as WagtailSearchBackend

    return WagtailSearchBackend(params)
