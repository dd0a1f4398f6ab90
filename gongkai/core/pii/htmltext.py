"""Scan and mask personal data in HTML without reserialising it.

The HTML is cut into tags and text by position; only text nodes and ``href`` values are
scanned, character references (``&nbsp;``, ``&#49;``) are decoded for scanning, and the
masked form is spliced into the original source, so everything else stays byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from html import unescape

from .scanner import Finding, _splice, scan_text

_MARKUP = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<!\[CDATA\[.*?(?:\]\]>|\Z)"
    r"|<[!?][^>]*>?"
    r"|</?[A-Za-z][^\s/>]*"
    r"(?:\s+[^\s\"'>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?|\s*/)*\s*>",
    re.DOTALL,
)
_RAW_TEXT = re.compile(r"<(script|style)\b", re.IGNORECASE)
_HREF = re.compile(
    r"""(?<=[\s"'])href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE
)
_CHARREF = re.compile(r"&(?:#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};?)")


def _text_spans(source: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every scannable stretch: text nodes and href values."""
    position = 0
    while position < len(source):
        tag = _MARKUP.search(source, position)
        if tag is None:
            yield position, len(source)
            return
        if tag.start() > position:
            yield position, tag.start()
        position = tag.end()
        text = tag.group()
        if text.startswith("<") and text[1:2].isalpha():
            for href in _HREF.finditer(text):
                group = next(g for g in (1, 2, 3) if href.group(g) is not None)
                yield tag.start() + href.start(group), tag.start() + href.end(group)
            raw = _RAW_TEXT.match(text)
            if raw:
                close = re.compile(rf"</{raw.group(1)}\s*>", re.IGNORECASE).search(source, position)
                position = close.end() if close else len(source)


def _decode(source: str, start: int, end: int) -> tuple[str, list[tuple[int, int]]]:
    """Decode character references, keeping each decoded character's source span."""
    chars: list[str] = []
    origin: list[tuple[int, int]] = []
    position = start
    for ref in _CHARREF.finditer(source, start, end):
        for i in range(position, ref.start()):
            chars.append(source[i])
            origin.append((i, i + 1))
        decoded = unescape(ref.group())
        if len(decoded) == 1 and decoded != ref.group():
            chars.append(decoded)
            origin.append((ref.start(), ref.end()))
        else:
            for i in range(ref.start(), ref.end()):
                chars.append(source[i])
                origin.append((i, i + 1))
        position = ref.end()
    for i in range(position, end):
        chars.append(source[i])
        origin.append((i, i + 1))
    return "".join(chars), origin


def scan_html(html: str) -> list[Finding]:
    """Find personal data in the text nodes and href values of an HTML fragment or page.

    Returns findings whose offsets and ``matched`` refer to the HTML source (so ``matched``
    may contain ``&nbsp;``); script and style contents, other attributes and numbers split
    by tags are not scanned.
    """
    findings: list[Finding] = []
    for start, end in _text_spans(html):
        text, origin = _decode(html, start, end)
        for finding in scan_text(text):
            s, e = origin[finding.start][0], origin[finding.end - 1][1]
            findings.append(replace(finding, start=s, end=e, matched=html[s:e]))
    return findings


def html_text(html: str) -> str:
    """The decoded text nodes and href values of an HTML document, one stretch a line."""
    return "\n".join(_decode(html, start, end)[0] for start, end in _text_spans(html))


def mask_html(html: str) -> tuple[str, list[Finding]]:
    """Mask personal data in HTML text nodes and href values.

    Returns the masked HTML, identical to ``html`` outside the masked spans, and the
    findings (offsets into ``html``).
    """
    findings = scan_html(html)
    return _splice(html, findings), findings
