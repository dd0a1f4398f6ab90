"""Search synonyms (同义词): the office's word groups, applied when a search runs.

A query word that is a word of an active group is searched as that word OR each
of the group's other words (a one-way group: only its first word brings in the
others). Each alternative is still an exact phrase of bigrams (`text.phrase`),
so 社保卡 finds 社会保障卡 wherever a substring scan for 社会保障卡 would. The
index is never touched: an edit counts from the next search on, and the pages
cached before it are purged (pagecache purges on any save of a public model).

Only a whole query word is looked up (after NFKC and case folding, without
surrounding punctuation): 社保卡 expands, 社保卡办理 does not.
"""

from __future__ import annotations

import dataclasses
import re

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .text import ParsedQuery, normalise, phrase, runs

CACHE_KEY = "search:synonyms:v1"
MIN_WORD_CHARS = 2
MAX_WORD_CHARS = 20
MAX_GROUP_WORDS = 10
# Separators an editor may use between words: lines, commas, 、 and semicolons.
# Spaces separate query words, so a word can never hold one.
_SEPARATORS = re.compile(r"[\s,，、;；]+")


def split_words(value: str) -> list[str]:
    """The words of a group as typed, normalised, empty ones dropped, order kept."""
    return [normalise(word) for word in _SEPARATORS.split(value or "") if word.strip()]


def lookup_key(word: str) -> str:
    """What a word is looked up by: its letters and digits, punctuation around them dropped."""
    found = runs(normalise(word))
    if not found:
        return ""
    # Keep inner punctuation as typed (a 文号 is never a synonym anyway); strip the ends.
    text = normalise(word)
    start = text.find(found[0][0])
    end = text.rfind(found[-1][0]) + len(found[-1][0])
    return text[start:end]


def validate_group(group) -> list[str]:
    """The group's words, checked; raises ValidationError with Chinese messages.

    No empty group or word, 2–20 characters a word, at most 10 words, no word
    twice, none without letters or digits, none that is a word of another group.
    """
    from .models import SynonymGroup

    words = split_words(group.terms)
    errors: list[str] = []
    if len(words) < 2:
        errors.append(_("A group needs at least two words."))
    if len(words) > MAX_GROUP_WORDS:
        errors.append(_("A group may have at most %(max)d words.") % {"max": MAX_GROUP_WORDS})
    seen: set[str] = set()
    for word in words:
        if len(word) < MIN_WORD_CHARS or len(word) > MAX_WORD_CHARS:
            errors.append(
                _("“%(word)s”: a word has %(min)d to %(max)d characters.")
                % {"word": word, "min": MIN_WORD_CHARS, "max": MAX_WORD_CHARS}
            )
        elif phrase(word) is None or lookup_key(word) != word:
            errors.append(
                _(
                    "“%(word)s”: a word consists of letters and digits, without punctuation at its ends."
                )
                % {"word": word}
            )
        if word in seen:
            errors.append(_("“%(word)s” is listed twice.") % {"word": word})
        seen.add(word)
    others = SynonymGroup.objects.exclude(pk=group.pk) if group.pk else SynonymGroup.objects.all()
    for other in others.only("pk", "terms"):
        for word in set(split_words(other.terms)) & seen:
            errors.append(
                _(
                    "“%(word)s” is already in the group “%(group)s”; a word may be in one group only."
                )
                % {"word": word, "group": str(other)}
            )
    if errors:
        raise ValidationError({"terms": errors})
    return words


def _build_map() -> dict[str, tuple[str, ...]]:
    from .models import SynonymGroup

    mapping: dict[str, tuple[str, ...]] = {}
    for group in SynonymGroup.objects.filter(is_active=True).order_by("pk"):
        words = group.words()
        if len(words) < 2:
            continue
        sources = words[:1] if group.one_way else words
        for word in sources:
            mapping.setdefault(word, tuple(w for w in words if w != word))
    return mapping


def synonym_map() -> dict[str, tuple[str, ...]]:
    """``{word: (its synonyms...)}`` of the active groups, from the shared cache."""
    found = cache.get(CACHE_KEY)
    if found is None:
        found = _build_map()
        cache.set(CACHE_KEY, found, None)
    return found


def forget() -> None:
    """Drop the cached map once the current transaction commits (every process reads anew)."""
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))


def expand(parsed: ParsedQuery) -> ParsedQuery:
    """`parsed` with each word's synonyms attached as alternatives (`Phrase.synonyms`)."""
    if not parsed:
        return parsed
    mapping = synonym_map()
    if not mapping:
        return parsed
    phrases = []
    for p in parsed.phrases:
        others = mapping.get(lookup_key(p.word), ())
        alternatives = []
        seen = {(p.terms, p.prefix)}
        for word in others:
            found = phrase(word)
            if found is not None and (found.terms, found.prefix) not in seen:
                seen.add((found.terms, found.prefix))
                alternatives.append(found)
        phrases.append(dataclasses.replace(p, synonyms=tuple(alternatives)) if alternatives else p)
    return dataclasses.replace(parsed, phrases=tuple(phrases))
