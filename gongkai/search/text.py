"""Text to index terms, and queries to phrases of the same terms.

The scheme (issue "Chinese full-text search", ../shared/data/README.md):

* Text is normalised with NFKC (full-width letters and digits become ASCII) and
  case-folded, so ``２０１９`` finds ``2019`` and ``PDF`` finds ``pdf``.
* It is split into *runs*: a run of CJK characters, or a run of other letters and
  digits (a Latin word or a number). Everything else separates runs.
* A CJK run becomes its overlapping character bigrams plus, at the end, its last
  character alone (the *tail*): ``社会保险`` → ``社会 会保 保险 险``. A one-character
  run is that character. So every character position starts exactly one term,
  which is what makes a one-character query work: ``险`` is the prefix query
  ``险*``, matching the tail ``险`` and every bigram starting with it.
* A Latin word or number is one term.

A query word becomes a phrase of the same terms, built so that it matches exactly
where the word occurs as a substring of a run sequence:

* runs inside the word are tokenised as in documents (their tails included, since
  a run that ends inside the query ends in the document too);
* the word's last run drops its tail (the document's run may go on), and a
  one-character last CJK run becomes a prefix term.

Query words are ANDed. This reproduces a ``LIKE '%word%'`` scan of the
normalised text for CJK words (recall and precision 1.000 in the benchmark); a
Latin word or number matches as a whole term, as the issue asks.

Nothing here knows about a database: backends turn :class:`Phrase` objects into
FTS5 or tsquery syntax, and since terms consist only of letters and digits no
user input ever reaches the engines' query languages unescaped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Han (BMP blocks, compatibility ideographs, supplementary planes) and kana.
CJK_RANGES = (
    "\u3007"  # 〇, as in 二〇二六年
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf"  # extension A
    "\u4e00-\u9fff"  # unified ideographs
    "\uf900-\ufaff"  # compatibility ideographs
    "\U00020000-\U0003134f"  # extensions B–G
)
_RUN = re.compile(rf"(?P<cjk>[{CJK_RANGES}]+)|(?P<word>(?:(?![{CJK_RANGES}])[^\W_])+)")
_CJK_CHAR = re.compile(rf"[{CJK_RANGES}]")

# Bump when `terms` changes: the index must then be rebuilt (`manage.py reindex`).
TERMS_VERSION = 2

# A query longer than this is cut: nobody types more, and it bounds the work.
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 12


def normalise(text: str) -> str:
    """NFKC and case-folded: what is indexed and what is matched."""
    return unicodedata.normalize("NFKC", text).casefold()


def runs(text: str) -> list[tuple[str, bool]]:
    """The runs of normalised `text`: ``(run, is_cjk)``."""
    return [(m.group(), m.lastgroup == "cjk") for m in _RUN.finditer(text)]


def _cjk_terms(run: str, *, tail: bool) -> list[str]:
    if len(run) == 1:
        return [run]
    terms = [run[i : i + 2] for i in range(len(run) - 1)]
    if tail:
        terms.append(run[-1])
    return terms


def terms(text: str) -> list[str]:
    """The index terms of `text`, in order (positions matter for phrases)."""
    out: list[str] = []
    for run, is_cjk in runs(normalise(text)):
        if is_cjk:
            out.extend(_cjk_terms(run, tail=True))
        else:
            out.append(run)
    return out


def index_text(text: str) -> str:
    """`text` as space-separated terms, for an engine that splits on spaces."""
    return " ".join(terms(text))


@dataclass(frozen=True)
class Phrase:
    """One query word: consecutive terms, the last possibly a prefix."""

    word: str
    terms: tuple[str, ...]
    prefix: bool = False
    # Other words searched in its place (the office's synonyms, `synonyms.expand`):
    # the word matches where any of its alternatives does, each one a phrase.
    synonyms: tuple[Phrase, ...] = ()

    @property
    def alternatives(self) -> tuple[Phrase, ...]:
        """The word itself, then its synonyms."""
        return (self, *self.synonyms)

    @property
    def needs_positions(self) -> bool:
        """Is some alternative a phrase of several terms (checked by position)?"""
        return any(len(a.terms) > 1 for a in self.alternatives)


def phrase(word: str) -> Phrase | None:
    """The phrase that finds `word` (already normalised) as a substring; None if it has no terms."""
    found = runs(word)
    if not found:
        return None
    out: list[str] = []
    prefix = False
    for index, (run, is_cjk) in enumerate(found):
        last = index == len(found) - 1
        if not is_cjk:
            out.append(run)
        elif last and len(run) == 1:
            out.append(run)
            prefix = True
        else:
            out.extend(_cjk_terms(run, tail=not last))
    return Phrase(word=word, terms=tuple(out), prefix=prefix)


@dataclass(frozen=True)
class ParsedQuery:
    """What the user asked for, cut to size and split into phrases."""

    text: str  # the normalised query as used
    phrases: tuple[Phrase, ...]

    def __bool__(self) -> bool:
        return bool(self.phrases)

    @property
    def words(self) -> list[str]:
        """The query words that have terms, as typed."""
        return [p.word for p in self.phrases]

    @property
    def marked_words(self) -> list[str]:
        """What highlighting marks: the words and their synonyms."""
        return [a.word for p in self.phrases for a in p.alternatives]

    @property
    def expansions(self) -> list[str]:
        """The synonyms searched besides the words (the page says 同时搜索了…)."""
        seen: dict[str, None] = {}
        for p in self.phrases:
            for a in p.synonyms:
                seen.setdefault(a.word, None)
        return list(seen)


def parse_query(query: str) -> ParsedQuery:
    """Split a user's query into words (on spaces and punctuation-only tokens).

    Operators of any engine (``"``, ``*``, ``-``, ``OR``, ``NEAR``) are just text
    here: quotes and stars separate runs, ``OR`` is the word "or".
    """
    text = normalise(query or "")[:MAX_QUERY_CHARS].strip()
    phrases: list[Phrase] = []
    seen: set[tuple[str, ...]] = set()
    for word in text.split():
        parsed = phrase(word)
        if parsed is None or (parsed.terms, parsed.prefix) in seen:
            continue
        seen.add((parsed.terms, parsed.prefix))
        phrases.append(parsed)
        if len(phrases) >= MAX_QUERY_WORDS:
            break
    return ParsedQuery(text=text, phrases=tuple(phrases))


def has_cjk(text: str) -> bool:
    return bool(_CJK_CHAR.search(text))
