"""Text of attachments for the personal-data scan: PDF, DOCX, XLSX, plain text, CSV, HTML.

REGULATIONS.md §5: the scanner reads every attachment, because the leaks of 2017–18 came
through attachments. Each piece of text comes with a Chinese location (第3页, 表格1 第2行第3列,
工作表 名单 B3) so that a reviewer can find it. A file that cannot be read raises
ExtractionError with a message for the reviewer, never a raw exception: such a file has
to be checked by hand.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import PurePath

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from lxml import etree

from .htmltext import html_text
from .scanner import Finding, scan_text

# A zip that unpacks to more than this is refused rather than read (zip bombs).
MAX_UNPACKED_BYTES = 512 * 1024 * 1024

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ExtractionError(Exception):
    """A file whose text cannot be read; ``str()`` is a Chinese message for the reviewer.

    ``reason`` is one of ``corrupt``, ``encrypted``, ``unsupported``, ``renamed``,
    ``too_large`` and ``encoding``; in every case the file must be checked by hand.
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


def extract_text(name: str, data: bytes) -> list[TextChunk]:
    """The text of an attachment, in pieces with their locations.

    The type comes from the content, and must agree with the file name's extension. Raises
    ExtractionError (with a Chinese message) for unknown, damaged, encrypted or renamed files.
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
        text = _decode_text(name, data, expected)
        if expected == "html":
            text = html_text(text)
        return (
            [TextChunk(str(pgettext_lazy("document part", "text")), text)] if text.strip() else []
        )
    if sniffed != expected:
        if sniffed in {None, "zip"}:
            raise _corrupt(name, expected)
        raise _mismatch(name, expected)
    if expected == "pdf":
        return _pdf(name, data)
    _check_unpacked_size(name, data, expected)
    if expected == "docx":
        return _docx(name, data)
    return _xlsx(name, data)


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


def _decode_text(name: str, data: bytes, kind: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8-sig", "gb18030"]
    if b"\x00" in data and encodings != ["utf-16"]:
        raise _corrupt(name, kind)
    for encoding in encodings:
        try:
            return data.decode(encoding)
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


def _paragraph_text(paragraph: etree._Element) -> str:
    """The paragraph's own text (not that of text boxes anchored in it), deleted text too."""
    parts = []
    for node in paragraph.iter(f"{{{_W}}}t", f"{{{_W}}}delText", f"{{{_W}}}tab", f"{{{_W}}}br"):
        if next(node.iterancestors(f"{{{_W}}}p")) is not paragraph:
            continue
        if node.tag.endswith("}tab"):
            parts.append("\t")
        elif node.tag.endswith("}br"):
            parts.append("\n")
        else:
            parts.append(node.text or "")
    return "".join(parts)


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


def _docx_parts(document) -> list[tuple[str, bytes]]:
    labels = [
        (re.compile(r"/word/document\d*\.xml$"), pgettext_lazy("document part", "body")),
        (re.compile(r"/word/header\d*\.xml$"), pgettext_lazy("document part", "header")),
        (re.compile(r"/word/footer\d*\.xml$"), pgettext_lazy("document part", "footer")),
        (re.compile(r"/word/footnotes\.xml$"), pgettext_lazy("document part", "footnotes")),
        (re.compile(r"/word/endnotes\.xml$"), pgettext_lazy("document part", "endnotes")),
        (re.compile(r"/word/comments\.xml$"), pgettext_lazy("document part", "comments")),
    ]
    parts = []
    for part in sorted(document.part.package.iter_parts(), key=lambda p: str(p.partname)):
        for pattern, label in labels:
            if pattern.search(str(part.partname)):
                parts.append((str(label), part.blob))
    parts.sort(key=lambda item: [str(label) for _pattern, label in labels].index(item[0]))
    return parts


def _docx(name: str, data: bytes) -> list[TextChunk]:
    import docx

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    chunks: list[TextChunk] = []
    try:
        document = docx.Document(io.BytesIO(data))
        for label, blob in _docx_parts(document):
            root = etree.fromstring(blob, parser)
            counters: dict = {}
            for paragraph in root.iter(f"{{{_W}}}p"):
                # A text box is stored twice, as DrawingML and as a VML fallback; read it once.
                if any(a.tag == f"{{{_MC}}}Fallback" for a in paragraph.iterancestors()):
                    continue
                location = _paragraph_location(paragraph, label, counters)
                text = _paragraph_text(paragraph)
                if text.strip():
                    chunks.append(TextChunk(location, text))
        # Link targets live in the relationships, not in the text: leaks happen in links.
        for part in document.part.package.iter_parts():
            for rel in part.rels.values():
                if rel.is_external:
                    location = _("hyperlink in %(part)s") % {"part": part.partname}
                    chunks.append(TextChunk(str(location), rel.target_ref))
    except Exception as exc:
        raise _corrupt(name, "docx") from exc
    return chunks


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _xlsx(name: str, data: bytes) -> list[TextChunk]:
    import openpyxl

    chunks: list[TextChunk] = []
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            for sheet in workbook.worksheets:
                title = sheet.title
                if sheet.sheet_state != "visible":
                    title = str(_("%(sheet)s (hidden)") % {"sheet": title})
                for row in sheet.iter_rows():
                    for cell in row:
                        value = getattr(cell, "value", None)
                        if value is None or value == "":
                            continue
                        location = _("sheet %(sheet)s %(cell)s") % {
                            "sheet": title,
                            "cell": cell.coordinate,
                        }
                        chunks.append(TextChunk(str(location), _cell_text(value)))
        finally:
            workbook.close()
    except Exception as exc:
        raise _corrupt(name, "xlsx") from exc
    return chunks


def scan_file(name: str, data: bytes) -> list[Finding]:
    """Extract an attachment's text and scan it for personal data.

    Returns the findings with ``location`` set to the attachment and the place in it
    (附件 名单.xlsx 工作表 名单 B3); their offsets refer to that piece of text. Raises
    ExtractionError when the file cannot be read.
    """
    findings: list[Finding] = []
    for chunk in extract_text(name, data):
        where = str(
            _("attachment %(name)s %(location)s") % {"name": name, "location": chunk.location}
        )
        findings.extend(finding.at(where) for finding in scan_text(chunk.text))
    return findings
