"""Mask personal data inside an attachment (附件脱敏): Word, Excel, CSV, text and HTML.

`mask_file` masks the findings that `scan_file` reports (all of them, or those that ``only``
chooses) and returns the masked file; PDFs go to `pdfredact.mask_pdf`.

- Word and Excel files are edited in their XML, never round-tripped through python-docx or
  openpyxl (which lose what they do not model). The walkers of `extract` that find the text
  also say where it lives, so each finding is written back into the nodes it came from: a
  number split over several runs gets its masked form in the first run it touches (keeping
  that run's formatting), and the other runs lose their part. Copies that the scan does not
  report (a text box's VML fallback, a picture's second alt text) are masked with what they
  copy. Embedded Word and Excel files are masked the same way and written back. Every zip
  member that was not changed is written back byte for byte, in the original order.
- CSV and text files are masked in their own encoding (UTF-8 with or without a BOM, GB18030,
  UTF-16 with a BOM); HTML with `mask_html`'s rules, which never break the markup.

A masking is verified before it is returned: the result is scanned again, and a number that
was to be masked and can still be found (in the text that the scan reads, in any XML part of
a Word or Excel file, or anywhere in an HTML source) fails the masking, as does a Word or
Excel result that python-docx or openpyxl can no longer open. Any failure raises MaskingError
and the caller must refuse the file: nothing is ever half masked.
"""

from __future__ import annotations

import contextlib
import io
import logging
import posixpath
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import PurePath

from django.utils.translation import gettext as _
from lxml import etree

from .extract import (
    MAX_EMBEDDING_DEPTH,
    ExtractionError,
    Package,
    SharedStringWriter,
    _corrupt,
    decode_text,
    embedded_location,
    file_kind,
    html_label,
    ooxml_units,
    scan_file,
    text_label,
)
from .htmltext import mask_html_chunks
from .masking import FindingFilter, MaskingError, MaskResult
from .scanner import Finding, mask_text, scan_text

logger = logging.getLogger(__name__)

# extract.ExtractionError reasons -> MaskingError reasons.
_REASONS = {
    "corrupt": "corrupt",
    "renamed": "corrupt",
    "encoding": "corrupt",
    "too_large": "corrupt",
    "encrypted": "encrypted",
    "unsupported": "unsupported",
    "embedded": "embedded",
}
_TEXT_LABEL_KINDS = {"text", "csv"}

# select(chunk location, finding as scanned in that chunk) -> mask it?
_Select = Callable[[str, Finding], bool]
Key = tuple[str, str]


def _key(finding: Finding) -> Key:
    return (str(finding.kind), finding.normalised)


def mask_file(name: str, data: bytes, *, only: FindingFilter | None = None) -> MaskResult:
    """Mask personal data in an attachment; returns the masked file and what was masked.

    ``only(finding)`` gets each finding exactly as ``scan_file(name, data)`` reports it and
    returns True for those to mask; None masks them all. Findings not chosen stay untouched.
    Supported: .docx, .xlsx, .csv, .txt, .html/.htm, and .pdf through ``pdfredact``. Raises
    MaskingError (reason corrupt, encrypted, unsupported, embedded or unverified) and nothing
    else for a file that cannot be masked.
    """
    if PurePath(name).suffix.lower() == ".pdf":
        from .pdfredact import mask_pdf

        return mask_pdf(name, data, only=only)
    try:
        kind = file_kind(name, data)
        reported = scan_file(name, data)
    except ExtractionError as exc:
        raise MaskingError(str(exc), _REASONS.get(exc.reason, "corrupt")) from exc
    if kind not in {"docx", "xlsx", "text", "csv", "html"}:
        raise _unsupported(name)

    offered: list[Finding] = []
    where = str(_("attachment %(name)s %(location)s"))

    def select(location: str, finding: Finding) -> bool:
        finding = finding.at(where % {"name": name, "location": location})
        offered.append(finding)
        if only is None:
            return True
        try:
            return bool(only(finding))
        except Exception as exc:
            raise _FilterError(exc) from exc

    try:
        if kind in _TEXT_LABEL_KINDS:
            result, chosen = _mask_text_file(name, data, kind, select)
        elif kind == "html":
            result, chosen = _mask_html_file(name, data, select)
        else:
            result, chosen = _mask_package(name, data, kind, select, depth=0)
        if _identities(offered) != _identities(reported):
            # The masker read the file differently from the scan: never trust it.
            raise _unverified(name)
        masked = [finding.at(where % {"name": name, "location": loc}) for loc, finding in chosen]
        if not masked:
            return MaskResult(data=data, masked=[])
        _verify(name, kind, data, result, reported, masked)
    except MaskingError:
        raise
    except _FilterError as error:
        raise error.original from None  # the caller's own mistake, not the file's
    except Exception as exc:
        # A file the scan could read but the masker stumbled on: refuse it, never half mask.
        logger.exception("masking %s failed", name)
        raise _unverified(name) from exc
    return MaskResult(data=result, masked=masked)


class _FilterError(Exception):
    """An exception raised by the caller's ``only``: passed on as it is."""

    def __init__(self, original: Exception) -> None:
        super().__init__(str(original))
        self.original = original


def _identities(findings: list[Finding]) -> list[tuple]:
    return [(f.location, f.kind, f.normalised, f.start, f.end) for f in findings]


def _unsupported(name: str) -> MaskingError:
    return MaskingError(
        _(
            "Cannot mask the attachment “%(name)s” automatically: this file type is not "
            "supported. Replace it with a copy in which the personal data is masked."
        )
        % {"name": name},
        "unsupported",
    )


def _unverified(name: str) -> MaskingError:
    return MaskingError(
        _(
            "Cannot mask the attachment “%(name)s” reliably: personal data could still be read "
            "after masking. Replace the file with a copy in which the personal data is masked."
        )
        % {"name": name},
        "unverified",
    )


def _embedded(name: str, inner: str) -> MaskingError:
    return MaskingError(
        _(
            "Cannot mask the attachment “%(name)s” automatically: it contains an embedded "
            "object (%(object)s) that cannot be masked. Check it by hand, or replace the "
            "object with its content."
        )
        % {"name": name, "object": inner},
        "embedded",
    )


# Text, CSV and HTML ----------------------------------------------------------------------


def _decoded(name: str, data: bytes, kind: str) -> tuple[str, str, bytes]:
    try:
        text, encoding, bom = decode_text(name, data, kind)
    except ExtractionError as exc:
        raise MaskingError(str(exc), _REASONS.get(exc.reason, "corrupt")) from exc
    if bom + text.encode(encoding) != data:
        # Bytes that do not survive decoding and encoding: they would change silently.
        raise _unverified(name)
    return text, encoding, bom


def _mask_text_file(
    name: str, data: bytes, kind: str, select: _Select
) -> tuple[bytes, list[tuple[str, Finding]]]:
    text, encoding, bom = _decoded(name, data, kind)
    label = text_label()
    findings = scan_text(text) if text.strip() else []
    picked = [f for f in findings if select(label, f)]
    return bom + mask_text(text, picked).encode(encoding), [(label, f) for f in picked]


def _mask_html_file(
    name: str, data: bytes, select: _Select
) -> tuple[bytes, list[tuple[str, Finding]]]:
    text, encoding, bom = _decoded(name, data, "html")
    masked, chosen = mask_html_chunks(text, lambda category, f: select(html_label(category), f))
    return bom + masked.encode(encoding), [(html_label(c), f) for c, f in chosen]


# Word and Excel --------------------------------------------------------------------------


def _mask_package(
    name: str, data: bytes, kind: str, select: _Select, depth: int
) -> tuple[bytes, list[tuple[str, Finding]]]:
    """Mask a .docx or .xlsx package; returns its bytes and the (location, finding) masked."""
    chosen: list[tuple[str, Finding]] = []
    before: Counter[Key] = Counter()
    masked: Counter[Key] = Counter()
    shadows, found = [], []
    try:
        package = Package(data, editable=True)
        for unit in ooxml_units(package, kind):
            if unit.shadow:
                shadows.append(unit)
            elif unit.text.strip():
                findings = scan_text(unit.text)
                if findings:
                    found.append((unit, findings))
    except Exception as exc:
        raise MaskingError(str(_corrupt(name, kind)), "corrupt") from exc
    # Written once the whole file has been read: the walkers never see a changed tree.
    for unit, findings in found:
        before.update(_key(f) for f in findings)
        picked = [f for f in findings if select(unit.location, f)]
        if picked:
            _write(package, unit, picked, name)
            masked.update(_key(f) for f in picked)
            chosen.extend((unit.location, f) for f in picked)
    # Copies of masked numbers (text box fallbacks, second alt texts) are masked too.
    copies = 0
    for unit in shadows:
        findings = scan_text(unit.text)
        before.update(_key(f) for f in findings)
        picked = [f for f in findings if _key(f) in masked]
        if picked:
            _write(package, unit, picked, name)
            masked.update(_key(f) for f in picked)
            copies += len(picked)
    if package.shared_strings is not None:
        package.shared_strings.resolve(package)
    for member in package.embedded():
        chosen.extend(_mask_embedded(name, package, member, select, depth))
    if not chosen:
        return data, []
    result = package.to_bytes()
    if not copies:
        return result, chosen  # `_verify` rescans what the scan reads
    # Every copy (shadows included) of a masked number must be gone.
    try:
        after = Counter(
            _key(f)
            for unit in ooxml_units(Package(result), kind)
            if unit.text.strip()
            for f in scan_text(unit.text)
        )
    except Exception as exc:
        raise _unverified(name) from exc
    if any(after[key] > before[key] - count for key, count in masked.items()):
        raise _unverified(name)
    return result, chosen


def _write(package: Package, unit, findings: list[Finding], name: str) -> None:
    if unit.writer is None:
        raise _unverified(name)
    try:
        unit.writer.apply(findings)
    except ValueError as exc:
        raise _unverified(name) from exc
    if not isinstance(unit.writer, SharedStringWriter):
        package.changed(unit.member)


def _mask_embedded(
    name: str, package: Package, member: str, select: _Select, depth: int
) -> list[tuple[str, Finding]]:
    inner = posixpath.basename(member)
    data = package.read(member)
    if depth + 1 >= MAX_EMBEDDING_DEPTH:
        raise _embedded(name, inner)
    try:
        kind = file_kind(inner, data)
    except ExtractionError as exc:
        raise _embedded(name, inner) from exc
    if kind not in {"docx", "xlsx"}:
        raise _embedded(name, inner)

    def inner_select(location: str, finding: Finding) -> bool:
        return select(embedded_location(inner, location), finding)

    try:
        result, chosen = _mask_package(inner, data, kind, inner_select, depth + 1)
    except MaskingError as exc:
        raise _embedded(name, inner) from exc
    if chosen:
        package.replace(member, result)
    return [(embedded_location(inner, location), f) for location, f in chosen]


# Verification ----------------------------------------------------------------------------


def _verify(
    name: str,
    kind: str,
    original: bytes,
    result: bytes,
    reported: list[Finding],
    masked: list[Finding],
) -> None:
    """Raise MaskingError("unverified") unless the masked numbers are really gone."""
    try:
        after = Counter(_key(f) for f in scan_file(name, result))
    except ExtractionError as exc:
        raise _unverified(name) from exc
    before = Counter(_key(f) for f in reported)
    wanted = Counter(_key(f) for f in masked)
    if any(after[key] > before[key] - count for key, count in wanted.items()):
        raise _unverified(name)
    # Numbers masked wherever the scan saw them must not survive anywhere else either.
    gone = {key for key, count in wanted.items() if count == before[key]}
    if kind == "html":
        text = decode_text(name, result, kind)[0]
        if any(_key(f) in gone for f in scan_text(text)):
            raise _unverified(name)
    if kind in {"docx", "xlsx"}:
        if gone & _package_keys(result):
            raise _unverified(name)
        if not _opens(kind, result) and _opens(kind, original):
            raise _unverified(name)


def _package_keys(data: bytes, depth: int = 0) -> set[Key]:
    """Numbers in any text or attribute of any XML part of a package (embedded ones too)."""
    keys: set[Key] = set()
    package = Package(data)
    parser = Package.parser()
    for member in package.names:
        content = package.read(member)
        if content.startswith(b"PK\x03\x04") and depth < MAX_EMBEDDING_DEPTH:
            with contextlib.suppress(Exception):  # an embedded file that is not a zip after all
                keys |= _package_keys(content, depth + 1)
            continue
        try:
            root = etree.fromstring(content, parser)
        except etree.XMLSyntaxError:
            continue  # not XML (pictures, binaries)
        texts = []
        for element in root.iter(etree.Element):
            texts += [element.text or "", element.tail or "", *element.attrib.values()]
        keys.update(_key(f) for f in scan_text("\n".join(texts)))
    return keys


def _opens(kind: str, data: bytes) -> bool:
    """Whether python-docx or openpyxl can open the file (and, for Excel, read every cell)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if kind == "docx":
                import docx

                docx.Document(io.BytesIO(data))
            else:
                import openpyxl

                workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
                try:
                    for sheet in workbook.worksheets:
                        for _row in sheet.iter_rows():
                            pass
                finally:
                    workbook.close()
    except Exception:
        return False
    return True
