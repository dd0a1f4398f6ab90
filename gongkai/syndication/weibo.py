"""A Weibo post (微博) for a public object: plain text within Weibo's length, with its link.

How Weibo counts (the "140 字" of a post as the timeline shows it; longer posts are folded
behind 全文, so the classic limit is what readers see): a Chinese character or any other
non-ASCII character counts 1, an ASCII character (letter, digit, half-width punctuation,
space) counts ½, and the total is rounded up. A link counts as 10 whatever its length,
because Weibo replaces it by a t.cn short link — unless it is longer than 140 bytes, when
the excess counts too. This is the rule of weibo.com's own counter, as re-implemented
"bug-for-bug compatible with Sina's" by the WeCase client (WeCase/WeCase,
src/TweetUtils.py, `tweetLength`: TWEET_MAX = 140, TWEET_URL_LEN = 20 half-width units).
"""

from __future__ import annotations

import math
import re

from django.utils.translation import gettext as _

from .registry import Essential

#: What a post may count, in Weibo's 字 (see the module docstring).
WEIBO_LIMIT = 140
#: What a link counts, in half-width units (10 字), however long it is up to the next.
WEIBO_LINK_UNITS = 20
#: Links longer than this many bytes count the excess as well.
WEIBO_LINK_MAX_BYTES = 140

ELLIPSIS = "…"
# Weibo's link pattern (as WeCase has it), for http and https.
_LINK = re.compile(r"https?://[a-zA-Z0-9]+(?:\.[a-zA-Z0-9]+)+[-A-Za-z0-9_$.+!*()/\\,:@&=?~#%]*")
_SENTENCE_END = "。！？；…"


def _units(text: str) -> int:
    """Half-width units of plain text: ASCII 1, anything else 2."""
    return sum(1 if ord(char) < 0x80 else 2 for char in text)


def _link_units(link: str) -> int:
    size = _units(link)
    return WEIBO_LINK_UNITS if size <= WEIBO_LINK_MAX_BYTES else size - WEIBO_LINK_MAX_BYTES + 20


def weibo_length(text: str) -> int:
    """The length Weibo shows for `text`, in 字."""
    units = 0
    rest = 0
    for match in _LINK.finditer(text):
        units += _units(text[rest : match.start()]) + _link_units(match.group())
        rest = match.end()
    units += _units(text[rest:])
    return math.ceil(units / 2)


def _cut(text: str, units: int) -> str:
    """`text` cut to at most `units` half-width units with an ellipsis, at the end of a
    sentence when one ends in the second half of what fits, else at a character."""
    if _units(text) <= units:
        return text
    room = units - _units(ELLIPSIS)
    if room <= 0:
        return ""
    kept, used = [], 0
    for char in text:
        used += _units(char)
        if used > room:
            break
        kept.append(char)
    cut = "".join(kept)
    ends = [i for i, char in enumerate(cut) if char in _SENTENCE_END]
    if ends and ends[-1] + 1 >= len(cut) // 2:
        return cut[: ends[-1] + 1] if cut[ends[-1]] == ELLIPSIS else cut[: ends[-1]] + ELLIPSIS
    return cut.rstrip("，、：,;: ") + ELLIPSIS


def weibo_text(
    *, title: str, essentials: list[Essential], summary: str, url: str, limit: int = WEIBO_LIMIT
) -> str:
    """【title】essentials。summary  link — within `limit` 字 by weibo_length.

    What does not fit is cut with …: the summary first, then the essentials, then the
    title. The link is never cut: it is what the post is for.
    """
    link = " " + _("Full text: ") + url
    budget = limit * 2 - (_units(link) - _units(url)) - _link_units(url)
    facts = "，".join(f"{row.label}：{row.value}" for row in essentials if row.value)
    facts = facts + "。" if facts else ""
    summary = " ".join(summary.split())
    head = f"【{title}】"
    if _units(head) > budget:
        head = "【" + _cut(title, max(budget - _units("【】"), 0)) + "】"
        return (head if _units(head) <= budget else "") + link.lstrip()
    body = facts + summary
    body = _cut(body, budget - _units(head))
    return head + body + link
