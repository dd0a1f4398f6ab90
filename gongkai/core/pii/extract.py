"""Text of attachments for the personal-data scan: PDF, DOCX, XLSX, plain text, CSV, HTML.

REGULATIONS.md §5: the scanner reads every attachment, because the leaks of 2017–18 came
through attachments. Each piece of text comes with a Chinese location (第3页, 表格1 第2行第3列,
工作表 名单 B3) so that a reviewer can find it. A file that cannot be read raises
ExtractionError with a message for the reviewer, never a raw exception: such a file has
to be checked by hand.

Word and Excel files are read straight from their XML parts, by walkers that yield *units*:
a piece of text, its location and (when masking) a writer that puts masked text back into
the very XML nodes the text came from. `maskfile` masks with the same walkers, so a finding
it masks is exactly a finding that `scan_file` reports. What is read:

- Word: body, tables, headers, footers, footnotes, endnotes, comments, text boxes, deleted
  text (w:delText), image and shape alt text (wp:docPr, VML alt/title), text and cached
  values of charts, drawings and SmartArt, the targets of external relationships (links),
  and embedded Word and Excel files (read recursively);
- Excel: every cell of every sheet (hidden ones too; shared, inline, rich-text, formula
  results and numbers), shared strings used by no cell, headers and footers, comments and
  threaded comments, hyperlink display texts and tooltips, drawings and charts, link targets
  and embedded Word and Excel files.

Any other embedded object (an OLE .bin, an old .xls…) cannot be read: the file must then be
checked by hand (reason ``embedded``).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections import Counter
from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePath

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from lxml import etree

from .htmltext import ATTRIBUTE, COMMENT, TEXT, html_chunks
from .scanner import Finding, mask_text, scan_text, spread_mask

# A zip that unpacks to more than this is refused rather than read (zip bombs).
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
# How deep embedded files are followed (a workbook in a document in the attachment).
MAX_EMBEDDING_DEPTH = 3

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_V = "urn:schemas-microsoft-com:vml"
_O = "urn:schemas-microsoft-com:office:office"
_S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PR = "http://schemas.openxmlformats.org/package/2006/relationships"
_TC = "http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ExtractionError(Exception):
    """A file whose text cannot be read; ``str()`` is a Chinese message for the reviewer.

    ``reason`` is one of ``corrupt``, ``encrypted``, ``unsupported``, ``renamed``,
    ``too_large``, ``encoding`` and ``embedded`` (it holds an embedded object that cannot be
    read); in every case the file must be checked by hand.
    """

    def __init__(self, message: str, reason: str = "corrupt") -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class TextChunk:
    """A piece of an attachment's text and where it is (in Chinese, e.g. 第3页)."""

    location: str
    text: str


_TYPE_NAMES = {
    "pdf": "PDF",
    "docx": "Word (.docx)",
    "xlsx": "Excel (.xlsx)",
    "text": _("text file"),
    "csv": "CSV",
    "html": "HTML",
}
_EXTENSIONS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".xlsx": "xlsx",
    ".txt": "text",
    ".csv": "csv",
    ".html": "html",
    ".htm": "html",
}
_HTML_LABELS = {
    TEXT: pgettext_lazy("document part", "text"),
    ATTRIBUTE: pgettext_lazy("document part", "attributes"),
    COMMENT: pgettext_lazy("document part", "HTML comments"),
}


def _corrupt(name: str, kind: str) -> ExtractionError:
    return ExtractionError(
        _("Cannot read the attachment “%(name)s”: the file is damaged or is not a valid %(type)s.")
        % {"name": name, "type": _TYPE_NAMES[kind]}
    )


def _sniff(data: bytes) -> str | None:
    """The kind of file by its content, or None."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(_OLE):
        return "ole"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return "zip"
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return "zip"
    return None


def file_kind(name: str, data: bytes) -> str:
    """The kind of an attachment (pdf, docx, xlsx, text, csv, html), checked against its content.

    Raises ExtractionError (with a Chinese message) for unknown, damaged, encrypted or
    renamed files, and for zips that unpack to more than MAX_UNPACKED_BYTES.
    """
    extension = PurePath(name).suffix.lower()
    expected = _EXTENSIONS.get(extension)
    sniffed = _sniff(data)
    if sniffed == "ole":
        raise ExtractionError(
            _(
                "Cannot check the attachment “%(name)s” automatically: it is encrypted or in the "
                "old Office format (.doc/.xls). Save it as .docx/.xlsx without a password, or "
                "check it by hand."
            )
            % {"name": name},
            "encrypted",
        )
    if expected is None:
        raise ExtractionError(
            _(
                "Cannot check the attachment “%(name)s” automatically: this file type is not "
                "supported. Check it by hand."
            )
            % {"name": name},
            "unsupported",
        )
    if expected in {"text", "csv", "html"}:
        if sniffed is not None:
            raise _mismatch(name, expected)
        return expected
    if sniffed != expected:
        if sniffed in {None, "zip"}:
            raise _corrupt(name, expected)
        raise _mismatch(name, expected)
    if expected != "pdf":
        _check_unpacked_size(name, data, expected)
    return expected


def extract_text(name: str, data: bytes) -> list[TextChunk]:
    """The text of an attachment, in pieces with their locations.

    The type comes from the content, and must agree with the file name's extension. Raises
    ExtractionError (with a Chinese message) for unknown, damaged, encrypted or renamed files,
    and for Word and Excel files holding an embedded object that cannot be read.
    """
    return _extract(name, data, depth=0)


def _extract(name: str, data: bytes, depth: int) -> list[TextChunk]:
    kind = file_kind(name, data)
    if kind in {"text", "csv"}:
        text = decode_text(name, data, kind)[0]
        return [TextChunk(text_label(), text)] if text.strip() else []
    if kind == "html":
        text = decode_text(name, data, kind)[0]
        return [
            TextChunk(str(_HTML_LABELS[category]), chunk)
            for category, chunk in html_chunks(text)
            if chunk.strip()
        ]
    if kind == "pdf":
        return _pdf(name, data)
    try:
        package = Package(data)
        chunks = [
            TextChunk(unit.location, unit.text)
            for unit in ooxml_units(package, kind)
            if not unit.shadow and unit.text.strip()
        ]
        embedded = [(member, package.read(member)) for member in package.embedded()]
    except ExtractionError:
        raise
    except Exception as exc:
        raise _corrupt(name, kind) from exc
    for member, content in embedded:
        inner = posixpath.basename(member)
        if depth + 1 >= MAX_EMBEDDING_DEPTH:
            raise embedded_error(name, inner)
        try:
            found = _extract(inner, content, depth + 1)
        except ExtractionError as exc:
            raise embedded_error(name, inner) from exc
        chunks.extend(TextChunk(embedded_location(inner, c.location), c.text) for c in found)
    return chunks


def text_label() -> str:
    return str(pgettext_lazy("document part", "text"))


def html_label(category: str) -> str:
    return str(_HTML_LABELS[category])


def embedded_location(name: str, location: str) -> str:
    return str(_("embedded object %(name)s %(location)s") % {"name": name, "location": location})


def embedded_error(name: str, inner: str) -> ExtractionError:
    return ExtractionError(
        _(
            "Cannot check the attachment “%(name)s” automatically: it contains an embedded "
            "object (%(object)s) that cannot be read. Check it by hand, or replace the object "
            "with its content."
        )
        % {"name": name, "object": inner},
        "embedded",
    )


def _mismatch(name: str, expected: str) -> ExtractionError:
    return ExtractionError(
        _(
            "Cannot read the attachment “%(name)s”: its content is not %(type)s; the file may "
            "have been renamed. Check it by hand."
        )
        % {"name": name, "type": _TYPE_NAMES[expected]},
        "renamed",
    )


def _check_unpacked_size(name: str, data: bytes, kind: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _corrupt(name, kind) from exc
    if size > MAX_UNPACKED_BYTES:
        raise ExtractionError(
            _("Cannot check the attachment “%(name)s” automatically: it unpacks to %(size)s MB.")
            % {"name": name, "size": size // (1024 * 1024)},
            "too_large",
        )


def decode_text(name: str, data: bytes, kind: str) -> tuple[str, str, bytes]:
    """The text of a text, CSV or HTML file, its encoding and its byte order mark.

    UTF-16 needs a byte order mark; otherwise UTF-8 (with or without one), then GB18030.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        bom = data[:2]
        attempts = [("utf-16-le" if bom == b"\xff\xfe" else "utf-16-be", bom)]
    else:
        if b"\x00" in data:
            raise _corrupt(name, kind)
        bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
        attempts = [("utf-8", bom), ("gb18030", b"")]
    for encoding, mark in attempts:
        try:
            return data[len(mark) :].decode(encoding), encoding, mark
        except UnicodeDecodeError:
            continue
    raise ExtractionError(
        _("Cannot read the attachment “%(name)s”: its text is neither UTF-8 nor GB18030.")
        % {"name": name},
        "encoding",
    )


def _pdf(name: str, data: bytes) -> list[TextChunk]:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ExtractionError(
                _(
                    "Cannot check the attachment “%(name)s” automatically: the PDF is encrypted "
                    "with a password. Check it by hand."
                )
                % {"name": name},
                "encrypted",
            ) from exc
        raise _corrupt(name, "pdf") from exc
    chunks: list[TextChunk] = []
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            text = textpage.get_text_bounded()
            textpage.close()
            page.close()
            if text.strip():
                chunks.append(TextChunk(str(_("page %(number)s") % {"number": index + 1}), text))
    except Exception as exc:
        raise _corrupt(name, "pdf") from exc
    finally:
        document.close()
    return chunks


# Office Open XML packages ----------------------------------------------------------------


class Package:
    """The parts of a Word or Excel file (a zip), read lazily.

    With ``editable``, parsed XML trees are kept so that writers can change them, and
    ``to_bytes`` writes the package back: changed parts reserialised, every other member
    byte for byte, in the original order.
    """

    def __init__(self, data: bytes, *, editable: bool = False) -> None:
        self.archive = zipfile.ZipFile(io.BytesIO(data))
        self.infos = self.archive.infolist()
        self.names = [info.filename for info in self.infos]
        if len(set(self.names)) != len(self.names):
            raise ValueError("a member name is repeated")
        self.members = set(self.names)
        self.editable = editable
        # Set by the Excel walker: the shared strings, resolved after masking.
        self.shared_strings: SharedStrings | None = None
        self._trees: dict[str, etree._Element] = {}
        self._changed: set[str] = set()
        self._replaced: dict[str, bytes] = {}

    @staticmethod
    def parser() -> etree.XMLParser:
        return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)

    def read(self, member: str) -> bytes:
        if member in self._replaced:
            return self._replaced[member]
        return self.archive.read(member)

    def tree(self, member: str) -> etree._Element:
        if member in self._trees:
            return self._trees[member]
        root = etree.fromstring(self.read(member), self.parser())
        if self.editable:
            self._trees[member] = root
        return root

    def keep(self, member: str, root: etree._Element) -> None:
        if self.editable:
            self._trees[member] = root

    def changed(self, member: str) -> None:
        self._changed.add(member)

    def replace(self, member: str, data: bytes) -> None:
        self._replaced[member] = data

    def embedded(self) -> list[str]:
        """Members that are embedded files (word/embeddings/…, xl/embeddings/…)."""
        return [
            n
            for n in self.names
            if re.match(r"^(word|xl)/embeddings/[^/]+$", n) and not n.endswith("/")
        ]

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.comment = self.archive.comment
            for info in self.infos:
                if info.filename in self._changed:
                    data = _serialise(self._trees[info.filename], self.archive.read(info))
                else:
                    data = self.read(info.filename)
                copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                copy.compress_type = info.compress_type
                copy.external_attr = info.external_attr
                copy.create_system = info.create_system
                copy.comment = info.comment
                archive.writestr(copy, data)
        return out.getvalue()


def _serialise(root: etree._Element, original: bytes) -> bytes:
    standalone = True if re.search(rb"standalone\s*=\s*[\"']yes", original[:200]) else None
    return etree.tostring(
        root.getroottree(), xml_declaration=True, encoding="UTF-8", standalone=standalone
    )


@dataclass
class Unit:
    """A piece of text in a Word or Excel file, where it is, and how to write it back.

    ``shadow`` units are copies that Word or Excel keep of other text (the VML fallback of a
    text box, a picture's second alt text, SmartArt's drawing cache): they are not reported,
    but masked along with what they copy.
    """

    location: str
    text: str
    member: str
    writer: Writer | None = None
    shadow: bool = False


class Writer:
    """Writes masked findings back into the XML a unit's text came from."""

    def apply(self, findings: list[Finding]) -> None:
        raise NotImplementedError


def _splice_edits(text: str, edits: list[tuple[int, int, str]]) -> str:
    parts, position = [], 0
    for start, end, replacement in sorted(edits):
        if start < position:
            raise ValueError("overlapping edits")
        parts += [text[position:start], replacement]
        position = end
    parts.append(text[position:])
    return "".join(parts)


def _grouped_edits(
    findings: list[Finding], origin: list[tuple[Hashable, int, int]]
) -> dict[Hashable, list[tuple[int, int, str]]]:
    by_node: dict[Hashable, list[tuple[int, int, str]]] = {}
    for finding in findings:
        for node, start, end, replacement in spread_mask(finding, origin):
            by_node.setdefault(node, []).append((start, end, replacement))
    return by_node


@dataclass
class NodesWriter(Writer):
    """Text held in the ``.text`` of XML elements (w:t runs, a:t, <t> of shared strings…).

    ``nodes`` are (element, text, role): role ``text`` is an element whose text is the
    text; ``fixed`` is a character that never belongs to a number (a tab, a line break);
    ``element`` is an element standing for one character (w:noBreakHyphen) that is removed
    when it is part of a masked number.
    """

    nodes: list[tuple[etree._Element, str, str]]

    def apply(self, findings: list[Finding]) -> None:
        origin = [
            (index, offset, offset + 1)
            for index, (_element, text, _role) in enumerate(self.nodes)
            for offset in range(len(text))
        ]
        for index, edits in _grouped_edits(findings, origin).items():
            element, text, role = self.nodes[index]
            if role == "element":
                _remove(element)
            elif role == "text":
                element.text = _splice_edits(text, edits)
                if element.tag in {f"{{{_W}}}t", f"{{{_W}}}delText", f"{{{_S}}}t"}:
                    element.set(_XML_SPACE, "preserve")
            else:
                raise ValueError("a finding covers a tab or a line break")


def _remove(element: etree._Element) -> None:
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


@dataclass
class AttributeWriter(Writer):
    element: etree._Element
    attribute: str

    def apply(self, findings: list[Finding]) -> None:
        self.element.set(self.attribute, mask_text(self.element.get(self.attribute), findings))


def _text_unit(
    location: str,
    member: str,
    nodes: list[tuple[etree._Element, str, str]],
    *,
    shadow: bool = False,
    editable: bool,
) -> Unit:
    text = "".join(text for _element, text, _role in nodes)
    return Unit(location, text, member, NodesWriter(nodes) if editable else None, shadow)


def _attribute_unit(
    location: str,
    member: str,
    element: etree._Element,
    attribute: str,
    *,
    shadow: bool = False,
    editable: bool,
) -> Unit:
    writer = AttributeWriter(element, attribute) if editable else None
    return Unit(location, element.get(attribute, ""), member, writer, shadow)


def _in_fallback(element: etree._Element) -> bool:
    return any(a.tag == f"{{{_MC}}}Fallback" for a in element.iterancestors())


def ooxml_units(package: Package, kind: str) -> Iterator[Unit]:
    """Every unit of text of a Word (``docx``) or Excel (``xlsx``) package, in reading order."""
    if kind == "docx":
        yield from _docx_units(package)
    else:
        yield from _xlsx_units(package)
    yield from _drawing_units(package)
    yield from _relationship_units(package)


def _relationship_units(package: Package) -> Iterator[Unit]:
    """Targets of external relationships: links (leaks happen in links), linked files."""
    for member in sorted(n for n in package.names if n.endswith(".rels")):
        match = re.match(r"^(.*?)_rels/([^/]*)\.rels$", member)
        if match is None:
            continue
        part = "/" + match.group(1) + match.group(2)
        root = package.tree(member)
        for rel in root.iter(f"{{{_PR}}}Relationship"):
            if rel.get("TargetMode") == "External":
                location = str(_("hyperlink in %(part)s") % {"part": part})
                yield _attribute_unit(location, member, rel, "Target", editable=package.editable)


def _drawing_units(package: Package) -> Iterator[Unit]:
    """Text of charts, drawings and SmartArt (titles, labels, shapes, cached chart values)."""
    pattern = re.compile(r"^(word|xl)/(charts|drawings|diagrams)/[^/]+\.xml$")
    for member in (n for n in package.names if pattern.match(n)):
        root = package.tree(member)
        location = str(_("drawing or chart %(part)s") % {"part": "/" + member})
        # SmartArt keeps a drawn copy of its data (diagrams/drawingN.xml).
        cache = bool(re.match(r"^word/diagrams/drawing\d*\.xml$", member))
        for element in root.iter(f"{{{_A}}}p", f"{{{_C}}}v"):
            shadow = cache or _in_fallback(element)
            if element.tag == f"{{{_C}}}v":
                nodes = [(element, element.text or "", "text")]
            else:
                nodes = [
                    (node, node.text or "", "text")
                    if node.tag == f"{{{_A}}}t"
                    else (node, "\n", "fixed")
                    for node in element.iter(f"{{{_A}}}t", f"{{{_A}}}br")
                ]
            yield _text_unit(location, member, nodes, shadow=shadow, editable=package.editable)


# Word ----------------------------------------------------------------------------------------

_DOCX_PARTS = (
    (re.compile(r"^word/document\d*\.xml$"), pgettext_lazy("document part", "body")),
    (re.compile(r"^word/header\d*\.xml$"), pgettext_lazy("document part", "header")),
    (re.compile(r"^word/footer\d*\.xml$"), pgettext_lazy("document part", "footer")),
    (re.compile(r"^word/footnotes\.xml$"), pgettext_lazy("document part", "footnotes")),
    (re.compile(r"^word/endnotes\.xml$"), pgettext_lazy("document part", "endnotes")),
    (re.compile(r"^word/comments\.xml$"), pgettext_lazy("document part", "comments")),
)
_RUN_CHARACTERS = {
    f"{{{_W}}}tab": ("\t", "fixed"),
    f"{{{_W}}}br": ("\n", "fixed"),
    f"{{{_W}}}cr": ("\n", "fixed"),
    f"{{{_W}}}noBreakHyphen": ("\u2011", "element"),
}


def _paragraph_nodes(paragraph: etree._Element) -> list[tuple[etree._Element, str, str]]:
    """The paragraph's own text nodes (not those of text boxes anchored in it), deleted text
    too, with tabs, line breaks and non-breaking hyphens of its runs."""
    nodes = []
    tags = (f"{{{_W}}}t", f"{{{_W}}}delText", *_RUN_CHARACTERS)
    for node in paragraph.iter(*tags):
        if next(node.iterancestors(f"{{{_W}}}p")) is not paragraph:
            continue
        if node.tag in _RUN_CHARACTERS:
            if node.getparent().tag != f"{{{_W}}}r":  # a tab stop, not a tab
                continue
            nodes.append((node, *_RUN_CHARACTERS[node.tag]))
        else:
            nodes.append((node, node.text or "", "text"))
    return nodes


def _paragraph_location(paragraph: etree._Element, part_label: str, counters: dict) -> str:
    cell = None
    in_textbox = False
    for ancestor in paragraph.iterancestors():
        if ancestor.tag == f"{{{_W}}}tc" and cell is None:
            cell = ancestor
        elif ancestor.tag == f"{{{_W}}}txbxContent":
            in_textbox = True
    where = part_label
    if in_textbox:
        where = str(_("%(part)s text box") % {"part": part_label})
    if cell is not None:
        row = cell.getparent()
        table = row.getparent()
        # Keep the table elements alive: lxml hands out the same proxy only while one exists.
        tables = counters.setdefault("tables", [])
        if not any(t is table for t in tables):
            tables.append(table)
        number = next(i for i, t in enumerate(tables, start=1) if t is table)
        rows = [r for r in table if r.tag == f"{{{_W}}}tr"]
        cells = [c for c in row if c.tag == f"{{{_W}}}tc"]
        return str(
            _("%(part)s table %(table)s row %(row)s column %(column)s")
            % {
                "part": where,
                "table": number,
                "row": rows.index(row) + 1,
                "column": cells.index(cell) + 1,
            }
        )
    counters["paragraphs"] = counters.get("paragraphs", 0) + 1
    return str(
        _("%(part)s paragraph %(number)s") % {"part": where, "number": counters["paragraphs"]}
    )


def _docx_parts(package: Package) -> list[tuple[str, str]]:
    parts = []
    for order, (pattern, label) in enumerate(_DOCX_PARTS):
        for member in sorted(n for n in package.names if pattern.match(n)):
            parts.append((order, str(label), member))
    return [(label, member) for _order, label, member in sorted(parts)]


def _docx_units(package: Package) -> Iterator[Unit]:
    editable = package.editable
    for label, member in _docx_parts(package):
        root = package.tree(member)
        counters: dict = {}
        for paragraph in root.iter(f"{{{_W}}}p"):
            # A text box is stored twice, as DrawingML and as a VML fallback; the fallback is
            # a shadow: read once, masked in both.
            if _in_fallback(paragraph):
                nodes = _paragraph_nodes(paragraph)
                yield _text_unit("", member, nodes, shadow=True, editable=editable)
                continue
            location = _paragraph_location(paragraph, label, counters)
            yield _text_unit(location, member, _paragraph_nodes(paragraph), editable=editable)
        yield from _alt_text_units(root, label, member, editable)


_VML_SHAPES = tuple(
    f"{{{_V}}}{tag}" for tag in ("shape", "rect", "roundrect", "oval", "image", "line", "group")
)


def _alt_text_units(
    root: etree._Element, label: str, member: str, editable: bool
) -> Iterator[Unit]:
    """Alt text (description and title) of pictures and shapes, DrawingML and VML."""
    number = 0
    for element in root.iter(f"{{{_WP}}}docPr", *_VML_SHAPES):
        shadow = _in_fallback(element)
        if not shadow:
            number += 1
        location = str(
            _("%(part)s image or shape %(number)s alt text") % {"part": label, "number": number}
        )
        attributes: list[tuple[etree._Element, str, bool]] = []
        if element.tag == f"{{{_WP}}}docPr":
            own = {a: element.get(a) for a in ("descr", "title")}
            attributes += [(element, a, shadow) for a in ("descr", "title")]
            # The picture inside repeats them (pic:cNvPr): a copy when the text is the same.
            for inner in element.getparent().iter("{*}cNvPr"):
                for attribute in ("descr", "title"):
                    value = inner.get(attribute)
                    if value:
                        attributes.append((inner, attribute, shadow or value == own[attribute]))
        else:
            attributes += [(element, a, shadow) for a in ("alt", "title")]
            for image in element.iterchildren(f"{{{_V}}}imagedata"):
                attributes.append((image, f"{{{_O}}}title", shadow))
        for node, attribute, is_shadow in attributes:
            if node.get(attribute):
                yield _attribute_unit(
                    location, member, node, attribute, shadow=is_shadow, editable=editable
                )


# Excel ---------------------------------------------------------------------------------------

_HEADER_FOOTER = {
    "oddHeader": pgettext_lazy("document part", "header"),
    "oddFooter": pgettext_lazy("document part", "footer"),
    "evenHeader": pgettext_lazy("document part", "even page header"),
    "evenFooter": pgettext_lazy("document part", "even page footer"),
    "firstHeader": pgettext_lazy("document part", "first page header"),
    "firstFooter": pgettext_lazy("document part", "first page footer"),
}
_HEX = "0123456789ABCDEFabcdef+-"


def header_footer_text(raw: str) -> tuple[str, list[tuple[int, int, int]]]:
    """The text of an Excel header or footer, without its codes, and each character's origin.

    ``&L``/``&C``/``&R`` (sections) and fields (``&P`` page, ``&D`` date, ``&F`` file…) become
    line breaks; fonts (``&"宋体,常规"``), sizes (``&12``), colours (``&KFF0000``) and styles
    (``&B``) are dropped; ``&&`` is ``&``. The origin is (stretch, start, end): the stretch of
    plain text between two codes and the character's span in ``raw``.
    """
    chars: list[str] = []
    origin: list[tuple[int, int, int]] = []
    stretch, i = 0, 0
    while i < len(raw):
        if raw[i] != "&" or i + 1 == len(raw):
            chars.append(raw[i])
            origin.append((stretch, i, i + 1))
            i += 1
            continue
        code = raw[i + 1]
        if code == "&":
            chars.append("&")
            origin.append((stretch, i, i + 2))
            i += 2
            continue
        stretch += 1
        if code == '"':
            close = raw.find('"', i + 2)
            i = len(raw) if close < 0 else close + 1
        elif code.isdigit():
            i += 1
            while i < len(raw) and raw[i].isdigit():
                i += 1
        elif code in "Kk":
            i += 2
            end = i
            while end < len(raw) and end < i + 6 and raw[end] in _HEX:
                end += 1
            i = end
        else:
            if code.upper() in "LCRPNDTFAZG":
                chars.append("\n")
                origin.append((-1, i, i + 2))
            i += 2
    return "".join(chars), origin


@dataclass
class HeaderFooterWriter(Writer):
    element: etree._Element

    def apply(self, findings: list[Finding]) -> None:
        raw = self.element.text or ""
        edits = _grouped_edits(findings, header_footer_text(raw)[1])
        self.element.text = _splice_edits(raw, [e for node in edits.values() for e in node])


@dataclass
class NumberWriter(Writer):
    """A number in a cell (a mobile typed into Excel): it becomes the masked text.

    A plain number turns into an inline string; a formula keeps its formula and gets the
    masked text as its cached string result.
    """

    cell: etree._Element
    text: str

    def apply(self, findings: list[Finding]) -> None:
        masked = mask_text(self.text, findings)
        value = self.cell.find(f"{{{_S}}}v")
        if self.cell.find(f"{{{_S}}}f") is not None:
            self.cell.set("t", "str")
            value.text = masked
            return
        index = list(self.cell).index(value)
        self.cell.remove(value)
        inline = etree.Element(f"{{{_S}}}is")
        etree.SubElement(inline, f"{{{_S}}}t").text = masked
        self.cell.insert(index, inline)
        self.cell.set("t", "inlineStr")


@dataclass
class SharedStrings:
    """The shared string table, and (when masking) what each cell using a string wants.

    A string used by several cells is masked in place when every cell wants the same; else
    the cells that want a masked copy get a new string appended to the table, and the
    original stays for the others.
    """

    member: str | None
    root: etree._Element | None
    items: list[etree._Element] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    # How many cells use each string (read as a stream, the cells themselves are not kept).
    references: Counter[int] = field(default_factory=Counter)
    wishes: dict[int, dict[tuple, tuple[list[tuple[etree._Element, str]], list[Finding]]]] = field(
        default_factory=dict
    )

    def use(self, index: int) -> None:
        self.references[index] += 1

    def wish(self, index: int, cell: etree._Element, member: str, findings: list[Finding]) -> None:
        signature = tuple((f.start, f.end, f.masked) for f in findings)
        cells, _findings = self.wishes.setdefault(index, {}).setdefault(signature, ([], findings))
        cells.append((cell, member))

    def resolve(self, package: Package) -> None:
        for index, wishes in self.wishes.items():
            wanted = sum(len(cells) for cells, _findings in wishes.values())
            keep_original = wanted < self.references[index]
            for number, (cells, findings) in enumerate(wishes.values()):
                if number == 0 and not keep_original:
                    item = self.items[index]
                else:
                    item = _copy_string(self, index)
                    for cell, member in cells:
                        cell.find(f"{{{_S}}}v").text = str(len(self.items) - 1)
                        package.changed(member)
                NodesWriter(_string_nodes(item)).apply(findings)
            package.changed(self.member)
        if self.root is not None and self.root.get("uniqueCount") is not None:
            self.root.set("uniqueCount", str(len(self.items)))


def _copy_string(table: SharedStrings, index: int) -> etree._Element:
    from copy import deepcopy

    item = deepcopy(table.items[index])
    extension = table.root.find(f"{{{_S}}}extLst")
    if extension is not None:
        extension.addprevious(item)
    else:
        table.root.append(item)
    table.items.append(item)
    return item


@dataclass
class SharedStringWriter(Writer):
    table: SharedStrings
    index: int
    cell: etree._Element
    member: str

    def apply(self, findings: list[Finding]) -> None:
        self.table.wish(self.index, self.cell, self.member, findings)


def _string_nodes(element: etree._Element) -> list[tuple[etree._Element, str, str]]:
    """The <t> nodes of a shared or inline string, rich-text runs included (not phonetics)."""
    return [
        (t, t.text or "", "text")
        for t in element.iter(f"{{{_S}}}t")
        if not any(a.tag == f"{{{_S}}}rPh" for a in t.iterancestors())
    ]


def _relations(package: Package, member: str) -> dict[str, tuple[str, str]]:
    """The relationships of a part: id -> (type, target member)."""
    folder, name = posixpath.split(member)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in package.members:
        return {}
    found = {}
    for rel in package.tree(rels).iter(f"{{{_PR}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        path = target[1:] if target.startswith("/") else posixpath.join(folder, target)
        found[rel.get("Id")] = (rel.get("Type", ""), posixpath.normpath(path))
    return found


def _date_styles(package: Package, member: str | None) -> tuple[set[int], set[int]]:
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

    dates: set[int] = set()
    durations: set[int] = set()
    if member is None or member not in package.members:
        return dates, durations
    root = package.tree(member)
    custom = {
        int(f.get("numFmtId", -1)): f.get("formatCode", "") for f in root.iter(f"{{{_S}}}numFmt")
    }
    cell_formats = root.find(f"{{{_S}}}cellXfs")
    for index, xf in enumerate(cell_formats if cell_formats is not None else []):
        number = int(xf.get("numFmtId", 0))
        code = custom.get(number) or BUILTIN_FORMATS.get(number)
        if code and is_date_format(code):
            dates.add(index)
            if is_timedelta_format(code):
                durations.add(index)
    return dates, durations


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _number_text(raw: str, style: int, workbook: dict) -> str:
    from openpyxl.utils.datetime import from_excel

    try:
        value: object = float(raw) if any(c in raw for c in ".Ee") else int(raw)
    except ValueError:
        return raw
    if style in workbook["dates"]:
        try:
            value = from_excel(value, workbook["epoch"], timedelta=style in workbook["durations"])
        except (OverflowError, ValueError, TypeError):
            return "#VALUE!"
    return _cell_text(value)


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _xlsx_units(package: Package) -> Iterator[Unit]:
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    book_member = "xl/workbook.xml"
    book = package.tree(book_member)
    relations = _relations(package, book_member)
    sheets = book.findall(f"{{{_S}}}sheets/{{{_S}}}sheet")
    if not sheets:
        raise ValueError("a workbook without sheets")
    properties = book.find(f"{{{_S}}}workbookPr")
    date1904 = properties is not None and properties.get("date1904") in {"1", "true"}
    by_type = {kind.rsplit("/", 1)[-1]: target for kind, target in relations.values()}
    dates, durations = _date_styles(package, by_type.get("styles"))
    workbook = {
        "dates": dates,
        "durations": durations,
        "epoch": CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900,
    }
    table = _shared_strings(package, by_type.get("sharedStrings"))
    package.shared_strings = table
    attached: set[str] = set()
    read: set[str] = set()  # a part named twice is read (and masked) once
    for sheet in sheets:
        relation = relations.get(sheet.get(f"{{{_R}}}id"))
        if relation is None or relation[1] not in package.members or relation[1] in read:
            continue
        member = relation[1]
        read.add(member)
        title = sheet.get("name", "")
        if sheet.get("state", "visible") != "visible":
            title = str(_("%(sheet)s (hidden)") % {"sheet": title})
        yield from _sheet_units(package, member, title, table, workbook)
        for kind, target in _relations(package, member).values():
            if (
                target in package.members
                and target not in attached
                and (kind.endswith("/comments") or "threadedComment" in kind)
            ):
                attached.add(target)
                yield from _comment_units(package, target, title)
    for member in package.names:
        if member not in attached and re.match(
            r"^xl/(comments[^/]*|comments/[^/]+|threadedComments/[^/]+)\.xml$", member
        ):
            yield from _comment_units(package, member, None)
    for index, item in enumerate(table.items):
        if index not in table.references:
            location = str(
                _("shared string %(number)s, not shown in any cell") % {"number": index + 1}
            )
            yield _text_unit(location, table.member, _string_nodes(item), editable=package.editable)


def _shared_strings(package: Package, member: str | None) -> SharedStrings:
    if member is None or member not in package.members:
        return SharedStrings(None, None)
    root = package.tree(member)
    items = list(root.iterchildren(f"{{{_S}}}si"))
    texts = ["".join(t for _n, t, _r in _string_nodes(item)) for item in items]
    return SharedStrings(member, root, items, texts)


_ROW, _CELL, _HYPERLINK = f"{{{_S}}}row", f"{{{_S}}}c", f"{{{_S}}}hyperlink"
_HEADER_FOOTER_TAGS = {f"{{{_S}}}{name}": label for name, label in _HEADER_FOOTER.items()}


def _sheet_units(
    package: Package, member: str, title: str, table: SharedStrings, workbook: dict
) -> Iterator[Unit]:
    """Cells, headers and footers and hyperlink texts of a worksheet, read as a stream.

    A chart sheet or a dialog sheet has none of these elements, so it yields nothing.
    """
    editable = package.editable
    events = etree.iterparse(
        io.BytesIO(package.read(member)),
        events=("start", "end"),
        tag=(_ROW, _CELL, _HYPERLINK, *_HEADER_FOOTER_TAGS),
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
    )
    # Formatted once per sheet, not once per cell.
    cell_location = str(_("sheet %(sheet)s %(cell)s"))
    part_location = str(_("sheet %(sheet)s %(part)s"))
    link_location = str(_("sheet %(sheet)s %(cell)s hyperlink"))
    row_number, column_number = 0, 0
    for event, element in events:
        tag = element.tag
        if event == "start":
            if tag == _ROW:
                row_number = int(element.get("r") or row_number + 1)
                column_number = 0
            continue
        if tag == _CELL:
            reference = element.get("r")
            if reference:
                letters = re.match(r"[A-Z]+", reference)
                column_number = _column_number(letters.group() if letters else "A")
            else:
                column_number += 1
                reference = f"{_column_letters(column_number)}{row_number}"
            location = cell_location % {"sheet": title, "cell": reference}
            unit = _cell_unit(element, location, member, table, workbook, editable)
            if unit is not None:
                yield unit
        elif tag == _ROW:
            if not editable:
                element.clear(keep_tail=True)
                while element.getprevious() is not None:
                    del element.getparent()[0]
        elif tag == _HYPERLINK:
            location = link_location % {"sheet": title, "cell": element.get("ref", "")}
            for attribute in ("display", "tooltip"):
                if element.get(attribute):
                    yield _attribute_unit(location, member, element, attribute, editable=editable)
        else:
            location = part_location % {"sheet": title, "part": _HEADER_FOOTER_TAGS[tag]}
            text = header_footer_text(element.text or "")[0]
            yield Unit(location, text, member, HeaderFooterWriter(element) if editable else None)
    if events.root is not None:
        package.keep(member, events.root)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _cell_unit(
    cell: etree._Element,
    location: str,
    member: str,
    table: SharedStrings,
    workbook: dict,
    editable: bool,
) -> Unit | None:
    kind = cell.get("t", "n")
    value = cell.find(f"{{{_S}}}v")
    if kind == "inlineStr":
        inline = cell.find(f"{{{_S}}}is")
        if inline is None:
            return None
        return _text_unit(location, member, _string_nodes(inline), editable=editable)
    if value is None or not value.text:
        return None
    if kind == "s":
        index = int(value.text)
        table.use(index)
        writer = SharedStringWriter(table, index, cell, member) if editable else None
        return Unit(location, table.texts[index], member, writer)
    if kind in {"str", "d"}:
        return _text_unit(location, member, [(value, value.text, "text")], editable=editable)
    if kind == "b":
        return Unit(location, str(value.text in {"1", "true"}), member)
    if kind == "e":
        return Unit(location, value.text, member)
    text = _number_text(value.text, int(cell.get("s") or 0), workbook)
    return Unit(location, text, member, NumberWriter(cell, text) if editable else None)


def _comment_units(package: Package, member: str, title: str | None) -> Iterator[Unit]:
    editable = package.editable
    root = package.tree(member)

    def where(reference: str, threaded: bool) -> str:
        if title is None:
            return str(_("comments in %(part)s") % {"part": "/" + member})
        if threaded:
            return str(
                _("sheet %(sheet)s %(cell)s threaded comment") % {"sheet": title, "cell": reference}
            )
        return str(_("sheet %(sheet)s %(cell)s comment") % {"sheet": title, "cell": reference})

    for comment in root.iter(f"{{{_S}}}comment"):
        text = comment.find(f"{{{_S}}}text")
        if text is not None:
            location = where(comment.get("ref", ""), threaded=False)
            yield _text_unit(location, member, _string_nodes(text), editable=editable)
    for comment in root.iter(f"{{{_TC}}}threadedComment"):
        text = comment.find(f"{{{_TC}}}text")
        if text is not None:
            location = where(comment.get("ref", ""), threaded=True)
            yield _text_unit(location, member, [(text, text.text or "", "text")], editable=editable)


def scan_file(name: str, data: bytes) -> list[Finding]:
    """Extract an attachment's text and scan it for personal data.

    Returns the findings with ``location`` set to the attachment and the place in it
    (附件 名单.xlsx 工作表 名单 B3); their offsets refer to that piece of text. Raises
    ExtractionError when the file cannot be read.
    """
    findings: list[Finding] = []
    for chunk in extract_text(name, data):
        found = scan_text(chunk.text)
        if found:
            where = attachment_location(name, chunk.location)
            findings.extend(finding.at(where) for finding in found)
    return findings


def attachment_location(name: str, location: str) -> str:
    return str(_("attachment %(name)s %(location)s") % {"name": name, "location": location})
