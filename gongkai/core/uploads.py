"""Checking uploaded files by their content, not by their name.

Attachments of published records are downloaded by the public, so an upload is accepted only
if its bytes are what its extension claims: a PDF, a Word or Excel file (OOXML), or a common
image. Programs and scripts are never accepted, whatever they are called, and OOXML archives
are checked against ZIP bombs before anything else unpacks them.
"""

from __future__ import annotations

import contextlib
import io
import re
import threading
import zipfile
from collections.abc import Iterable
from enum import StrEnum
from typing import IO, Any

import filetype
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

__all__ = [
    "ALL_KINDS",
    "DOCUMENT_KINDS",
    "IMAGE_KINDS",
    "FileKind",
    "UploadRejected",
    "UploadValidator",
    "ValidatedFileField",
    "check_upload",
    "format_size",
    "max_upload_bytes",
    "sniff_kind",
]

MB = 1024 * 1024


class FileKind(StrEnum):
    """A file type that the platform accepts."""

    PDF = "pdf"
    DOCX = "docx"
    XLSX = "xlsx"
    CSV = "csv"
    PNG = "png"
    JPEG = "jpeg"
    GIF = "gif"
    WEBP = "webp"

    @property
    def extensions(self) -> tuple[str, ...]:
        """The file name extensions (lower case, with the dot) that this kind may carry."""
        return _EXTENSIONS[self]

    @property
    def label(self) -> str:
        """A short name for messages: PDF, Word (.docx) ..."""
        return _LABELS[self]


_EXTENSIONS: dict[FileKind, tuple[str, ...]] = {
    FileKind.PDF: (".pdf",),
    FileKind.DOCX: (".docx",),
    FileKind.XLSX: (".xlsx",),
    FileKind.CSV: (".csv",),
    FileKind.PNG: (".png",),
    FileKind.JPEG: (".jpg", ".jpeg", ".jpe"),
    FileKind.GIF: (".gif",),
    FileKind.WEBP: (".webp",),
}
_LABELS: dict[FileKind, str] = {
    FileKind.PDF: "PDF",
    FileKind.DOCX: "Word (.docx)",
    FileKind.XLSX: "Excel (.xlsx)",
    FileKind.CSV: "CSV",
    FileKind.PNG: "PNG",
    FileKind.JPEG: "JPEG",
    FileKind.GIF: "GIF",
    FileKind.WEBP: "WebP",
}
DOCUMENT_KINDS = frozenset({FileKind.PDF, FileKind.DOCX, FileKind.XLSX, FileKind.CSV})
IMAGE_KINDS = frozenset({FileKind.PNG, FileKind.JPEG, FileKind.GIF, FileKind.WEBP})
ALL_KINDS = DOCUMENT_KINDS | IMAGE_KINDS

# OOXML main parts ([Content_Types].xml Override) by kind. Macro-enabled documents (docm,
# xlsm) have other content types and are refused on purpose.
_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        FileKind.DOCX,
        "/word/",
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (
        FileKind.XLSX,
        "/xl/",
    ),
}
_MACRO_TYPES = ("macroEnabled", "vbaProject", "activeX")

# Never accepted, whatever the name: the extensions of programs, scripts and web pages ...
_DANGEROUS_EXTENSIONS = frozenset(
    [
        ".exe",
        ".dll",
        ".com",
        ".scr",
        ".msi",
        ".msp",
        ".bat",
        ".cmd",
        ".ps1",
        ".psm1",
        ".vbs",
        ".vbe",
        ".js",
        ".mjs",
        ".jse",
        ".wsf",
        ".wsh",
        ".hta",
        ".html",
        ".htm",
        ".xhtml",
        ".shtml",
        ".svg",
        ".svgz",
        ".php",
        ".phtml",
        ".jsp",
        ".asp",
        ".aspx",
        ".py",
        ".pl",
        ".rb",
        ".sh",
        ".bash",
        ".jar",
        ".apk",
        ".app",
        ".lnk",
        ".reg",
        ".cpl",
        ".docm",
        ".xlsm",
        ".pptm",
        ".dotm",
        ".xltm",
        ".so",
        ".dylib",
        ".elf",
    ]
)
# ... and the signatures of programs and scripts.
_EXECUTABLE_MAGIC = (
    b"MZ",  # Windows PE
    b"\x7fELF",
    b"#!",
    b"\xfe\xed\xfa\xce",  # Mach-O
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal / Java class
    b"dex\n",
)
_SCRIPT_START = re.compile(
    rb"^\s*(<\?php|<script|<html|<!doctype\s+html|<svg|<\?xml[^>]*>\s*<(svg|html)"
    rb"|@echo\s+off|function\s|var\s|const\s|let\s|import\s|powershell)",
    re.IGNORECASE,
)
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# ZIP-bomb guard for OOXML: generous for real documents (a 20 MB .docx full of photos
# unpacks to about the same size; XML compresses 5-30x) and far below what hurts a worker.
DEFAULT_MAX_UNCOMPRESSED = 256 * MB
DEFAULT_MAX_RATIO = 200
DEFAULT_MAX_MEMBERS = 5000


class UploadRejected(ValidationError):
    """An upload that is refused; the message says why, in the user's language."""


def max_upload_bytes() -> int:
    """The upload size limit from settings (UPLOAD_MAX_BYTES, default 20 MB)."""
    return int(getattr(settings, "UPLOAD_MAX_BYTES", 20 * MB))


def format_size(size: int) -> str:
    """Bytes as people read them: 35.2 MB, 20 MB, 512 KB."""
    if size >= MB:
        value = size / MB
        return f"{value:.0f} MB" if value == int(value) else f"{value:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


def _extension(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip().rstrip(".").lower()
    return "." + base.rsplit(".", 1)[1] if "." in base else ""


def _read(data: bytes | IO[bytes] | Any, limit: int) -> bytes:
    """Read at most `limit` bytes of bytes or a file object, leaving the file at its start."""
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data[:limit])
    if hasattr(data, "seek"):
        data.seek(0)
    if hasattr(data, "chunks") and not hasattr(data, "read"):
        buffer = bytearray()
        for chunk in data.chunks():
            buffer.extend(chunk)
            if len(buffer) >= limit:
                break
        return bytes(buffer[:limit])
    content = data.read(limit)
    if hasattr(data, "seek"):
        data.seek(0)
    return content


def _size(data: bytes | IO[bytes] | Any) -> int | None:
    if isinstance(data, bytes | bytearray | memoryview):
        return len(data)
    size = getattr(data, "size", None)
    return size if isinstance(size, int) else None


def _is_executable(head: bytes) -> bool:
    return head.startswith(_EXECUTABLE_MAGIC) or _SCRIPT_START.match(head[:512]) is not None


def _ooxml_kind(content: bytes, name: str, *, check: bool) -> FileKind:
    """The kind of an OOXML archive, after the ZIP-bomb and integrity checks if `check`."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadRejected(
            _("The file “%(name)s” is damaged: its archive cannot be opened.") % {"name": name},
            code="corrupt",
        ) from exc
    with archive:
        members = archive.infolist()
        if check:
            max_total = int(getattr(settings, "UPLOAD_MAX_UNCOMPRESSED_BYTES", 0)) or (
                DEFAULT_MAX_UNCOMPRESSED
            )
            max_ratio = int(getattr(settings, "UPLOAD_MAX_COMPRESSION_RATIO", DEFAULT_MAX_RATIO))
            total = sum(m.file_size for m in members)
            packed = sum(m.compress_size for m in members) or 1
            if (
                len(members) > DEFAULT_MAX_MEMBERS
                or total > max_total
                or (total > 10 * MB and total / packed > max_ratio)
            ):
                raise UploadRejected(
                    _(
                        "The file “%(name)s” unpacks to %(size)s, more than a document can "
                        "reasonably hold; it is refused as a possible ZIP bomb."
                    )
                    % {"name": name, "size": format_size(total)},
                    code="zip_bomb",
                )
            if any(m.flag_bits & 0x1 for m in members):
                raise UploadRejected(
                    _("The file “%(name)s” is password-protected; save it without a password.")
                    % {"name": name},
                    code="encrypted",
                )
        names = {m.filename for m in members}
        if "[Content_Types].xml" not in names:
            raise UploadRejected(
                _("The file “%(name)s” is a ZIP archive, not a Word or Excel file.")
                % {"name": name},
                code="not_ooxml",
            )
        try:
            types = archive.read("[Content_Types].xml")
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError) as exc:
            raise UploadRejected(
                _("The file “%(name)s” is damaged: its archive cannot be opened.") % {"name": name},
                code="corrupt",
            ) from exc
        if any(marker.encode() in types for marker in _MACRO_TYPES) or any(
            n.lower().endswith("vbaproject.bin") for n in names
        ):
            raise UploadRejected(
                _("The file “%(name)s” contains macros, which are never accepted.")
                % {"name": name},
                code="macros",
            )
        found: FileKind | None = None
        for content_type, (kind, folder) in _OOXML_MAIN.items():
            match = re.search(
                rb'PartName="('
                + re.escape(folder.encode())
                + rb'[^"]+)"\s+ContentType="'
                + re.escape(content_type.encode())
                + rb'"|ContentType="'
                + re.escape(content_type.encode())
                + rb'"\s+PartName="('
                + re.escape(folder.encode())
                + rb'[^"]+)"',
                types,
            )
            if match:
                part = (match[1] or match[2]).decode("utf-8", "replace").lstrip("/")
                if part in names:
                    found = kind
                    break
        if found is None:
            raise UploadRejected(
                _("The file “%(name)s” is a ZIP archive, not a Word or Excel file.")
                % {"name": name},
                code="not_ooxml",
            )
        if check:
            try:
                bad = archive.testzip()
            except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError) as exc:
                bad = str(exc) or "?"
            if bad is not None:
                raise UploadRejected(
                    _("The file “%(name)s” is damaged: part of its archive cannot be read.")
                    % {"name": name},
                    code="corrupt",
                )
        return found


def sniff_kind(content: bytes) -> FileKind | None:
    """The kind of a file from its bytes alone, or None. Does no integrity checks."""
    if content.startswith(b"%PDF-") or content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"%PDF-"):
        return FileKind.PDF
    if content.startswith(b"PK\x03\x04"):
        try:
            return _ooxml_kind(content, "", check=False)
        except UploadRejected:
            return None
    guess = filetype.guess(content[:8192])
    if guess is not None:
        return {
            "image/png": FileKind.PNG,
            "image/jpeg": FileKind.JPEG,
            "image/gif": FileKind.GIF,
            "image/webp": FileKind.WEBP,
        }.get(guess.mime)
    return None


def _check_pdf(content: bytes, name: str) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise UploadRejected(
                _(
                    "The file “%(name)s” is an encrypted PDF; it cannot be checked for "
                    "personal data. Save it without a password."
                )
                % {"name": name},
                code="encrypted",
            )
        if len(reader.pages) == 0:
            raise ValueError("no pages")
    except UploadRejected:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise UploadRejected(
            _("The file “%(name)s” is not a readable PDF; it may be damaged.") % {"name": name},
            code="corrupt",
        ) from exc


def unreadable_image(name: str) -> UploadRejected:
    """The refusal of an image that cannot be decoded (damaged, truncated, a bomb)."""
    return UploadRejected(
        _("The file “%(name)s” is not a readable image; it may be damaged or too large.")
        % {"name": name},
        code="corrupt",
    )


_STRICT_DECODING = threading.Lock()


def _check_image(content: bytes, name: str) -> None:
    import warnings

    from PIL import Image, ImageFile

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                image.verify()
            # verify() checks a PNG's checksums but reads no JPEG data: decoding the
            # pixels catches a truncated file (the bomb check above bounds the cost).
            # load() pads a truncated image silently while ImageFile.LOAD_TRUNCATED_IMAGES
            # is set, and WeasyPrint sets it when imported (the 审查单 PDF): decode strictly.
            with _STRICT_DECODING:
                tolerant = ImageFile.LOAD_TRUNCATED_IMAGES
                ImageFile.LOAD_TRUNCATED_IMAGES = False
                try:
                    with Image.open(io.BytesIO(content)) as image:
                        image.load()
                finally:
                    ImageFile.LOAD_TRUNCATED_IMAGES = tolerant
    except Exception as exc:  # Pillow raises many types for broken images
        raise unreadable_image(name) from exc


# A cell a spreadsheet program would run as a formula (CSV injection): it starts with = or
# @, or with + or - without being a plain number.
_CSV_NUMBER = re.compile(r"[+\-]\s*[0-9][0-9,]*(?:\.[0-9]+)?%?")


def _csv_formula(cell: str) -> bool:
    cell = cell.strip()
    if cell.startswith(("=", "@")):
        return True
    return cell.startswith(("+", "-")) and _CSV_NUMBER.fullmatch(cell) is None


def _check_csv(content: bytes, name: str) -> FileKind:
    """A CSV is text (UTF-8, GB18030 or UTF-16 with a mark) without formulas in its cells."""
    import csv

    from gongkai.core.pii.extract import ExtractionError, decode_text

    try:
        text, _encoding, _mark = decode_text(name, content, "csv")
    except ExtractionError as exc:
        raise UploadRejected(str(exc), code="corrupt") from exc
    for row_number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        for column_number, cell in enumerate(row, start=1):
            if _csv_formula(cell):
                raise UploadRejected(
                    _(
                        "The file “%(name)s” has a formula in row %(row)s, column %(column)s "
                        "(“%(cell)s”). A spreadsheet program would run it when the public opens "
                        "the file: remove the formulas and upload it again."
                    )
                    % {"name": name, "row": row_number, "column": column_number, "cell": cell[:20]},
                    code="formula",
                )
    return FileKind.CSV


def _kinds_text(kinds: Iterable[FileKind]) -> str:
    return "、".join(k.label for k in sorted(kinds, key=list(FileKind).index))


def check_upload(
    name: str,
    data: bytes | IO[bytes] | Any,
    *,
    allowed: Iterable[FileKind] = ALL_KINDS,
    max_bytes: int | None = None,
) -> FileKind:
    """Identify an upload by its content and return its kind, or raise UploadRejected.

    `data` is bytes or a file object (a Django UploadedFile, an open file); a file is read up
    to the limit and left at its start. Refused, each with its own message and code: empty
    files (``empty``), files over `max_bytes` (``too_large``; default UPLOAD_MAX_BYTES),
    programs and scripts (``executable``), kinds not in `allowed` (``not_allowed``), an
    extension that does not match the content (``mismatch``), legacy .doc/.xls (``legacy``),
    ZIP bombs (``zip_bomb``), macros (``macros``), encrypted (``encrypted``) and damaged files
    (``corrupt``). Nothing is written anywhere.
    """
    allowed = frozenset(FileKind(k) for k in allowed)
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1] or _("(unnamed)")
    ext = _extension(name)

    declared = _size(data)
    if declared is not None and declared > limit:
        raise UploadRejected(
            _("File too large: at most %(max)s, this file is %(size)s.")
            % {"max": format_size(limit), "size": format_size(declared)},
            code="too_large",
        )
    content = _read(data, limit + 1)
    if not content:
        raise UploadRejected(_("The file “%(name)s” is empty.") % {"name": name}, code="empty")
    if len(content) > limit:
        size = declared if declared is not None else len(content)
        raise UploadRejected(
            _("File too large: at most %(max)s, this file is %(size)s.")
            % {"max": format_size(limit), "size": format_size(max(size, len(content)))},
            code="too_large",
        )

    allowed_extensions = {e for k in allowed for e in k.extensions}
    if _is_executable(content):
        if ext in allowed_extensions:
            raise UploadRejected(
                _("The actual type of the file “%(name)s” does not match its extension.")
                % {"name": name},
                code="mismatch",
            )
        raise UploadRejected(
            _("The file “%(name)s” is a program or script, which is never accepted.")
            % {"name": name},
            code="executable",
        )
    if ext in _DANGEROUS_EXTENSIONS:
        raise UploadRejected(
            _("Files of type “%(ext)s” are never accepted.") % {"ext": ext},
            code="executable",
        )
    if content.startswith(_OLE2_MAGIC):
        raise UploadRejected(
            _(
                "The file “%(name)s” is in an old Office format (.doc, .xls); "
                "save it as .docx or .xlsx and upload it again."
            )
            % {"name": name},
            code="legacy",
        )
    if ext not in allowed_extensions:
        raise UploadRejected(
            _("Files of type “%(ext)s” are not accepted here. Accepted: %(kinds)s.")
            % {"ext": ext or _("(no extension)"), "kinds": _kinds_text(allowed)},
            code="not_allowed",
        )

    if content.startswith(b"PK\x03\x04"):
        kind: FileKind | None = _ooxml_kind(content, name, check=True)
    else:
        kind = sniff_kind(content)
        if kind is None and ext in FileKind.CSV.extensions and FileKind.CSV in allowed:
            kind = _check_csv(content, name)
    if kind is None:
        raise UploadRejected(
            _("The actual type of the file “%(name)s” does not match its extension.")
            % {"name": name},
            code="mismatch",
        )
    if ext not in kind.extensions:
        raise UploadRejected(
            _("The actual type of the file “%(name)s” does not match its extension.")
            % {"name": name},
            code="mismatch",
        )
    if kind not in allowed:  # pragma: no cover - the extension check already refuses these
        raise UploadRejected(
            _("Files of type “%(ext)s” are not accepted here. Accepted: %(kinds)s.")
            % {"ext": ext, "kinds": _kinds_text(allowed)},
            code="not_allowed",
        )
    if kind is FileKind.PDF:
        _check_pdf(content, name)
    elif kind in IMAGE_KINDS:
        _check_image(content, name)
    return kind


def accept_attribute(allowed: Iterable[FileKind]) -> str:
    """The value for ``<input type=file accept=...>`` listing the extensions of `allowed`."""
    return ",".join(e for k in sorted(allowed, key=list(FileKind).index) for e in k.extensions)


@deconstructible
class UploadValidator:
    """A field validator (forms or models) that runs check_upload on the uploaded file.

    ``FileField(validators=[UploadValidator({FileKind.PDF, FileKind.DOCX})])``. The size limit
    is read from settings at validation time unless given.
    """

    def __init__(self, allowed: Iterable[FileKind | str] = ALL_KINDS, max_bytes: int | None = None):
        self.allowed = tuple(sorted(FileKind(k).value for k in allowed))
        self.max_bytes = max_bytes

    def __call__(self, value: Any) -> FileKind:
        file = getattr(value, "file", value)
        name = getattr(value, "name", "") or ""
        kind = check_upload(
            name, file, allowed={FileKind(k) for k in self.allowed}, max_bytes=self.max_bytes
        )
        with contextlib.suppress(AttributeError):
            value.detected_kind = kind
        return kind

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, UploadValidator)
            and self.allowed == other.allowed
            and self.max_bytes == other.max_bytes
        )

    def __hash__(self) -> int:
        return hash((self.allowed, self.max_bytes))


class ValidatedFileField(forms.FileField):
    """A form file field that accepts only files whose content is of an allowed kind.

    After cleaning, the UploadedFile carries ``detected_kind`` (a FileKind). The widget's
    ``accept`` attribute lists the extensions, so browsers offer only matching files.
    """

    def __init__(
        self,
        *,
        allowed: Iterable[FileKind] = DOCUMENT_KINDS | IMAGE_KINDS,
        max_bytes: int | None = None,
        **kwargs: Any,
    ) -> None:
        self.allowed = frozenset(FileKind(k) for k in allowed)
        self.max_bytes = max_bytes
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", accept_attribute(self.allowed))

    def clean(self, data: Any, initial: Any = None) -> Any:
        """Run the usual FileField checks, then check_upload on a newly uploaded file."""
        value = super().clean(data, initial)
        if value and value is not initial and hasattr(value, "read"):
            UploadValidator(self.allowed, self.max_bytes)(value)
        return value
