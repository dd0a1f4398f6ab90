"""Snippets cut from the original text, with the query's words marked.

The index matches normalised text (NFKC, case-folded), so matching here
normalises too, character by character, keeping a map back to the original so
that what is shown is exactly what was published (full-width digits and all).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .text import ParsedQuery, runs

SNIPPET_CHARS = 120
MAX_SCAN_CHARS = 200_000
LEAD_CHARS = 24


class _FoldTable(dict):
    """str.translate table: each character to its NFKC case-folded form, filled on demand."""

    def __missing__(self, code: int) -> str:
        folded = unicodedata.normalize("NFKC", chr(code)).casefold()
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def _normalised_with_map(text: str) -> tuple[str, list[int] | None]:
    """`text` normalised as the index normalises it, and a map back to `text`.

    The map is None when every character normalises to exactly one character
    (nearly always: full-width punctuation and digits map one to one), so that
    offsets are the same in both; otherwise it is built character by character.
    """
    normalised = text.translate(_FOLD)
    if len(normalised) == len(text):
        return normalised, None
    out: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        folded = _FOLD[ord(char)]
        out.append(folded)
        positions.extend([index] * len(folded))
    return "".join(out), positions


@lru_cache(maxsize=256)
def _pattern(words: tuple[str, ...]) -> re.Pattern | None:
    alternatives = []
    for word in words:
        parts = [re.escape(run) for run, _cjk in runs(word)]
        if parts:
            # Between runs the text may have anything that is not a letter or digit.
            alternatives.append(r"[\W_]*?".join(parts))
    if not alternatives:
        return None
    alternatives.sort(key=len, reverse=True)
    return re.compile("|".join(alternatives))


def words_pattern(words: list[str]) -> re.Pattern | None:
    """What finds any of `words` in normalised text (None if none has letters or digits)."""
    return _pattern(tuple(words))


def spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    """Where the words occur in `text`: (start, end) offsets into the original.

    Only the first MAX_SCAN_CHARS characters are looked at.
    """
    pattern = _pattern(tuple(words))
    if pattern is None or not text:
        return []
    normalised, positions = _normalised_with_map(text[:MAX_SCAN_CHARS])
    found = []
    for match in pattern.finditer(normalised):
        if match.end() > match.start():
            if positions is None:
                found.append((match.start(), match.end()))
            else:
                found.append((positions[match.start()], positions[match.end() - 1] + 1))
    return found


def _render(text: str, marks: list[tuple[int, int]], start: int, end: int) -> str:
    out = []
    cursor = start
    for mark_start, mark_end in marks:
        if mark_end <= start or mark_start >= end:
            continue
        mark_start, mark_end = max(mark_start, start), min(mark_end, end)
        out.append(escape(text[cursor:mark_start]))
        out.append(f"<mark>{escape(text[mark_start:mark_end])}</mark>")
        cursor = mark_end
    out.append(escape(text[cursor:end]))
    return "".join(out)


def highlight(text: str, parsed: ParsedQuery) -> SafeString:
    """All of `text` (a title), escaped, with the query's words marked."""
    return mark_safe(_render(text, spans(text, parsed.marked_words), 0, len(text)))


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def snippet(
    text: str,
    parsed: ParsedQuery,
    *,
    length: int = SNIPPET_CHARS,
    found: list[tuple[int, int]] | None = None,
) -> SafeString:
    """A window of `text` where most of the query's words occur, marked.

    Falls back to the text's beginning when no word occurs in it (the match was
    in the title or the metadata). `found` are the spans of `text` if the caller
    has them already (then `text` must be squashed: see `squash`).
    """
    if found is None:
        text = squash(text)
        found = spans(text, parsed.marked_words)
    if not text:
        return mark_safe("")
    if not found:
        end = min(len(text), length)
        return mark_safe(escape(text[:end]) + ("…" if end < len(text) else ""))
    # Anchor the window a little before a match; prefer the window covering the
    # most distinct words, then the earliest.
    # `found` is in text order: the spans within a window are a slice of it.
    starts = [s for s, _e in found]
    best = (-1, 0)
    for anchor_start, _anchor_end in found[:50]:
        start = max(0, anchor_start - LEAD_CHARS)
        end = start + length
        window = found[bisect_left(starts, start) : bisect_left(starts, end)]
        covered = {text[s:e].casefold() for s, e in window if e <= end}
        if len(covered) > best[0]:
            best = (len(covered), start)
    start = best[1]
    end = min(len(text), start + length)
    if end - start < length:
        start = max(0, end - length)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + _render(text, found, start, end) + suffix)
