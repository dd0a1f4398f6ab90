"""What the search index holds.

`SearchEntry` is one public thing as the search page shows it: its text (kept
as published, so snippets are cut from the original), its facets and where it
lives. The full-text index over it belongs to the backend (an FTS5 table on
SQLite, tsvector tables on PostgreSQL; see `backends`), keyed by the entry's id.

Entries carry a *generation*: `reindex` builds generation n+1 beside n while
searches keep using n, then switches (`SearchState`), so search never goes away
during a rebuild.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    generation = models.PositiveIntegerField(default=1)
    key = models.CharField(max_length=120)  # "<kind>:<object id>"
    kind = models.CharField(_("type"), max_length=60, db_index=True)
    object_id = models.CharField(max_length=60)
    title = models.CharField(_("title"), max_length=500)
    title_key = models.CharField(max_length=500, db_index=True)  # normalised, no spaces
    doc_number = models.CharField(_("document number"), max_length=100, blank=True, db_index=True)
    url = models.CharField(max_length=500)
    date = models.DateField(null=True, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    column_path = models.CharField(max_length=255, blank=True, db_index=True)
    section_id = models.PositiveIntegerField(null=True, blank=True)
    section = models.CharField(max_length=100, blank=True)
    topic = models.CharField(max_length=100, blank=True)
    department = models.CharField(max_length=100, blank=True)
    validity = models.CharField(max_length=20, blank=True)
    terms_version = models.PositiveSmallIntegerField(default=1)
    indexed_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The long texts last (see migration 0004): a query that filters, counts or sorts
    # reads the short columns without touching them.
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    extra = models.TextField(blank=True)  # indexed, never shown (keywords, 索引号...)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(fields=["generation", "key"], name="search_entry_unique_key")
        ]
        indexes = [models.Index(fields=["generation", "date"], name="search_entry_gen_date")]

    def __str__(self) -> str:
        return self.title


class SearchState(models.Model):
    """One row: which generation searches use, and which one is being built."""

    current = models.PositiveIntegerField(default=1)
    building = models.PositiveIntegerField(null=True, blank=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("search state")

    def __str__(self) -> str:
        return f"generation {self.current}"

    @classmethod
    def get(cls) -> "SearchState":
        state, _created = cls.objects.get_or_create(pk=1)
        return state

    def live_generations(self) -> list[int]:
        return [self.current] + ([self.building] if self.building else [])


class SynonymGroup(models.Model):
    """Words the public search treats as one (同义词组), edited by the office.

    Applied when a search runs (`synonyms.expand`), never at indexing: an edit
    takes effect with the next search, without rebuilding the index.
    """

    terms = models.TextField(
        _("words"),
        help_text=_(
            "One word per line (or separated by commas or 、), 2 to 20 characters each, "
            "at most 10 words. A word may belong to one group only."
        ),
    )
    one_way = models.BooleanField(
        _("one way"),
        default=False,
        help_text=_(
            "Searching the first word also searches the others, but searching one of the "
            "others does not search the first (for a collective term such as 五险一金)."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("synonym group")
        verbose_name_plural = _("search synonyms")
        ordering = ["pk"]

    def __str__(self) -> str:
        arrow = " → " if self.one_way else " ⇄ "
        words = self.words()
        if self.one_way and len(words) > 1:
            return words[0] + arrow + "、".join(words[1:])
        return arrow.join(words)

    def words(self) -> list[str]:
        """The group's words, in order (as saved: `clean` normalises them)."""
        from .synonyms import split_words

        return split_words(self.terms)

    def clean(self) -> None:
        from .synonyms import validate_group

        self.terms = "\n".join(validate_group(self))
