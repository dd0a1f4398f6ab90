"""Snippets cut from the original text, with the query's words marked.

The index matches normalised text (NFKC, case-folded), so matching here
normalises too, character by character, keeping a map back to the original so
that what is shown is exactly what was published (full-width digits and all).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .text import ParsedQuery, runs

SNIPPET_CHARS = 120
LEAD_CHARS = 24


def _normalised_with_map(text: str) -> tuple[str, list[int]]:
    out: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        folded = char.lower() if char.isascii() else unicodedata.normalize("NFKC", char).casefold()
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


def spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    """Where the words occur in `text`: (start, end) offsets into the original."""
    pattern = _pattern(tuple(words))
    if pattern is None or not text:
        return []
    normalised, positions = _normalised_with_map(text)
    found = []
    for match in pattern.finditer(normalised):
        if match.end() > match.start():
            start = positions[match.start()]
            end = positions[match.end() - 1] + 1
            found.append((start, end))
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
    return mark_safe(_render(text, spans(text, parsed.words), 0, len(text)))


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def snippet(text: str, parsed: ParsedQuery, *, length: int = SNIPPET_CHARS) -> SafeString:
    """A window of `text` where most of the query's words occur, marked.

    Falls back to the text's beginning when no word occurs in it (the match was
    in the title or the metadata).
    """
    text = _squash(text)
    if not text:
        return mark_safe("")
    found = spans(text, parsed.words)
    if not found:
        end = min(len(text), length)
        return mark_safe(escape(text[:end]) + ("…" if end < len(text) else ""))
    # Anchor the window a little before a match; prefer the window covering the
    # most distinct words, then the earliest.
    best = (-1, 0)
    for anchor_start, _anchor_end in found[:50]:
        start = max(0, anchor_start - LEAD_CHARS)
        end = start + length
        covered = {text[s:e].casefold() for s, e in found if s >= start and e <= end}
        if len(covered) > best[0]:
            best = (len(covered), start)
    start = best[1]
    end = min(len(text), start + length)
    if end - start < length:
        start = max(0, end - length)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + _render(text, found, start, end) + suffix)
