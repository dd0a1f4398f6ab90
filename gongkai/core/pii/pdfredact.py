"""True redaction of personal data inside a PDF attachment (附件脱敏, REGULATIONS.md §5).

``mask_pdf`` removes the characters of each selected resident ID, mobile or bank-card number
from the page's content stream with PyMuPDF (a redaction, not a box drawn over live text) and
writes the masked form (110105********002X) on the same baseline in Helvetica. The findings
are those of ``extract.scan_file`` (pypdfium2, page by page); PyMuPDF's character boxes say
where they are. Text in hidden layers and outside the visible page is redacted too.

What else in a PDF can carry a number is cleaned as well: comments (removed), form-field
values (masked and redrawn), XFA form data (dropped), bookmarks, document properties, XMP,
link targets and every other string of the file (masked). Refused with MaskingError: an
embedded file that holds personal data or cannot be read, a number that an image shows too
(a scan with a hidden text layer, text under an opaque picture), unapplied redaction marks.

The result is saved without its old revisions or unreferenced objects and verified: the
text is extracted again with pypdfium2 and PyMuPDF, and every object and decompressed stream
is searched for the digits; if a masked number survives anywhere, or other text of a page
was lost, MaskingError("unverified"): the file must then be replaced, never published.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath

from django.utils.translation import gettext as _

from .extract import ExtractionError, attachment_location, scan_file
from .masking import FindingFilter, MaskingError, MaskResult
from .scanner import Finding, FindingKind, scan_text

# (kind, normalised digits): the unit that is masked or left alone. When one occurrence of
# a number is selected, every occurrence is masked: masking some copies protects nothing.
Number = tuple[FindingKind, str]

logger = logging.getLogger(__name__)

# MuPDF keeps global state (its context, the font cache): one document at a time.
_LOCK = threading.Lock()

_DIGITS = "0123456789"
_FULLWIDTH_DIGITS = "０１２３４５６７８９"
_TO_ASCII = str.maketrans(_FULLWIDTH_DIGITS + "Ｘｘx", _DIGITS + "XXX")
# What may stand between the digits of one number in extracted text or a raw string:
# spaces and line breaks, dashes, dots (151.2702.3097).
_SEPARATOR_RUN = re.compile(r"[\s\u00a0\u3000\-\u2010-\u2015\u2212\uff0d.\uff0e]+")
_LONG_RUN = re.compile(r"[0-9X]{11,}")
_HEX_STRING = re.compile(rb"(?<!<)<[0-9A-Fa-f\s]+>")
# A literal (without nested parentheses) or hexadecimal string in a content stream.
_STRING_TOKEN = re.compile(rb"\((?:[^\\()]|\\[\s\S])*\)|<[0-9A-Fa-f\s]+>")

# Where, above the baseline, the removal band of a character lies (in font sizes). MuPDF
# removes every glyph whose box touches a redaction rectangle, and its boxes reach from
# the descender to about one font size up; a band across the middle of the digits removes
# them without touching the lines above and below.
_BAND = (0.15, 0.55)
_FONT = "helv"  # Helvetica (base 14): digits and "*" need no embedded font
_MIN_FONTSIZE = 3.0

_METADATA_KEYS = frozenset(
    {"title", "author", "subject", "keywords", "creator", "producer", "creationDate", "modDate"}
)
_ANNOTATION_TEXT_KEYS = ("Contents", "T", "Subj", "RC")
_IMAGE_ENTRIES = frozenset({"fill-image", "fill-imgmask"})
_TEXT_ENTRIES = frozenset({"fill-text", "stroke-text", "ignore-text", "clip-text"})
_PATH_ENTRIES = frozenset({"fill-path", "stroke-path"})


def mask_pdf(name: str, data: bytes, *, only: FindingFilter | None = None) -> MaskResult:
    """Redact the personal data found in a PDF and return the new file.

    ``only`` receives the findings as ``scan_file(name, data)`` reports them and decides
    which are masked (None: all). A number selected once is masked wherever it occurs in the
    file; numbers whose findings are all left out stay untouched, also in comments, form
    fields and the other places the page text does not show. A number found only in those
    places (so never shown to the reviewer) is masked.

    Raises MaskingError: ``encrypted`` (password or permissions), ``corrupt`` (damaged, or not
    a PDF), ``embedded`` (an embedded file with personal data or one that cannot be read),
    ``unsupported`` (a number that is part of a scanned image, unapplied redaction marks) and
    ``unverified`` (after masking, a masked number can still be extracted, or the masking
    would damage other text). Never any other exception for a bad file.
    """
    findings = _scan(name, data)
    selected = [f for f in findings if only is None or only(f)]
    with _LOCK:
        job = _Job(name, data, findings, selected)
        try:
            job.run()
        except MaskingError:
            raise
        except Exception as exc:  # anything MuPDF raises on a strange file
            logger.warning("PDF redaction of %s failed", name, exc_info=True)
            raise _unverified(name) from exc
        finally:
            job.close()
    return job.result


@dataclass
class _Char:
    c: str
    box: tuple[float, float, float, float]
    point: tuple[float, float]  # the origin, on the baseline
    size: float
    color: int
    invisible: bool
    line: int
    dir: tuple[float, float]

    @property
    def bbox(self):
        import pymupdf

        return pymupdf.Rect(self.box)

    @property
    def origin(self):
        import pymupdf

        return pymupdf.Point(self.point)


@dataclass
class _Segment:
    """The part of one occurrence of a number that lies on one text line."""

    chars: list[_Char]
    masked: str


@dataclass
class _Job:
    name: str
    data: bytes
    findings: list[Finding]
    selected: list[Finding]
    doc: object = None
    masked_numbers: dict[Number, str] = field(default_factory=dict)
    waived: set[Number] = field(default_factory=set)
    extra: list[Finding] = field(default_factory=list)
    pages_redacted: set[int] = field(default_factory=set)
    removed: set[int] = field(default_factory=set)  # objects of deleted comments
    changed: bool = False
    result: MaskResult | None = None
    number_set: _NumberSet | None = None

    def run(self) -> None:
        self.doc = _open(self.name, self.data)
        hide_layers_again = _show_all_layers(self.doc)
        self.masked_numbers = {(f.kind, f.normalised): f.masked for f in self.selected}
        self.waived = {(f.kind, f.normalised) for f in self.findings} - set(self.masked_numbers)
        self._check_embedded_files()
        self._check_pending_redactions()
        self._clean_annotations()
        self._clean_widgets()
        self._clean_metadata()
        self._clean_xfa()
        self._clean_strings()
        self._redact_pages()
        hide_layers_again()
        if not self.changed:
            self.result = MaskResult(self.data, [])
            return
        before = _pdfium_texts(self.name, self.data)
        output = self.doc.tobytes(garbage=4, deflate=True, clean=False)
        self.doc.close()
        self.doc = None
        _verify(self.name, output, len(before), set(self.masked_numbers))
        self._check_other_text(before, _pdfium_texts(self.name, output))
        masked = [f for f in self.findings if (f.kind, f.normalised) in self.masked_numbers]
        self.result = MaskResult(output, masked + self.extra)

    def close(self) -> None:
        if self.doc is not None:
            self.doc.close()
            self.doc = None

    # Which numbers in a piece of text are to be masked, and masking them.

    def _to_mask(self, text: str) -> list[Finding]:
        """The findings in ``text`` that are masked: not waived, plus masked numbers that
        the scanner's rules do not see there (written with other separators)."""
        chosen = [f for f in scan_text(text) if (f.kind, f.normalised) not in self.waived]
        taken = [(f.start, f.end) for f in chosen]
        present = _numbers_in(text, self._numbers())
        if present:
            flat, positions = _flat_positions(text)
            for (kind, number), masked in list(self.masked_numbers.items()):
                if number not in present:
                    continue
                for start, end in _occurrences(text, flat, positions, number):
                    if any(s < end and start < e for s, e in taken):
                        continue
                    taken.append((start, end))
                    chosen.append(Finding(kind, start, end, text[start:end], number, masked))
        return sorted(chosen, key=lambda f: f.start)

    def _numbers(self) -> _NumberSet:
        if self.number_set is None or len(self.number_set.numbers) != len(self.masked_numbers):
            self.number_set = _NumberSet({number for _kind, number in self.masked_numbers})
        return self.number_set

    def _note(self, findings: list[Finding], location: str) -> None:
        where = attachment_location(self.name, location)
        for finding in findings:
            self.masked_numbers.setdefault((finding.kind, finding.normalised), finding.masked)
            self.extra.append(finding.at(where))
        self.changed = True

    def _masked_text(self, text: str, location: str) -> str | None:
        """``text`` with its numbers masked (and noted), or None if there are none."""
        findings = self._to_mask(text)
        if not findings:
            return None
        self._note(findings, location)
        parts, position = [], 0
        for finding in findings:
            if finding.start < position:
                continue
            parts += [text[position : finding.start], finding.masked]
            position = finding.end
        return "".join([*parts, text[position:]])

    # The places other than the page text.

    def _check_embedded_files(self) -> None:
        doc = self.doc
        files: list[tuple[str, bytes]] = []
        for index in range(doc.embfile_count()):
            files.append((_file_name(doc.embfile_info(index)), doc.embfile_get(index)))
        for page in doc:
            for annot in page.annots():
                if annot.type[1] == "FileAttachment":
                    files.append((_file_name(annot.file_info), annot.get_file()))
        for filename, content in files:
            try:
                found = scan_file(filename, content)
            except ExtractionError as exc:
                raise _embedded(self.name, filename) from exc
            if any((f.kind, f.normalised) not in self.waived for f in found):
                raise _embedded(self.name, filename)

    def _check_pending_redactions(self) -> None:
        import pymupdf

        for page in self.doc:
            if any(True for _annot in page.annots(types=(pymupdf.PDF_ANNOT_REDACT,))):
                raise MaskingError(
                    _(
                        "Cannot mask the attachment “%(name)s” automatically: it contains "
                        "redaction marks that were never applied. Apply or remove them in a PDF "
                        "editor and upload the file again."
                    )
                    % {"name": self.name},
                    "unsupported",
                )

    def _clean_annotations(self) -> None:
        """Remove every comment (and its pop-up) that shows or holds a number to mask."""
        doc = self.doc
        for page in doc:
            doomed = []
            for annot in page.annots():
                texts = [annot.get_text() or ""]
                for key in _ANNOTATION_TEXT_KEYS:
                    kind, value = doc.xref_get_key(annot.xref, key)
                    if kind == "string":
                        texts.append(value)
                findings = {
                    (f.kind, f.normalised): f for text in texts for f in self._to_mask(text)
                }
                if findings:
                    location = _("page %(number)s annotation") % {"number": page.number + 1}
                    self._note(list(findings.values()), location)
                    doomed.append(annot.xref)
            for xref in doomed:
                annot = page.load_annot(xref)
                self.removed.update({xref, annot.popup_xref})
                page.delete_annot(annot)

    def _clean_widgets(self) -> None:
        """Mask form-field values, choices and tooltips, and redraw the fields."""
        import pymupdf

        texts = {
            pymupdf.PDF_WIDGET_TYPE_TEXT,
            pymupdf.PDF_WIDGET_TYPE_COMBOBOX,
            pymupdf.PDF_WIDGET_TYPE_LISTBOX,
        }
        for page in self.doc:
            location = _("page %(number)s form field") % {"number": page.number + 1}
            for widget in page.widgets():
                changed = False
                if widget.field_type in texts and isinstance(widget.field_value, str):
                    value = self._masked_text(widget.field_value, location)
                    if value is not None:
                        widget.field_value, changed = value, True
                if widget.choice_values:
                    choices = []
                    for choice in widget.choice_values:
                        if isinstance(choice, list | tuple):
                            choices.append([self._masked_text(c, location) or c for c in choice])
                        else:
                            choices.append(self._masked_text(choice, location) or choice)
                    if choices != list(widget.choice_values):
                        widget.choice_values, changed = choices, True
                if widget.field_label:
                    label = self._masked_text(widget.field_label, location)
                    if label is not None:
                        widget.field_label, changed = label, True
                if changed:
                    widget.update()

    def _clean_metadata(self) -> None:
        doc = self.doc
        metadata = {k: v for k, v in (doc.metadata or {}).items() if k in _METADATA_KEYS and v}
        cleaned = {k: self._masked_text(v, _("document properties")) for k, v in metadata.items()}
        if any(v is not None for v in cleaned.values()):
            doc.set_metadata({k: cleaned[k] or v for k, v in metadata.items()})
        xml = doc.get_xml_metadata()
        if xml:
            masked = self._masked_text(xml, _("document properties"))
            if masked is not None:
                doc.set_xml_metadata(masked)

    def _clean_xfa(self) -> None:
        """Drop the XFA form data (the fields stay) if it holds a number to mask."""
        doc = self.doc
        root = doc.pdf_catalog()
        kind, value = doc.xref_get_key(root, "AcroForm")
        if kind == "null":
            return
        if kind == "xref":
            acroform, key = int(value.split()[0]), "XFA"
        else:
            acroform, key = root, "AcroForm/XFA"
        kind, value = doc.xref_get_key(acroform, key)
        if kind == "null":
            return
        xrefs = [int(x) for x in re.findall(r"(\d+) 0 R", value)]
        text = "".join(
            doc.xref_stream(x).decode("utf-8", "replace") for x in xrefs if doc.xref_is_stream(x)
        )
        findings = self._to_mask(text)
        if findings:
            self._note(findings, _("form field"))
            doc.xref_set_key(acroform, key, "null")

    def _clean_strings(self) -> None:
        """Mask the numbers in every string of every object: bookmarks, link targets, field
        names and defaults, file names, structure tags, whatever a producer put there."""
        doc = self.doc
        where = _object_locations(doc)
        for xref in range(1, doc.xref_length()):
            if xref in self.removed:  # no longer part of the file once it is saved
                continue
            try:
                source = doc.xref_object(xref, compressed=True)
            except Exception:  # a free or broken entry
                continue
            pieces, position, changed = [], 0, False
            for start, end, raw in _pdf_strings(source):
                text = _decode_pdf_string(raw)
                masked = self._masked_text(text, where.get(xref) or _("other PDF data"))
                if masked is None:
                    continue
                pieces += [source[position:start], _encode_pdf_string(masked)]
                position, changed = end, True
            if changed:
                doc.update_object(xref, "".join([*pieces, source[position:]]))

    # The page text.

    def _redact_pages(self) -> None:
        import pymupdf

        for page in self.doc:
            text, chars = _page_chars(page)
            segments: list[_Segment] = []
            targets: set[int] = set()
            for finding in self._to_mask(text):
                number = (finding.kind, finding.normalised)
                span = chars[finding.start : finding.end]
                if number not in self.masked_numbers:
                    if all(c is None or not c.bbox.intersects(page.rect) for c in span):
                        # Outside the page (cropped away): no reader sees it, nor did the
                        # reviewer, but it is in the file.
                        location = _("page %(number)s outside the visible area") % {
                            "number": page.number + 1
                        }
                        self._note([finding], location)
                    else:
                        # Page text that pdfium did not show the reviewer: left as it is.
                        continue
                segments += _segments(span, finding.masked)
                targets.update(id(c) for c in span if c is not None)
            if not segments:
                continue
            _refuse_images(self.name, page, segments)
            others = [c for c in chars if c is not None and id(c) not in targets]
            for segment in segments:
                for rect in _removal_rects(segment, others):
                    page.add_redact_annot(rect, cross_out=False, fill=False)
            # Images and line art are left alone: a number under or over an image is
            # refused above, and vector paths carry no text the scanner could see.
            page.apply_redactions(
                images=pymupdf.PDF_REDACT_IMAGE_NONE,
                graphics=pymupdf.PDF_REDACT_LINE_ART_NONE,
                text=pymupdf.PDF_REDACT_TEXT_REMOVE,
            )
            shape = page.new_shape()
            for segment in segments:
                _write(shape, segment)
            shape.commit()
            self.pages_redacted.add(page.number)
            self.changed = True

    def _check_other_text(self, before: list[str], after: list[str]) -> None:
        """Every character of the page text outside the masked numbers is still there."""
        for index in sorted(self.pages_redacted):
            old = before[index]
            kept, position = [], 0
            for finding in self._to_mask(old):
                if (finding.kind, finding.normalised) in self.masked_numbers:
                    kept.append(old[position : finding.start])
                    position = finding.end
            kept.append(old[position:])
            lost = _chars("".join(kept)) - _chars(after[index])
            if lost:
                raise MaskingError(
                    _(
                        "Cannot mask the attachment “%(name)s” automatically: masking would "
                        "also remove other text on page %(page)s. Redact it by hand or replace "
                        "the file before approval."
                    )
                    % {"name": self.name, "page": index + 1},
                    "unverified",
                )


def _chars(text: str) -> Counter:
    return Counter(c for c in text if not c.isspace())


# Opening and reading.


def _scan(name: str, data: bytes) -> list[Finding]:
    if PurePath(name).suffix.lower() != ".pdf":
        raise MaskingError(
            _(
                "Cannot mask the attachment “%(name)s” automatically: this file type is not "
                "supported. Replace it with a copy in which the personal data is masked."
            )
            % {"name": name},
            "unsupported",
        )
    try:
        return scan_file(name, data)
    except ExtractionError as exc:
        reason = exc.reason if exc.reason in {"encrypted", "unsupported", "embedded"} else "corrupt"
        raise MaskingError(str(exc), reason) from exc


def _corrupt(name: str) -> MaskingError:
    return MaskingError(
        _("Cannot read the attachment “%(name)s”: the file is damaged or is not a valid %(type)s.")
        % {"name": name, "type": "PDF"},
        "corrupt",
    )


def _unverified(name: str) -> MaskingError:
    return MaskingError(
        _(
            "The PDF “%(name)s” could not be redacted reliably: personal data could still be "
            "extracted from it after masking. Replace it with a redacted file before approval."
        )
        % {"name": name},
        "unverified",
    )


def _embedded(name: str, filename: str) -> MaskingError:
    return MaskingError(
        _(
            "Cannot mask the attachment “%(name)s” automatically: it contains an embedded file "
            "“%(file)s” that holds personal data or cannot be checked. Remove the embedded "
            "file and upload the PDF again."
        )
        % {"name": name, "file": filename},
        "embedded",
    )


def _file_name(info: dict) -> str:
    name = info.get("ufilename") or info.get("filename") or info.get("name") or ""
    try:  # PyMuPDF hands back UTF-8 file names decoded as Latin-1
        return name.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return name


def _open(name: str, data: bytes):
    import pymupdf

    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:
        raise _corrupt(name) from exc
    try:
        if doc.needs_pass or doc.is_encrypted or (doc.metadata or {}).get("encryption"):
            raise MaskingError(
                _(
                    "Cannot mask the attachment “%(name)s” automatically: the PDF is encrypted "
                    "or protected by a password. Save it without protection and upload it again."
                )
                % {"name": name},
                "encrypted",
            )
        if not doc.is_pdf or doc.page_count != len(_pdfium_texts(name, data)):
            raise _corrupt(name)
    except BaseException:
        doc.close()
        raise
    return doc


def _show_all_layers(doc):
    """Make every optional-content layer visible (MuPDF neither extracts nor redacts the
    text of a hidden layer, which pypdfium2 reads); returns what puts the default back.
    Must run before any page is loaded."""
    # PyMuPDF's key paths do not go through indirect objects: walk to /D by hand.
    owner, path = doc.pdf_catalog(), "OCProperties"
    for key in ("OCProperties", "D"):
        kind, value = doc.xref_get_key(owner, path)
        if kind == "xref":
            owner, path = int(value.split()[0]), ""
        elif kind != "dict":
            return lambda: None
        if key == "OCProperties":
            path = f"{path}/D" if path else "D"
    prefix = f"{path}/" if path else ""
    original = doc.xref_get_key(owner, path)[1] if path else doc.xref_object(owner)
    doc.xref_set_key(owner, prefix + "OFF", "[]")
    doc.xref_set_key(owner, prefix + "BaseState", "/ON")
    doc.xref_set_key(owner, prefix + "AS", "null")

    def restore() -> None:
        if path:
            doc.xref_set_key(owner, path, original)
        else:
            doc.update_object(owner, original)

    return restore


def _pdfium_texts(name: str, data: bytes) -> list[str]:
    """The text of every page as pypdfium2 extracts it (as ``extract`` does)."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except Exception as exc:
        raise _corrupt(name) from exc
    texts = []
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_bounded())
            textpage.close()
            page.close()
    except Exception as exc:
        raise _corrupt(name) from exc
    finally:
        document.close()
    return texts


def _page_chars(page) -> tuple[str, list[_Char | None]]:
    """The page text as PyMuPDF reads it, line by line, and the character behind each
    position of that text (None for the line breaks). Text outside the page counts too."""
    import pymupdf

    flags = (
        pymupdf.TEXT_PRESERVE_LIGATURES
        | pymupdf.TEXT_PRESERVE_WHITESPACE
        | pymupdf.TEXT_CID_FOR_UNKNOWN_UNICODE
    )
    raw = page.get_text("rawdict", flags=flags, clip=pymupdf.INFINITE_RECT())
    parts: list[str] = []
    chars: list[_Char | None] = []
    line_number = 0
    for block in raw["blocks"]:
        if block.get("type") != 0:
            continue
        for line in block["lines"]:
            direction = tuple(line["dir"])
            for span in line["spans"]:
                for raw_char in span["chars"]:
                    char = _Char(
                        c=raw_char["c"],
                        box=tuple(raw_char["bbox"]),
                        point=tuple(raw_char["origin"]),
                        size=span["size"],
                        color=span.get("color", 0),
                        invisible=span.get("alpha", 255) == 0,
                        line=line_number,
                        dir=direction,
                    )
                    parts.append(raw_char["c"])
                    chars.extend([char] * len(raw_char["c"]))
            parts.append("\n")
            chars.append(None)
            line_number += 1
    return "".join(parts), chars


# Locating and removing the characters.


def _flat_positions(text: str) -> tuple[str, list[int]]:
    """``text`` flattened as ``_flatten`` does, and where each of its characters was."""
    flat, positions = [], []
    for index, char in enumerate(text):
        if _SEPARATOR_RUN.match(char):
            continue
        flat.append(_flatten(char, separators=False))
        positions.append(index)
    return "".join(flat), positions


def _occurrences(
    text: str, flat: str, positions: list[int], number: str
) -> Iterator[tuple[int, int]]:
    """Where the digits of ``number`` stand in ``text`` with anything in ``_SEPARATOR_RUN``
    between them, and no digit directly before or after."""
    found = flat.find(number)
    while found >= 0:
        start, end = positions[found], positions[found + len(number) - 1] + 1
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        if not _is_digit(before) and not _is_digit(after):
            yield start, end
        found = flat.find(number, found + 1)


def _is_digit(c: str) -> bool:
    """Whether ``c`` is a digit (ASCII or full-width); X counts, as in an ID's last place."""
    return len(c) == 1 and c.translate(_TO_ASCII) in _DIGITS + "X"


def _segments(span: list[_Char | None], masked: str) -> list[_Segment]:
    """The occurrence's digits line by line, each with its share of the masked form (the
    masked form has one character per digit)."""
    lines: list[list[_Char]] = []
    for char in span:
        if char is None or not _is_digit(char.c):
            continue
        if lines and lines[-1][-1] is char:  # one glyph behind two characters
            continue
        if lines and lines[-1][-1].line == char.line:
            lines[-1].append(char)
        else:
            lines.append([char])
    if not lines:
        return []
    if sum(len(line) for line in lines) != len(masked):
        return [_Segment(lines[0], masked)] + [_Segment(line, "") for line in lines[1:]]
    segments, position = [], 0
    for line in lines:
        segments.append(_Segment(line, masked[position : position + len(line)]))
        position += len(line)
    return segments


def _to_line(direction: tuple[float, float]):
    """The matrix that turns page coordinates into those of a line written along
    ``direction`` (which then runs along +x, with the glyphs upright)."""
    import pymupdf

    cos, sin = direction
    return pymupdf.Matrix(cos, -sin, sin, cos, 0, 0)


def _removal_rects(segment: _Segment, others: list[_Char]) -> list:
    """Rectangles that touch every character of the segment and no other character.

    One rectangle across the segment, between the first and last digit and in a band around
    the middle of the digits, shrunk away from any other character it touches; when that
    fails (overlapping text), one small rectangle per character.
    """
    import pymupdf

    to_line = _to_line(segment.chars[0].dir)
    from_line = ~to_line
    upright = segment.chars[0].dir == (1.0, 0.0)
    boxes = [c.bbox if upright else c.bbox * to_line for c in segment.chars]
    x0, x1 = boxes[0].x0, boxes[-1].x1
    inset_left = 0.15 * boxes[0].width
    inset_right = 0.15 * boxes[-1].width
    origins = [c.origin if upright else c.origin * to_line for c in segment.chars]
    lows = [o.y - _BAND[0] * c.size for o, c in zip(origins, segment.chars, strict=True)]
    highs = [o.y - _BAND[1] * c.size for o, c in zip(origins, segment.chars, strict=True)]
    rect = pymupdf.Rect(x0 + inset_left, max(highs), x1 - inset_right, min(lows))
    line_box = pymupdf.Rect(boxes[0])
    for box in boxes[1:]:
        line_box |= box
    near = line_box if upright else line_box * from_line
    for other in others:
        left, top, right, bottom = other.box
        if right <= near.x0 or near.x1 <= left or bottom <= near.y0 or near.y1 <= top:
            continue
        box = other.bbox if upright else other.bbox * to_line
        if not _overlaps(box, rect):
            continue
        middle = (box.y0 + box.y1) / 2
        if line_box.y0 < middle < line_box.y1:  # a neighbour on the same line
            if (box.x0 + box.x1) / 2 < (rect.x0 + rect.x1) / 2:
                rect.x0 = max(rect.x0, box.x1)
            else:
                rect.x1 = min(rect.x1, box.x0)
        elif middle <= line_box.y0:  # the line above
            rect.y0 = max(rect.y0, box.y1)
        else:  # the line below
            rect.y1 = min(rect.y1, box.y0)
    if rect.width > 0 and rect.height > 0 and all(_overlaps(box, rect) for box in boxes):
        return [rect if upright else rect * from_line]
    # Overlapping text: a small rectangle in the middle of each character.
    rects = []
    for box in boxes:
        w, h = box.width, box.height
        rects.append(
            pymupdf.Rect(box.x0 + 0.3 * w, box.y0 + 0.3 * h, box.x1 - 0.3 * w, box.y1 - 0.3 * h)
            * from_line
        )
    return rects


def _overlaps(a, b) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > 1e-3 and min(a.y1, b.y1) - max(a.y0, b.y0) > 1e-3


def _refuse_images(name: str, page, segments: list[_Segment]) -> None:
    """Refuse a number that an image also shows (a scan with a hidden text layer, or text
    painted under a picture): removing the text would leave the number in the pixels."""
    log = page.get_bboxlog()
    images = [(i, _rect(box)) for i, (kind, box) in enumerate(log) if kind in _IMAGE_ENTRIES]
    # Images with transparency (a watermark laid over the page) let the text show through.
    see_through = {info["number"] for info in page.get_image_info() if info.get("has-mask")}
    paths = [_rect(box) for kind, box in log if kind in _PATH_ENTRIES]
    texts = [(i, box) for i, (kind, box) in enumerate(log) if kind in _TEXT_ENTRIES]
    for segment in segments:
        area = segment.chars[0].bbox | segment.chars[-1].bbox
        for char in segment.chars:
            box = char.bbox
            covering = [i for i, image in images if _covers(image, box)]
            if covering and char.invisible:
                raise _scanned(name, page.number + 1)
            opaque = [i for i in covering if i not in see_through]
            if opaque:
                # Text painted before an opaque image that covers it is hidden under it.
                first_text = min((i for i, r in texts if _touches(r, box)), default=-1)
                if max(opaque) > first_text:
                    raise _scanned(name, page.number + 1)
            if char.invisible and any(r in area and _overlaps(r, box) for r in paths):
                # Glyph outlines under a hidden text layer.
                raise _scanned(name, page.number + 1)


def _touches(r: tuple, box) -> bool:
    return (
        min(r[2], box.x1) - max(r[0], box.x0) > 1e-3
        and min(r[3], box.y1) - max(r[1], box.y0) > 1e-3
    )


def _rect(box):
    import pymupdf

    return pymupdf.Rect(box)


def _covers(image, box) -> bool:
    """Whether an image covers a good part of a character box."""
    overlap = image & box
    return not overlap.is_empty and overlap.get_area() >= 0.2 * box.get_area()


def _scanned(name: str, page: int) -> MaskingError:
    return MaskingError(
        _(
            "Cannot mask the attachment “%(name)s” automatically: on page %(page)s the personal "
            "data is also part of an image (for example a scan with a hidden text layer). Redact "
            "it by hand or replace the file before approval."
        )
        % {"name": name, "page": page},
        "unsupported",
    )


def _write(shape, segment: _Segment) -> None:
    """Write the segment's masked form on the baseline of its first digit."""
    import pymupdf

    if not segment.masked:
        return
    first = segment.chars[0]
    to_line = _to_line(first.dir)
    width = (segment.chars[-1].bbox * to_line).x1 - (first.bbox * to_line).x0
    natural = pymupdf.get_text_length(segment.masked, fontname=_FONT, fontsize=first.size)
    fontsize = first.size if natural <= width else max(_MIN_FONTSIZE, first.size * width / natural)
    color = first.color
    rgb = ((color >> 16) & 255, (color >> 8) & 255, color & 255)
    options = {
        "fontname": _FONT,
        "fontsize": fontsize,
        "color": tuple(c / 255 for c in rgb),
        "render_mode": 3 if first.invisible else 0,
    }
    cos, sin = first.dir
    angle = math.degrees(math.atan2(-sin, cos)) % 360
    if min(abs(angle - a) for a in (0, 90, 180, 270, 360)) < 0.5:
        options["rotate"] = round(angle) % 360
    else:
        options["morph"] = (first.origin, pymupdf.Matrix(angle))
    shape.insert_text(first.origin, segment.masked, **options)


# Other places.


def _object_locations(doc) -> dict[int, str]:
    """Where each object is, in words, for the objects a reader can name."""
    where: dict[int, str] = {}
    for page in doc:
        for xref, kind, _name in page.annot_xrefs():
            if kind == 20:  # PDF_ANNOT_WIDGET
                where[xref] = _("page %(number)s form field") % {"number": page.number + 1}
            else:
                where[xref] = _("page %(number)s annotation") % {"number": page.number + 1}
    for xref in doc.get_outline_xrefs():
        where[xref] = _("bookmarks")
    kind, value = doc.xref_get_key(-1, "Info")
    if kind == "xref":
        where[int(value.split()[0])] = _("document properties")
    for xref in range(1, doc.xref_length()):
        if xref not in where:
            try:
                if doc.xref_get_key(xref, "FT")[0] != "null":
                    where[xref] = _("form field")
            except Exception:
                continue
    return where


_ESCAPES = {"n": b"\n", "r": b"\r", "t": b"\t", "b": b"\b", "f": b"\f"}


def _pdf_strings(source: str) -> Iterator[tuple[int, int, bytes]]:
    """The strings of a PDF object's source: (start, end, bytes) of each ``(…)`` and ``<…>``."""
    i, n = 0, len(source)
    while i < n:
        c = source[i]
        if c == "(":
            start, depth, out = i, 1, bytearray()
            i += 1
            while i < n and depth:
                c = source[i]
                if c == "\\" and i + 1 < n:
                    nxt = source[i + 1]
                    if nxt in _ESCAPES:
                        out += _ESCAPES[nxt]
                        i += 2
                    elif nxt in "01234567":
                        digits = re.match(r"[0-7]{1,3}", source[i + 1 : i + 4]).group()
                        out.append(int(digits, 8) & 255)
                        i += 1 + len(digits)
                    elif nxt == "\r":
                        i += 3 if source[i + 2 : i + 3] == "\n" else 2
                    elif nxt == "\n":
                        i += 2
                    else:
                        out += nxt.encode("latin-1", "replace")
                        i += 2
                    continue
                if c == "(":
                    depth += 1
                elif c == ")":
                    depth -= 1
                    if not depth:
                        i += 1
                        break
                out += c.encode("latin-1", "replace")
                i += 1
            yield start, i, bytes(out)
        elif c == "<":
            if source[i + 1 : i + 2] == "<":
                i += 2
                continue
            end = source.find(">", i)
            if end < 0:
                return
            digits = re.sub(r"\s", "", source[i + 1 : end])
            if re.fullmatch(r"[0-9A-Fa-f]*", digits):
                yield i, end + 1, bytes.fromhex(digits + "0" * (len(digits) % 2))
            i = end + 1
        else:
            i += 1


def _decode_pdf_string(raw: bytes) -> str:
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be", "replace")
    if raw.startswith(b"\xff\xfe"):
        return raw[2:].decode("utf-16-le", "replace")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", "replace")
    if raw.isascii():
        return raw.decode("ascii")
    for encoding in ("utf-8", "gb18030"):  # producers that ignore the PDF text encodings
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _encode_pdf_string(text: str) -> str:
    if text.isascii() and text.isprintable():
        return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


# Verification.


def _flatten(text: str, *, separators: bool = True) -> str:
    """``text`` with full-width digits made ASCII, every X upper case, separators gone."""
    if not text.isascii():
        for digit, wide in zip(_DIGITS, _FULLWIDTH_DIGITS, strict=True):
            text = text.replace(wide, digit)
        text = text.replace("Ｘ", "X").replace("ｘ", "X")
    if separators:
        text = _SEPARATOR_RUN.sub("", text)
    return text.replace("x", "X")


class _NumberSet:
    """Normalised numbers, and their lengths."""

    def __init__(self, numbers: set[str]) -> None:
        self.numbers = frozenset(numbers)
        self.lengths = sorted({len(n) for n in self.numbers})


def _numbers_in(text: str, numbers: _NumberSet, *, separators: bool = True) -> set[str]:
    """Those of ``numbers`` whose digits appear in ``text`` (once separators are gone,
    unless ``separators`` is False), even inside a longer run of digits."""
    if not numbers.numbers:
        return set()
    found = set()
    for run in _LONG_RUN.findall(_flatten(text, separators=separators)):
        for length in numbers.lengths:
            for start in range(len(run) - length + 1):
                if run[start : start + length] in numbers.numbers:
                    found.add(run[start : start + length])
    return found


def _leaks(text: str, numbers: _NumberSet) -> bool:
    return bool(_numbers_in(text, numbers))


def _raw_leaks(raw: bytes, numbers: _NumberSet) -> bool:
    """Whether the digits of a number stand in a stream or an object's bytes.

    Contiguous digits in each text encoding a PDF (or a broken producer) may use; and, in
    streams that are text (content streams, XML), the string operands read as PDF strings
    with their separators removed (a content stream's coordinates are not joined up)."""
    # Hexadecimal strings are read below, as strings: their digits are not text.
    plain = _HEX_STRING.sub(b"<>", raw)
    decodings = [plain.decode("latin-1"), plain.decode("utf-8", "ignore")]
    for data in (raw, raw[1:]):
        decodings += [data.decode("utf-16-be", "ignore"), data.decode("utf-16-le", "ignore")]
    if any(_numbers_in(text, numbers, separators=False) for text in decodings):
        return True
    sample = raw[:4096]
    if sum(byte < 128 for byte in sample) < 0.9 * len(sample):
        return False  # a font program or an image
    strings = []
    for token in _STRING_TOKEN.findall(raw):
        if token.startswith(b"<"):
            digits = re.sub(rb"\s", b"", token[1:-1])
            strings.append(bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode()))
        else:
            strings.append(next(_pdf_strings(token.decode("latin-1")))[2])
    # One text per reading, the strings kept apart by a character that is no separator.
    readings = [
        [_decode_pdf_string(string) for string in strings],
        [string.decode("latin-1") for string in strings],
        [string.decode("utf-16-be", "ignore") for string in strings],
        [string[1:].decode("utf-16-be", "ignore") for string in strings],
    ]
    return any(_leaks("|".join(reading), numbers) for reading in readings)


def _verify(name: str, output: bytes, pages: int, masked: set[Number]) -> None:
    """Raise MaskingError("unverified") if a masked number can still be found in ``output``."""
    import pymupdf

    numbers = _NumberSet({number for _kind, number in masked})
    # pypdfium2, as the scanner reads the file.
    try:
        findings = scan_file(name, output)
    except ExtractionError as exc:
        raise _unverified(name) from exc
    if any((f.kind, f.normalised) in masked for f in findings):
        raise _unverified(name)
    texts = _pdfium_texts(name, output)
    if len(texts) != pages or any(_leaks(text, numbers) for text in texts):
        raise _unverified(name)
    # PyMuPDF: the page text (also outside the page box), comments, fields, properties.
    try:
        doc = pymupdf.open(stream=output, filetype="pdf")
    except Exception as exc:
        raise _unverified(name) from exc
    try:
        if doc.page_count != pages or doc.needs_pass:
            raise _unverified(name)
        _show_all_layers(doc)
        for page in doc:
            text, _chars = _page_chars(page)
            pieces = [text]
            pieces += [annot.get_text() or "" for annot in page.annots()]
            pieces += [str(w.field_value or "") for w in page.widgets()]
            if any(_leaks(piece, numbers) for piece in pieces):
                raise _unverified(name)
        extras = [str(v) for v in (doc.metadata or {}).values() if v]
        extras += [doc.get_xml_metadata() or ""]
        extras += [str(item[1]) for item in doc.get_toc(simple=True)]
        if any(_leaks(text, numbers) for text in extras):
            raise _unverified(name)
        # Every object and every decompressed stream, in the usual text encodings.
        for xref in range(1, doc.xref_length()):
            source = doc.xref_object(xref, compressed=True)
            strings = [_decode_pdf_string(raw) for _start, _end, raw in _pdf_strings(source)]
            raws = [source.encode("latin-1", "replace")]
            if doc.xref_is_stream(xref):
                raws.append(doc.xref_stream(xref) or b"")
            if any(_leaks(text, numbers) for text in strings) or any(
                _raw_leaks(raw, numbers) for raw in raws
            ):
                raise _unverified(name)
        if _raw_leaks(doc.pdf_trailer(compressed=True).encode("latin-1", "replace"), numbers):
            raise _unverified(name)
    finally:
        doc.close()
    # And the raw file itself (anything that is not in an object).
    if _raw_leaks(output, numbers):
        raise _unverified(name)
