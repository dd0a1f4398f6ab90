"""Scan and mask personal data in HTML without reserialising it.

The HTML is cut into tags and text by position. Three kinds of pieces are scanned:

- text: the text nodes between two block boundaries, joined across inline tags (``<span>``,
  ``<b>``, ``<a>``, ``<font>``, comments…), so that ``138<b>1234</b>5678`` is one number but
  ``<td>138</td><td>12345678</td>`` is not; runs of spaces and line breaks count as one
  space, as a browser shows them;
- attribute: the values of ``href``, ``src``, ``title``, ``alt``, ``value``, ``content``,
  ``placeholder``, ``label``, ``aria-label`` and ``data-*`` attributes;
- comment: the inside of ``<!-- -->``.

Character references (``&nbsp;``, ``&#49;``) are decoded for scanning, and the masked form
is spliced into the original source, so everything outside the masked spans stays byte for
byte. A number split across text nodes gets its masked form in the first text node it
touches; the other nodes lose their part of it, and every tag stays where it was.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from html import unescape

from .scanner import Finding, scan_text, spread_mask

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
_TAG_NAME = re.compile(r"</?([A-Za-z][^\s/>]*)")
_ATTRIBUTE = re.compile(
    r"""\s*([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?|\s*/"""
)
_WHITESPACE = " \t\n\r\f"

# Elements that do not end a line of text: a number may run across them.
INLINE_TAGS = frozenset(
    {
        "a",
        "abbr",
        "acronym",
        "b",
        "bdi",
        "bdo",
        "big",
        "cite",
        "code",
        "data",
        "del",
        "dfn",
        "em",
        "font",
        "i",
        "ins",
        "kbd",
        "label",
        "mark",
        "nobr",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "sup",
        "time",
        "tt",
        "u",
        "var",
        "wbr",
    }
)
SCANNED_ATTRIBUTES = frozenset(
    {"href", "src", "title", "alt", "value", "content", "placeholder", "label", "aria-label"}
)

TEXT, ATTRIBUTE, COMMENT = "text", "attribute", "comment"
CATEGORIES = (TEXT, ATTRIBUTE, COMMENT)

# (node, start, end): the node a scanned character comes from and its span in the source.
Origin = list[tuple[int, int, int]]


@dataclass(frozen=True)
class HtmlPiece:
    """A stretch of HTML that is scanned as one text.

    ``nodes`` are the source spans it is made of (text nodes, or one attribute value or
    comment); ``text`` is their decoded text.
    """

    category: str
    nodes: tuple[tuple[int, int], ...]
    text: str

    def origin(self, source: str) -> Origin:
        """For each character of ``text``: its node's index and its span in ``source``."""
        origin: Origin = []
        for index, (start, end) in enumerate(self.nodes):
            for s, e in _decode(source, start, end, collapse=self.category == TEXT)[1]:
                origin.append((index, s, e))
        return origin


def _decode(
    source: str, start: int, end: int, *, collapse: bool = False
) -> tuple[str, list[tuple[int, int]]]:
    """Decode character references, keeping each decoded character's source span.

    With ``collapse``, a run of ASCII whitespace becomes one space (as a browser shows it).
    """
    chars: list[str] = []
    origin: list[tuple[int, int]] = []

    def add(char: str, s: int, e: int) -> None:
        if collapse and char in _WHITESPACE:
            if chars and chars[-1] == " " and origin[-1][1] == s and source[s - 1] in _WHITESPACE:
                origin[-1] = (origin[-1][0], e)
                return
            char = " "
        chars.append(char)
        origin.append((s, e))

    position = start
    for ref in _CHARREF.finditer(source, start, end):
        for i in range(position, ref.start()):
            add(source[i], i, i + 1)
        decoded = unescape(ref.group())
        if len(decoded) == 1 and decoded != ref.group():
            chars.append(decoded)
            origin.append((ref.start(), ref.end()))
        else:
            for i in range(ref.start(), ref.end()):
                add(source[i], i, i + 1)
        position = ref.end()
    for i in range(position, end):
        add(source[i], i, i + 1)
    return "".join(chars), origin


def _attribute_values(source: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Source spans of the scanned attribute values of the start tag at ``start``."""
    tag = source[start:end]
    position = _TAG_NAME.match(tag).end()
    while position < len(tag):
        attribute = _ATTRIBUTE.match(tag, position)
        if attribute is None or attribute.end() == position:
            return
        position = attribute.end()
        name = (attribute.group(1) or "").lower()
        if name not in SCANNED_ATTRIBUTES and not name.startswith("data-"):
            continue
        group = next((g for g in (2, 3, 4) if attribute.group(g) is not None), None)
        if group is not None:
            yield start + attribute.start(group), start + attribute.end(group)


def html_pieces(html: str) -> list[HtmlPiece]:
    """The scanned pieces of ``html``: text, attribute values and comments, in source order.

    Script and style contents are not scanned.
    """
    pieces: list[tuple[int, HtmlPiece]] = []
    current: list[tuple[int, int]] = []

    def piece(category: str, nodes: list[tuple[int, int]]) -> None:
        texts = (_decode(html, s, e, collapse=category == TEXT)[0] for s, e in nodes)
        pieces.append((nodes[0][0], HtmlPiece(category, tuple(nodes), "".join(texts))))

    def flush() -> None:
        if current:
            piece(TEXT, list(current))
            current.clear()

    position = 0
    while position < len(html):
        tag = _MARKUP.search(html, position)
        text_end = tag.start() if tag else len(html)
        if text_end > position:
            current.append((position, text_end))
        if tag is None:
            break
        position = tag.end()
        text = tag.group()
        if text.startswith("<!--"):
            inner_end = tag.end() - 3 if text.endswith("-->") and len(text) >= 7 else tag.end()
            if inner_end > tag.start() + 4:
                piece(COMMENT, [(tag.start() + 4, inner_end)])
            continue  # a comment does not break a line of text
        name = _TAG_NAME.match(text)
        if name is None:  # doctype, processing instruction, CDATA
            flush()
            continue
        if not text.startswith("</"):
            for span in _attribute_values(html, tag.start(), tag.end()):
                piece(ATTRIBUTE, [span])
        if name.group(1).lower() in INLINE_TAGS:
            continue
        flush()
        raw = _RAW_TEXT.match(text)
        if raw:
            close = re.compile(rf"</{raw.group(1)}\s*>", re.IGNORECASE).search(html, position)
            position = close.start() if close else len(html)
    flush()
    return [p for _start, p in sorted(pieces, key=lambda item: item[0])]


def html_chunks(html: str) -> list[tuple[str, str]]:
    """The text of each category (text, attribute, comment), its pieces one a line.

    A number never runs across a line break, so scanning a category's text finds what
    scanning its pieces one by one would.
    """
    pieces = html_pieces(html)
    chunks = []
    for category in CATEGORIES:
        texts = [p.text for p in pieces if p.category == category]
        if any(t.strip() for t in texts):
            chunks.append((category, "\n".join(texts)))
    return chunks


def _source_finding(html: str, finding: Finding, origin: Origin) -> Finding:
    s, e = origin[finding.start][1], origin[finding.end - 1][2]
    return replace(finding, start=s, end=e, matched=html[s:e])


def _edits(finding: Finding, origin: Origin) -> list[tuple[int, int, str]]:
    return [(s, e, text) for _node, s, e, text in spread_mask(finding, origin)]


def _apply(html: str, edits: list[tuple[int, int, str]]) -> str:
    parts, position = [], 0
    for start, end, text in sorted(edits):
        if start < position:  # never happens: pieces and findings do not overlap
            raise ValueError("overlapping HTML edits")
        parts += [html[position:start], text]
        position = end
    parts.append(html[position:])
    return "".join(parts)


def scan_html(html: str) -> list[Finding]:
    """Find personal data in the text, scanned attributes and comments of an HTML document.

    Returns findings whose offsets and ``matched`` refer to the HTML source (so ``matched``
    may contain ``&nbsp;``, or the tags a number is split by); script and style contents
    are not scanned.
    """
    findings: list[Finding] = []
    for piece in html_pieces(html):
        found = scan_text(piece.text)
        if found:
            origin = piece.origin(html)
            findings.extend(_source_finding(html, f, origin) for f in found)
    return findings


def html_text(html: str) -> str:
    """The decoded text nodes and href values of an HTML document, one stretch a line.

    This is the text that search indexes; the scanner reads ``html_pieces`` instead.
    """
    return "\n".join(_decode(html, start, end)[0] for start, end in _text_spans(html))


def _text_spans(source: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every text node and href value."""
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


def mask_html(
    html: str, only: Callable[[Finding], bool] | None = None
) -> tuple[str, list[Finding]]:
    """Mask personal data in HTML text, scanned attributes and comments.

    Returns the masked HTML, identical to ``html`` outside the masked spans, and the findings
    masked (as ``scan_html`` reports them); ``only`` chooses among them (None masks all).
    """
    findings: list[Finding] = []
    edits: list[tuple[int, int, str]] = []
    for piece in html_pieces(html):
        found = scan_text(piece.text)
        if not found:
            continue
        origin = piece.origin(html)
        for finding in found:
            reported = _source_finding(html, finding, origin)
            if only is None or only(reported):
                findings.append(reported)
                edits.extend(_edits(finding, origin))
    return _apply(html, edits), findings


def mask_html_chunks(
    html: str, select: Callable[[str, Finding], bool]
) -> tuple[str, list[tuple[str, Finding]]]:
    """Mask the findings of ``html_chunks`` that ``select(category, finding)`` chooses.

    The findings are those of scanning each category's text, exactly as an attachment's
    scan reports them. Returns the masked HTML and the (category, finding) pairs masked.
    """
    pieces = html_pieces(html)
    chosen: list[tuple[str, Finding]] = []
    edits: list[tuple[int, int, str]] = []
    for category, text in html_chunks(html):
        members = [p for p in pieces if p.category == category]
        starts, offset = [], 0
        for member in members:
            starts.append(offset)
            offset += len(member.text) + 1
        for finding in scan_text(text):
            if not select(category, finding):
                continue
            index = bisect.bisect_right(starts, finding.start) - 1
            local = replace(
                finding, start=finding.start - starts[index], end=finding.end - starts[index]
            )
            edits.extend(_edits(local, members[index].origin(html)))
            chosen.append((category, finding))
    return _apply(html, edits), chosen
