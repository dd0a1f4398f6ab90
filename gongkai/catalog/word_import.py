"""Reading a Word draft (.docx) into the parts of a catalogue record.

`parse_docx` finds the title, the 文号 and the signature date of a 公文 (GB/T 9704-2012
layout: letterhead 版头, 文号, title, body, signature, date) and turns the body into the HTML
that Wagtail's RichTextField stores.

Tables become real HTML tables: the rows Word repeats as header rows (w:tblHeader), else
the first row, are a <thead> of <th scope="col"> cells, the rest a <tbody>, with
colspan/rowspan for merged cells. Draftail has no table, so the record's body editor
carries each table through an edit whole (rich_text.py); the HTML is sanitised to table
markup by nh3. The importing service also keeps the original .docx as an attachment.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from html import escape

import nh3
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gongkai.core.docnumber import find_doc_numbers, parse_doc_number

from .rich_text import clean_table_html

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_TAGS",
    "ParsedCell",
    "ParsedDocument",
    "ParsedImage",
    "ParsedTable",
    "WordImportError",
    "parse_docx",
    "sanitise_html",
]

# What RichTextField's default features store (wagtail.rich_text.features); embeds are
# written by `ParsedDocument.render_body`, not passed through the sanitiser.
ALLOWED_TAGS = frozenset({"p", "h2", "h3", "h4", "b", "i", "ul", "ol", "li", "a", "br"})
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Wagtail can make renditions of these; EMF/WMF/TIFF pictures are reported and skipped.
IMAGE_TYPES = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
}
HEAD_BLOCKS = 15  # the letterhead, 文号 and title are within the first blocks
TITLE_MAX_LINES = 3
TITLE_MAX_CHARS = 120
LARGE_FONT_PT = 15  # 三号 is 16 pt, 二号 (the title size of GB/T 9704) 22 pt
HEADING_MAX_CHARS = 40

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_R_EMBED = f"{_R}embed"
_R_ID = f"{_R}id"
_NS = {
    "w": _W[1:-1],
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
}

_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4}
_CN_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_NUM = r"[0-9〇零○Ｏ一二三四五六七八九十]"
_DATE_LINE = re.compile(
    rf"^(?P<y>{_NUM}{{4}})\s*年\s*(?P<m>{_NUM}{{1,3}})\s*月\s*(?P<d>{_NUM}{{1,3}})\s*日"
    r"\s*([（(][^）)]*[）)])?$"
)
_LETTERHEAD = re.compile(r"^[\u4e00-\u9fff（）()、\s]{2,60}文\s*件$")
_MARKS = re.compile(r"^(\d{6}|[特加平]急|特提|绝密|机密|秘密|[绝机秘]密★.*|.{0,4}★.{0,8})$")
_SEPARATOR = re.compile(r"^[\s\-—─━_=*★☆·.．…]*$")
_SIGNER = re.compile(r"签\s*发\s*人\s*[：:].*$")
_H2_NUMBERING = re.compile(r"^[一二三四五六七八九十]{1,3}、")
_H3_NUMBERING = re.compile(r"^[（(][一二三四五六七八九十]{1,3}[)）]")


class WordImportError(ValidationError):
    """A .docx that cannot be read; the message says why, in the user's language."""


@dataclass
class ParsedImage:
    """A picture embedded in the document (the bytes of its image part)."""

    data: bytes
    filename: str
    content_type: str
    alt: str = ""


@dataclass
class ParsedCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass
class ParsedTable:
    """A table's cells row by row; a merged cell appears once, with its spans."""

    rows: list[list[ParsedCell]]
    # Each row as the texts of its grid columns, a merged cell's text repeated once per
    # distinct cell (horizontal spans once, vertical spans in every row).
    lines: list[list[str]] = field(default_factory=list)
    # Leading rows Word marks "repeat as header row"; 0 when none is marked.
    marked_header_rows: int = 0

    @property
    def header_rows(self) -> int:
        """How many leading rows form the <thead>: the marked ones, else the first row, and
        as many more as a merged header cell reaches into (a rowspan cannot cross into the
        <tbody>). 0 when that would leave no body rows."""
        if len(self.rows) < 2:
            return 0
        end = self.marked_header_rows or 1
        grown = True
        while grown:
            grown = False
            for index, row in enumerate(self.rows[:end]):
                reach = max((index + cell.rowspan for cell in row), default=0)
                if reach > end:
                    end, grown = reach, True
        return end if end < len(self.rows) else 0

    def to_html(self) -> str:
        """The table as HTML: header cells <th scope="col"> in a <thead>, colspan/rowspan."""
        head = self.header_rows
        out = ["<table>"]
        for index, row in enumerate(self.rows):
            if index == 0 and head:
                out.append("<thead>")
            if index == head:
                out.append("<tbody>")
            out.append("<tr>")
            for cell in row:
                spans = ""
                if cell.colspan > 1:
                    spans += f' colspan="{cell.colspan}"'
                if cell.rowspan > 1:
                    spans += f' rowspan="{cell.rowspan}"'
                if index < head:
                    out.append(f'<th scope="col"{spans}>{escape(cell.text)}</th>')
                else:
                    out.append(f"<td{spans}>{escape(cell.text)}</td>")
            out.append("</tr>")
            if index == head - 1:
                out.append("</thead>")
        if self.rows:
            out.append("</tbody>")
        out.append("</table>")
        return "".join(out)


@dataclass
class _ImageRef:
    index: int


@dataclass
class ParsedDocument:
    """What a Word draft yields for a catalogue record."""

    title: str = ""
    doc_number: str = ""  # canonical form (毕人社发〔2019〕12号) or ""
    written_date: date | None = None
    images: list[ParsedImage] = field(default_factory=list)
    tables: list[ParsedTable] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    blocks: list[str | _ImageRef] = field(default_factory=list)

    @property
    def has_tables(self) -> bool:
        return bool(self.tables)

    @property
    def body_html(self) -> str:
        """The body with placeholder image ids (`image-1`…); see `render_body`."""
        return self.render_body()

    def render_body(self, image_ids: Sequence[int] | None = None) -> str:
        """The body as RichTextField HTML; `image_ids[i]` is the Wagtail Image of images[i].

        Without `image_ids` the embeds carry placeholders `image-1`, `image-2`…; with them,
        a picture whose id is missing (None) is left out.
        """
        parts: list[str] = []
        for block in self.blocks:
            if isinstance(block, str):
                parts.append(block)
                continue
            if image_ids is None:
                ident: int | str | None = f"image-{block.index + 1}"
            else:
                ident = image_ids[block.index] if block.index < len(image_ids) else None
            if ident is None:
                continue
            alt = escape(self.images[block.index].alt, quote=True)
            parts.append(f'<embed embedtype="image" id="{ident}" format="fullwidth" alt="{alt}"/>')
        return "".join(parts)


def sanitise_html(html: str) -> str:
    """Keep only the tags and attributes of ALLOWED_TAGS / ALLOWED_ATTRIBUTES."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
    )


# --- reading the XML -------------------------------------------------------------------------


@dataclass
class _Segment:
    text: str
    bold: bool = False
    italic: bool = False
    href: str = ""


@dataclass
class _Para:
    """A paragraph read once: its text, runs, pictures and the formatting detection needs."""

    text: str
    segments: list[_Segment]
    images: list[int]
    style: str
    centered: bool
    bold: bool
    large: bool
    list_kind: str  # "", "ul" or "ol"


@dataclass(frozen=True)
class _StyleInfo:
    name: str
    bold: bool
    italic: bool
    size: float
    alignment: object


@dataclass
class _Table:
    table: ParsedTable


class _Reader:
    def __init__(self, document) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        self.document = document
        self.part = document.part
        self.center = WD_ALIGN_PARAGRAPH.CENTER
        self.images: list[ParsedImage] = []
        self.warnings: list[str] = []
        self._numbering_formats: dict[tuple[str, str], str] = {}
        self._styles: dict[str | None, _StyleInfo] = {}
        self._load_numbering()

    # numbering.xml: which numId/ilvl is a bullet list
    def _load_numbering(self) -> None:
        try:
            numbering = self.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[str, str]] = {}
        for node in numbering.findall(f"{_W}abstractNum"):
            levels = {}
            for lvl in node.findall(f"{_W}lvl"):
                fmt = lvl.find(f"{_W}numFmt")
                levels[lvl.get(f"{_W}ilvl", "0")] = (
                    fmt.get(f"{_W}val", "") if fmt is not None else ""
                )
            abstract[node.get(f"{_W}abstractNumId", "")] = levels
        for num in numbering.findall(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is None:
                continue
            for ilvl, fmt in abstract.get(ref.get(f"{_W}val", ""), {}).items():
                self._numbering_formats[(num.get(f"{_W}numId", ""), ilvl)] = fmt

    def blocks(self, container) -> Iterator[_Para | _Table]:
        """Paragraphs and tables of a body or cell in order, looking into content controls."""
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        for child in container.iterchildren():
            if child.tag == f"{_W}p":
                yield self.paragraph(Paragraph(child, self.document._body))
            elif child.tag == f"{_W}tbl":
                yield _Table(self.table(Table(child, self.document._body)))
            elif child.tag == f"{_W}sdt":
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    yield from self.blocks(content)

    # paragraphs

    def _runs(self, element, paragraph, href: str = "") -> Iterator[tuple[object, str]]:
        from docx.text.run import Run

        for child in element.iterchildren():
            tag = child.tag
            if tag == f"{_W}r":
                yield Run(child, paragraph), href
            elif tag == f"{_W}hyperlink":
                link = ""
                rid = child.get(_R_ID)
                if rid:
                    rel = self.part.rels.get(rid)
                    if rel is not None and rel.is_external:
                        link = rel.target_ref
                yield from self._runs(child, paragraph, link)
            elif tag in (f"{_W}ins", f"{_W}smartTag", f"{_W}fldSimple", f"{_W}customXml"):
                # tracked insertions are part of what the drafter sees; deletions are not
                yield from self._runs(child, paragraph, href)
            elif tag == f"{_W}sdt":
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    yield from self._runs(content, paragraph, href)

    def _style(self, paragraph) -> _StyleInfo:
        """The paragraph style's name and formatting, looked up once per style id
        (python-docx scans every style on each `paragraph.style`)."""
        ppr = paragraph._p.pPr
        style_id = ppr.pStyle.val if ppr is not None and ppr.pStyle is not None else None
        info = self._styles.get(style_id)
        if info is None:
            style = paragraph.style
            if style is None:
                info = _StyleInfo("", False, False, 0, None)
            else:
                info = _StyleInfo(
                    style.name or "",
                    bool(style.font.bold),
                    bool(style.font.italic),
                    style.font.size.pt if style.font.size else 0,
                    style.paragraph_format.alignment,
                )
            self._styles[style_id] = info
        return info

    def paragraph(self, paragraph) -> _Para:
        style = self._style(paragraph)
        style_name, style_bold, style_italic, style_size = (
            style.name,
            style.bold,
            style.italic,
            style.size,
        )
        segments: list[_Segment] = []
        images: list[int] = []
        sizes: list[float] = []
        bold_chars = chars = 0
        for run, href in self._runs(paragraph._p, paragraph):
            bold = run.bold if run.bold is not None else style_bold
            italic = run.italic if run.italic is not None else style_italic
            if run.font.size:
                sizes.append(run.font.size.pt)
            for item in run.iter_inner_content():
                if isinstance(item, str):
                    segments.append(_Segment(item, bool(bold), bool(italic), href))
                    visible = len(item.strip())
                    chars += visible
                    bold_chars += visible if bold else 0
                elif hasattr(item, "_drawing"):
                    images.extend(self._pictures(item._drawing))
        text = "".join(s.text for s in segments)
        alignment = paragraph.alignment
        if alignment is None:
            alignment = style.alignment
        size = max(sizes) if sizes else style_size
        return _Para(
            text=text,
            segments=segments,
            images=images,
            style=style_name,
            centered=alignment == self.center,
            bold=chars > 0 and bold_chars == chars,
            large=size >= LARGE_FONT_PT,
            list_kind=self._list_kind(paragraph, style_name),
        )

    def _list_kind(self, paragraph, style_name: str) -> str:
        lowered = style_name.lower()
        if lowered.startswith("list number"):
            return "ol"
        if lowered.startswith("list bullet"):
            return "ul"
        ppr = paragraph._p.pPr
        num_pr = ppr.numPr if ppr is not None else None
        if num_pr is None or num_pr.numId is None:
            return ""
        num_id = str(num_pr.numId.val)
        if num_id == "0":  # numbering switched off
            return ""
        ilvl = str(num_pr.ilvl.val) if num_pr.ilvl is not None else "0"
        fmt = self._numbering_formats.get((num_id, ilvl), "")
        return "ul" if fmt in ("bullet", "none", "") else "ol"

    def _pictures(self, drawing) -> list[int]:
        found = []
        for blip in drawing.iterfind(".//a:blip", _NS):
            rid = blip.get(_R_EMBED)
            if not rid:
                continue
            part = self.part.related_parts.get(rid)
            if part is None:
                continue
            content_type = getattr(part, "content_type", "")
            ext = IMAGE_TYPES.get(content_type)
            if ext is None:
                self.warnings.append(
                    _("A picture of type %(type)s was left out: it cannot be shown on the web.")
                    % {"type": content_type or "?"}
                )
                continue
            alt = ""
            doc_pr = drawing.find(".//wp:docPr", _NS)
            if doc_pr is not None:
                alt = (doc_pr.get("descr") or doc_pr.get("title") or "").strip()
            number = len(self.images) + 1
            self.images.append(
                ParsedImage(
                    data=part.blob,
                    filename=f"image{number}{ext}",
                    content_type=content_type,
                    alt=alt,
                )
            )
            found.append(number - 1)
        return found

    # tables

    def table(self, table) -> ParsedTable:
        rows: list[list[ParsedCell]] = []
        lines: list[list[str]] = []
        open_spans: dict[int, ParsedCell] = {}  # grid column -> cell whose rowspan grows
        marked = 0  # leading rows marked as header rows (w:trPr/w:tblHeader)
        for row in table.rows:
            tr = row._tr
            cells: list[ParsedCell] = []
            offset = tr.grid_before
            for tc in tr.tc_lst:
                span = tc.grid_span
                if tc.vMerge == "continue" and offset in open_spans:
                    open_spans[offset].rowspan += 1
                else:
                    cell = ParsedCell(_cell_text(tc), colspan=span)
                    cells.append(cell)
                    if tc.vMerge == "restart":
                        open_spans[offset] = cell
                    else:
                        open_spans.pop(offset, None)
                offset += span
            rows.append(cells)
            header = tr.trPr.find(f"{_W}tblHeader") if tr.trPr is not None else None
            if (
                len(rows) == marked + 1
                and header is not None
                and header.get(f"{_W}val", "true") not in ("0", "false", "off")
            ):
                marked += 1
            texts: list[str] = []
            previous = None
            for cell in row.cells:
                if previous is not None and cell._tc is previous:
                    continue
                previous = cell._tc
                texts.append(_cell_text(cell._tc))
            lines.append(texts)
        return ParsedTable(rows=rows, lines=lines, marked_header_rows=marked)


def _cell_text(tc) -> str:
    """A cell's text: its paragraphs (and nested tables' text) joined by spaces."""
    texts = []
    for p in tc.iter(f"{_W}p"):
        text = "".join(t.text or "" for t in p.iter(f"{_W}t")).strip()
        if text:
            texts.append(text)
    return " ".join(texts)


# --- recognising the parts of a 公文 ---------------------------------------------------------


def _chinese_number(text: str) -> int | None:
    text = text.translate(_FULLWIDTH)
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _sep, ones = text.partition("十")
        value = (_CN_DIGITS.get(tens, -100) if tens else 1) * 10
        value += _CN_DIGITS.get(ones, -100) if ones else 0
        return value if value > 0 else None
    digits = [_CN_DIGITS.get(c) for c in text]
    if any(d is None for d in digits):
        return None
    return int("".join(str(d) for d in digits))


def parse_date_line(text: str) -> date | None:
    """A paragraph that is only a date (2019年5月24日, 二〇一九年五月二十四日), or None."""
    match = _DATE_LINE.match(re.sub(r"\s+", "", text.translate(_FULLWIDTH)))
    if not match:
        return None
    year, month, day = (_chinese_number(match[k]) for k in ("y", "m", "d"))
    if year is None or month is None or day is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _doc_number_line(text: str) -> str:
    """The canonical 文号 if the line holds a 文号 and nothing else (bar 签发人), else ""."""
    line = _SIGNER.sub("", text).strip()
    if not line or len(line) > 40:
        return ""
    parsed = parse_doc_number(line)
    if parsed is not None:
        return str(parsed)
    found = find_doc_numbers(line)
    if len(found) == 1 and not re.search("[，。；：,;]", line):
        rest = re.sub(r"[\s\u3000]", "", line)
        if len(rest) <= len(str(found[0])) + 2:
            return str(found[0])
    return ""


def _is_furniture(text: str) -> bool:
    """Letterhead, 份号, 密级/紧急程度 marks and separator lines of the 版头."""
    compact = re.sub(r"[\s\u3000]", "", text)
    return bool(_LETTERHEAD.match(compact) or _MARKS.match(compact) or _SEPARATOR.match(compact))


def _title_like(para: _Para) -> bool:
    if not para.text.strip() or len(para.text.strip()) > TITLE_MAX_CHARS:
        return False
    style = para.style.lower()
    if style == "title" or style.startswith("heading"):
        return True
    return (para.centered and (para.bold or para.large)) or (para.bold and para.large)


def _heading_level(para: _Para) -> int:
    """2, 3 or 4 for a heading (from its style or 一、/（一） numbering), else 0."""
    style = para.style.lower()
    if style == "title":
        return 2
    match = re.match(r"heading\s*(\d)", style)
    if match:
        return min(int(match[1]) + 1, 4)
    text = para.text.strip()
    if len(text) > HEADING_MAX_CHARS or re.search("[。；;]", text.rstrip("。")):
        return 0
    if text.endswith("。") and len(text) > HEADING_MAX_CHARS // 2:
        return 0
    if _H2_NUMBERING.match(text):
        return 2
    if _H3_NUMBERING.match(text):
        return 3
    return 0


def _inline_html(segments: list[_Segment]) -> str:
    merged: list[_Segment] = []
    for seg in segments:
        if merged and (merged[-1].bold, merged[-1].italic, merged[-1].href) == (
            seg.bold,
            seg.italic,
            seg.href,
        ):
            merged[-1] = _Segment(merged[-1].text + seg.text, seg.bold, seg.italic, seg.href)
        else:
            merged.append(seg)
    out = []
    for seg in merged:
        text = escape(seg.text.replace("\t", " ")).replace("\n", "<br/>")
        if not seg.text.strip():
            out.append(text)
            continue
        if seg.italic:
            text = f"<i>{text}</i>"
        if seg.bold:
            text = f"<b>{text}</b>"
        if seg.href:
            text = f'<a href="{escape(seg.href, quote=True)}">{text}</a>'
        out.append(text)
    return "".join(out).strip()


def _open(data: bytes):
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
        document.element.body  # noqa: B018 - the main part must parse
    except (
        PackageNotFoundError,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        TypeError,
        AttributeError,
        OSError,
        EOFError,
        SyntaxError,  # lxml's XMLSyntaxError
    ) as exc:
        raise WordImportError(
            _("This Word file cannot be read; it may be damaged or not a .docx file."),
            code="unreadable",
        ) from exc
    return document


def parse_docx(data: bytes) -> ParsedDocument:
    """Read a .docx draft: title, 文号, signature date, body HTML, pictures and tables.

    Raises WordImportError for a file that python-docx cannot open. Writes nothing.
    """
    document = _open(data)
    reader = _Reader(document)
    try:
        blocks = list(reader.blocks(document.element.body))
    except (KeyError, ValueError, AttributeError, TypeError) as exc:
        raise WordImportError(
            _("This Word file cannot be read; it may be damaged or not a .docx file."),
            code="unreadable",
        ) from exc
    result = ParsedDocument(images=reader.images, warnings=reader.warnings)

    # The head: letterhead, marks, 文号 line, title (one to three lines), 文号 line again
    # (documents forwarded from gov.cn put it under the title).
    body_start = 0
    head_lines: list[str] = []
    title_lines: list[str] = []
    index = 0
    while index < min(len(blocks), HEAD_BLOCKS):
        block = blocks[index]
        if isinstance(block, _Table):
            break
        text = block.text.strip()
        if not text and not block.images:
            index += 1
            body_start = index
            continue
        if block.images and not text:
            break
        number = "" if result.doc_number else _doc_number_line(text)
        if number:
            result.doc_number = number
            head_lines.append(text)
        elif title_lines:
            if (
                len(title_lines) < TITLE_MAX_LINES
                and _title_like(block)
                and not text.endswith(("：", ":"))
            ):
                title_lines.append(text)
            else:
                break
        elif _is_furniture(text):
            head_lines.append(text)
        elif _title_like(block) and not text.endswith(("：", ":")):
            title_lines.append(text)
        else:
            break
        index += 1
        body_start = index
    if title_lines:
        result.title = "".join(title_lines)
    if not result.doc_number:
        for text in head_lines:
            found = find_doc_numbers(text)
            if found:
                result.doc_number = str(found[0])
                break
    if not result.title:
        result.title = (document.core_properties.title or "").strip()
    if not result.title and body_start < len(blocks):
        first = blocks[body_start]
        text = first.text.strip() if isinstance(first, _Para) else ""
        if 0 < len(text) <= 60 and not text.endswith(("：", ":", "。")) and not first.images:
            result.title = text
            body_start += 1
    result.title = re.sub(r"\s+", " ", result.title).strip()[:255]

    body = blocks[body_start:]
    for block in reversed(body):
        if isinstance(block, _Para):
            found_date = parse_date_line(block.text.strip())
            if found_date:
                result.written_date = found_date
                break

    result.blocks = _render_blocks(body, result)
    return result


def _render_blocks(body: list[_Para | _Table], result: ParsedDocument) -> list[str | _ImageRef]:
    out: list[str | _ImageRef] = []
    open_list = ""
    items: list[str] = []

    def close_list() -> None:
        nonlocal open_list, items
        if open_list and items:
            out.append(sanitise_html(f"<{open_list}>{''.join(items)}</{open_list}>"))
        open_list, items = "", []

    for block in body:
        if isinstance(block, _Table):
            close_list()
            result.tables.append(block.table)
            if any(any(cells) for cells in block.table.lines):
                out.append(clean_table_html(block.table.to_html()))
            continue
        text = block.text.strip()
        inline = _inline_html(block.segments) if text else ""
        if block.list_kind and text:
            if open_list != block.list_kind:
                close_list()
                open_list = block.list_kind
            items.append(f"<li>{inline}</li>")
        else:
            close_list()
            level = _heading_level(block) if text else 0
            if level:
                out.append(sanitise_html(f"<h{level}>{escape(text)}</h{level}>"))
            elif text:
                out.append(sanitise_html(f"<p>{inline}</p>"))
        for image_index in block.images:
            close_list()
            out.append(_ImageRef(image_index))
    close_list()
    return [b for b in out if not isinstance(b, str) or b.strip()]
