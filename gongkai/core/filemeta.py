"""Hidden metadata in attachments: what a file carries, and a clean copy without it.

Office files and PDFs leak more than their visible text: the author and last editor, the
company, comments, tracked changes (deleted text is still in the file), revision counts,
templates with user paths, PDF Info/XMP and earlier incremental saves, and photos carry
EXIF with the camera and GPS position. The confidentiality review (REGULATIONS.md §5) shows
`inspect_metadata` for each attachment and publication serves the `strip_metadata` copy.

DOCX and XLSX are edited at the ZIP/XML level with lxml so that nothing else in the file
changes; PDFs are rewritten with pypdf (which also drops earlier revisions); JPEG, PNG, GIF
and WebP lose their metadata blocks without re-encoding the pixels.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import struct
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext as _
from lxml import etree

from .uploads import IMAGE_KINDS, FileKind, sniff_kind

__all__ = [
    "MetaItem",
    "MetadataError",
    "inspect_metadata",
    "strip_file_in_place",
    "strip_metadata",
]


class MetadataError(ValueError):
    """A file whose metadata cannot be read or removed; the message says why."""


@dataclass(frozen=True, slots=True)
class MetaItem:
    """One piece of hidden data: a stable `key`, a label in the user's language and a value."""

    key: str
    label: str
    value: str

    def __str__(self) -> str:
        return f"{self.label}: {self.value}"


# --- namespaces -------------------------------------------------------------------------
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _labels() -> dict[str, str]:
    return {
        "creator": _("Author"),
        "lastModifiedBy": _("Last modified by"),
        "title": _("Title"),
        "subject": _("Subject"),
        "description": _("Description"),
        "keywords": _("Keywords"),
        "category": _("Category"),
        "contentStatus": _("Status"),
        "identifier": _("Identifier"),
        "version": _("Version"),
        "created": _("Created"),
        "modified": _("Modified"),
        "lastPrinted": _("Last printed"),
        "revision": _("Revision number"),
        "Company": _("Company"),
        "Manager": _("Manager"),
        "Template": _("Template"),
        "TotalTime": _("Total editing time (minutes)"),
        "HyperlinkBase": _("Hyperlink base"),
    }


# Parts (by the last segment of their relationship type) that are removed outright.
_REMOVED_REL_TYPES = {
    "comments",
    "commentsExtended",
    "commentsIds",
    "commentsExtensible",
    "people",
    "custom-properties",
    "thumbnail",
    "threadedComment",
    "person",
    "attachedTemplate",
}
_REMOVED_PART_PATTERNS = (
    re.compile(r"^word/comments[A-Za-z]*\.xml$"),
    re.compile(r"^word/people\.xml$"),
    re.compile(r"^docProps/custom\.xml$"),
    re.compile(r"^docProps/thumbnail\.[A-Za-z]+$"),
    re.compile(r"^xl/comments[^/]*\.xml$"),
    re.compile(r"^xl/comments/[^/]+\.xml$"),
    re.compile(r"^xl/threadedComments/[^/]+\.xml$"),
    re.compile(r"^xl/persons/[^/]+\.xml$"),
)
# Values that tell nothing about anyone (still removed, but not worth a reviewer's time).
_DEFAULTS = {"Normal.dotm", "Normal.dot", "Normal", "Normal.dotx"}
_APP_REMOVED = ("Company", "Manager", "Template", "TotalTime", "HyperlinkBase")

# Tracked changes (修订) in WordprocessingML.
_UNWRAP = {"ins", "moveTo"}  # accept: keep the content
_DROP_WITH_CONTENT = {"del", "moveFrom"}  # accept: the content goes
_PROPERTY_PARENTS = {"rPr", "pPr", "trPr", "tcPr", "tblPr", "sectPr", "numPr"}
_DROP_ALWAYS = {
    "moveFromRangeStart",
    "moveFromRangeEnd",
    "moveToRangeStart",
    "moveToRangeEnd",
    "rPrChange",
    "pPrChange",
    "sectPrChange",
    "tblPrChange",
    "tblPrExChange",
    "trPrChange",
    "tcPrChange",
    "tblGridChange",
    "numberingChange",
    "cellIns",
    "cellMerge",
    "customXmlInsRangeStart",
    "customXmlInsRangeEnd",
    "customXmlDelRangeStart",
    "customXmlDelRangeEnd",
    "customXmlMoveFromRangeStart",
    "customXmlMoveFromRangeEnd",
    "customXmlMoveToRangeStart",
    "customXmlMoveToRangeEnd",
    "commentRangeStart",
    "commentRangeEnd",
    "rsid",  # in styles.xml
    "rsids",  # in settings.xml
}


def _w(local: str) -> str:
    return f"{{{W}}}{local}"


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _ns(tag: object) -> str:
    return etree.QName(tag).namespace or "" if isinstance(tag, str) else ""


# --- generic helpers ---------------------------------------------------------------------
def _damaged(name: str) -> MetadataError:
    return MetadataError(
        _("The file “%(name)s” cannot be read: it is damaged or not what its name says.")
        % {"name": name}
    )


def _kind(name: str, data: bytes) -> FileKind:
    if not data:
        raise MetadataError(_("The file “%(name)s” is empty.") % {"name": name})
    kind = sniff_kind(data)
    if kind is not None:
        return kind
    extension = PurePosixPath(name.lower()).suffix
    if any(extension in k.extensions for k in FileKind):
        raise _damaged(name)
    raise MetadataError(
        _("Hidden data in files like “%(name)s” cannot be checked (PDF, DOCX, XLSX and images).")
        % {"name": name}
    )


def _parse_xml(content: bytes, name: str) -> etree._Element:
    try:
        return etree.fromstring(content, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise _damaged(name) from exc


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _drop(element: etree._Element) -> None:
    """Remove an element, keeping its tail text in place."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _unwrap(element: etree._Element) -> None:
    """Replace an element by its children."""
    parent = element.getparent()
    if parent is None:
        return
    index = parent.index(element)
    children = list(element)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    _drop(element)


def _text(element: etree._Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


class _Package:
    """An OOXML package read into memory: part name -> bytes, in archive order."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name = name
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if any(info.flag_bits & 0x1 for info in archive.infolist()):
                    raise MetadataError(
                        _("The file “%(name)s” is password-protected.") % {"name": name}
                    )
                self.infos = [i for i in archive.infolist() if not i.is_dir()]
                self.parts = {i.filename: archive.read(i.filename) for i in self.infos}
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError) as exc:
            if isinstance(exc, MetadataError):
                raise
            raise _damaged(name) from exc
        self._xml: dict[str, etree._Element] = {}

    def xml(self, part: str) -> etree._Element | None:
        if part not in self.parts:
            return None
        if part not in self._xml:
            self._xml[part] = _parse_xml(self.parts[part], self.name)
        return self._xml[part]

    def rels_of(self, source: str) -> str:
        folder, base = posixpath.split(source)
        return posixpath.join(folder, "_rels", base + ".rels")

    def relationships(self) -> list[tuple[str, etree._Element, str | None]]:
        """(source part, Relationship element, resolved internal target or None)."""
        found = []
        for part in self.parts:
            if not part.endswith(".rels"):
                continue
            folder = posixpath.dirname(posixpath.dirname(part))
            source = posixpath.join(folder, posixpath.basename(part)[: -len(".rels")])
            root = self.xml(part)
            for rel in root.iter(f"{{{PR}}}Relationship"):
                target = rel.get("Target", "")
                if rel.get("TargetMode") == "External":
                    resolved = None
                elif target.startswith("/"):
                    resolved = target.lstrip("/")
                else:
                    resolved = posixpath.normpath(posixpath.join(folder, target))
                found.append((source, rel, resolved))
        return found


def _rel_type(rel: etree._Element) -> str:
    return rel.get("Type", "").rstrip("/").rsplit("/", 1)[-1]


# --- inspecting OOXML --------------------------------------------------------------------
def _inspect_ooxml(package: _Package) -> list[MetaItem]:
    labels = _labels()
    items: list[MetaItem] = []
    core = package.xml("docProps/core.xml")
    if core is not None:
        for element in core:
            key = _local(element.tag)
            value = _text(element)
            if not value or (key == "revision" and value == "1"):
                continue
            items.append(MetaItem(f"core.{key}", labels.get(key, key), value))
    app = package.xml("docProps/app.xml")
    if app is not None:
        for key in _APP_REMOVED:
            value = _text(app.find(f"{{{EP}}}{key}"))
            if value and not (key == "TotalTime" and value == "0") and value not in _DEFAULTS:
                items.append(MetaItem(f"app.{key}", labels[key], value))
    custom = package.xml("docProps/custom.xml")
    if custom is not None:
        for prop in custom:
            items.append(
                MetaItem("custom", _("Custom property"), f"{prop.get('name')} = {_text(prop)}")
            )
    for part in package.parts:
        if re.match(r"^docProps/thumbnail\.", part):
            items.append(MetaItem("thumbnail", _("Embedded thumbnail"), part))

    # Word: comments, people, tracked changes, rsids, template.
    comments = package.xml("word/comments.xml")
    if comments is not None:
        entries = comments.findall(_w("comment"))
        if entries:
            authors = sorted({c.get(_w("author"), "") for c in entries} - {""})
            items.append(
                MetaItem(
                    "comments",
                    _("Comments"),
                    _("%(count)s, by %(authors)s")
                    % {"count": len(entries), "authors": "、".join(authors) or "?"},
                )
            )
    people = package.xml("word/people.xml")
    if people is not None:
        names = [p.get(f"{{{W15}}}author", "") for p in people]
        items.append(MetaItem("people", _("People who edited"), "、".join(n for n in names if n)))
    changes = 0
    formatting = 0
    authors: set[str] = set()
    rsid = False
    for part in package.parts:
        if not (part.startswith("word/") and part.endswith(".xml")):
            continue
        root = package.xml(part)
        if _ns(root.tag) != W:
            continue
        for element in root.iter():
            local = _local(element.tag)
            if _ns(element.tag) != W:
                continue
            if local in _UNWRAP | _DROP_WITH_CONTENT:
                changes += 1
                authors.add(element.get(_w("author"), ""))
            elif local.endswith("Change"):
                formatting += 1
                authors.add(element.get(_w("author"), ""))
            elif local in {"rsid", "rsids"}:
                rsid = True
            if not rsid and any(_local(a).startswith("rsid") for a in element.attrib):
                rsid = True
    if changes or formatting:
        items.append(
            MetaItem(
                "tracked_changes",
                _("Tracked changes"),
                _(
                    "%(count)s insertions/deletions, %(formatting)s formatting changes, by %(authors)s"
                )
                % {
                    "count": changes,
                    "formatting": formatting,
                    "authors": "、".join(sorted(authors - {""})) or "?",
                },
            )
        )
    if rsid:
        items.append(MetaItem("rsid", _("Editing session IDs (rsid)"), _("present")))

    # Excel: comments, threaded comments, persons, the folder the file was saved in.
    for part in package.parts:
        if not part.startswith("xl/"):
            continue
        root = None
        if re.match(r"^xl/(comments[^/]*|comments/[^/]+)\.xml$", part):
            root = package.xml(part)
            entries = root.findall(f".//{{{SML}}}comment")
            authors_x = [_text(a) for a in root.iter(f"{{{SML}}}author")]
            items.append(
                MetaItem(
                    "comments",
                    _("Comments"),
                    _("%(count)s, by %(authors)s")
                    % {"count": len(entries), "authors": "、".join(sorted(set(authors_x))) or "?"},
                )
            )
        elif part.startswith("xl/threadedComments/"):
            root = package.xml(part)
            items.append(MetaItem("threaded_comments", _("Threaded comments"), str(len(root))))
        elif part.startswith("xl/persons/"):
            root = package.xml(part)
            names = [p.get("displayName", "") for p in root]
            items.append(MetaItem("people", _("People who edited"), "、".join(names)))
    workbook = package.xml("xl/workbook.xml")
    if workbook is not None:
        for element in workbook.iter():
            if _local(element.tag) == "absPath":
                items.append(MetaItem("abs_path", _("Folder it was saved in"), element.get("url")))
    return items


# --- stripping OOXML ---------------------------------------------------------------------
def _accept_tracked_changes(root: etree._Element) -> bool:
    changed = False
    # Deletions first: their content goes, including any insertion inside them.
    for element in list(root.iter(*(_w(n) for n in _DROP_WITH_CONTENT | {"cellDel"}))):
        parent = element.getparent()
        if parent is None:
            continue
        parent_name = _local(parent.tag)
        if parent_name == "trPr" and _local(element.tag) == "del":
            row = parent.getparent()
            if row is not None and row.getparent() is not None:
                _drop(row)  # a deleted table row
            changed = True
            continue
        if _local(element.tag) == "cellDel":
            cell = parent.getparent()
            if cell is not None and cell.getparent() is not None:
                _drop(cell)
            changed = True
            continue
        # In property elements (a deleted paragraph mark) only the marker goes; merging the
        # paragraphs as Word would is not worth the risk of moving text.
        _drop(element)
        changed = True
    for element in list(root.iter(*(_w(n) for n in _UNWRAP))):
        if element.getparent() is None:
            continue
        if _local(element.getparent().tag) in _PROPERTY_PARENTS:
            _drop(element)
        else:
            _unwrap(element)
        changed = True
    return changed


def _strip_word_part(root: etree._Element) -> bool:
    changed = _accept_tracked_changes(root)
    for element in list(root.iter(*(_w(n) for n in _DROP_ALWAYS))):
        _drop(element)
        changed = True
    for reference in list(root.iter(_w("commentReference"))):
        run = reference.getparent()
        others = [c for c in run if c is not reference and _local(c.tag) != "rPr"]
        if _local(run.tag) == "r" and not others:
            _drop(run)
        else:
            _drop(reference)
        changed = True
    for element in root.iter():
        for attribute in [a for a in element.attrib if _local(a).startswith("rsid")]:
            if _ns(attribute) == W:
                del element.attrib[attribute]
                changed = True
    return changed


def _strip_core(root: etree._Element) -> bool:
    # Everything goes, dates included: the catalogue record carries the authoritative
    # 成文日期 and 发布日期, and file timestamps only tell when someone worked on a draft.
    changed = False
    for element in list(root):
        if _local(element.tag) == "revision":
            if element.text != "1" or len(element):
                element.text = "1"
                changed = True
            continue
        _drop(element)
        changed = True
    return changed


def _strip_app(root: etree._Element) -> bool:
    changed = False
    for key in _APP_REMOVED:
        for element in root.findall(f"{{{EP}}}{key}"):
            _drop(element)
            changed = True
    return changed


def _strip_workbook(root: etree._Element) -> bool:
    changed = False
    for element in [e for e in root.iter() if _local(e.tag) == "absPath"]:
        parent = element.getparent()
        _drop(element)
        changed = True
        # <mc:AlternateContent><mc:Choice Requires="x15ac"><x15ac:absPath .../></mc:Choice>
        while parent is not None and _ns(parent.tag) == MC and len(parent) == 0:
            grand = parent.getparent()
            _drop(parent)
            parent = grand
    return changed


def _strip_ooxml(package: _Package) -> bytes:
    removed = {p for p in package.parts if any(r.match(p) for r in _REMOVED_PART_PATTERNS)}
    relationships = package.relationships()
    commented_sources = set()
    for source, rel, target in relationships:
        if _rel_type(rel) in _REMOVED_REL_TYPES:
            if target:
                removed.add(target)
            if _rel_type(rel) == "comments":
                commented_sources.add(source)
    # Legacy (VML) drawings of a sheet with comments are the comment boxes.
    for source, rel, target in relationships:
        if (
            source in commented_sources
            and source.startswith("xl/")
            and _rel_type(rel) == "vmlDrawing"
            and target
        ):
            removed.add(target)
    removed_ids: dict[str, set[str]] = {}
    changed_parts: set[str] = set()
    for source, rel, target in relationships:
        if _rel_type(rel) in _REMOVED_REL_TYPES or (target and target in removed):
            removed_ids.setdefault(source, set()).add(rel.get("Id", ""))
            _drop(rel)
            changed_parts.add(package.rels_of(source))
    removed |= {package.rels_of(p) for p in list(removed)}

    for part in package.parts:
        if part in removed or not (
            part.endswith((".xml", ".rels")) or part == "[Content_Types].xml"
        ):
            continue
        root = package.xml(part)
        changed = False
        if part == "[Content_Types].xml":
            for override in list(root.iter(f"{{{CT}}}Override")):
                if override.get("PartName", "").lstrip("/") in removed:
                    _drop(override)
                    changed = True
        elif part == "docProps/core.xml":
            changed = _strip_core(root)
        elif part == "docProps/app.xml":
            changed = _strip_app(root)
        elif part == "xl/workbook.xml":
            changed = _strip_workbook(root)
        elif part.startswith("word/") and _ns(root.tag) == W:
            changed = _strip_word_part(root)
        ids = removed_ids.get(part)
        if ids:
            for element in list(root.iter()):
                if element.get(f"{{{R}}}id") in ids:
                    _drop(element)
                    changed = True
        if changed:
            changed_parts.add(part)

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info in package.infos:
            if info.filename in removed:
                continue
            content = package.parts[info.filename]
            if info.filename in changed_parts:
                content = _serialise(package.xml(info.filename))
            # A fresh ZipInfo: no extra fields (NTFS/Unix timestamps), one fixed date.
            clean = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            clean.compress_type = info.compress_type
            clean.external_attr = 0o644 << 16
            archive.writestr(clean, content)
    return out.getvalue()


# --- PDF ---------------------------------------------------------------------------------


def _open_pdf(name: str, data: bytes):
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise MetadataError(
                _("The file “%(name)s” is an encrypted PDF; it cannot be checked or cleaned.")
                % {"name": name}
            )
        len(reader.pages)
        return reader
    except MetadataError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise _damaged(name) from exc


def _inspect_pdf(name: str, data: bytes) -> list[MetaItem]:
    from pypdf.errors import PyPdfError

    reader = _open_pdf(name, data)
    items: list[MetaItem] = []
    labels = {
        "/Author": _("Author"),
        "/Creator": _("Creating application"),
        "/Producer": _("PDF producer"),
        "/Title": _("Title"),
        "/Subject": _("Subject"),
        "/Keywords": _("Keywords"),
        "/CreationDate": _("Created"),
        "/ModDate": _("Modified"),
    }
    try:
        info = reader.metadata
        trailer_info = "/Info" in reader.trailer
        if info is not None:
            for key, value in info.items():
                text = str(value.get_object() if hasattr(value, "get_object") else value).strip()
                label = labels.get(key, _("Document information %(key)s") % {"key": key})
                items.append(MetaItem(f"pdf.info{key}", label, text or _("(empty)")))
        if trailer_info and info is not None and not info:
            items.append(MetaItem("pdf.info", _("Document information"), _("(empty)")))
        root = reader.trailer["/Root"].get_object()
        if "/Metadata" in root:
            size = len(root["/Metadata"].get_object().get_data())
            items.append(
                MetaItem("pdf.xmp", _("XMP metadata"), _("%(size)s bytes") % {"size": size})
            )
        if "/PieceInfo" in root:
            items.append(MetaItem("pdf.pieceinfo", _("Application private data"), _("present")))
        page_xmp = 0
        annotation_authors: set[str] = set()
        for page in reader.pages:
            if "/Metadata" in page or "/PieceInfo" in page:
                page_xmp += 1
            for annotation in page.get("/Annots", None) or []:
                annotation = annotation.get_object()
                if "/T" in annotation:
                    annotation_authors.add(str(annotation["/T"]))
        if page_xmp:
            items.append(MetaItem("pdf.page_xmp", _("Page metadata"), str(page_xmp)))
        if annotation_authors:
            items.append(
                MetaItem(
                    "pdf.annotation_authors",
                    _("Annotation authors"),
                    "、".join(sorted(annotation_authors)),
                )
            )
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise _damaged(name) from exc
    saves = data.count(b"%%EOF")
    if saves > 1:
        items.append(
            MetaItem(
                "pdf.incremental",
                _("Earlier saved versions (incremental updates)"),
                str(saves - 1),
            )
        )
    return items


def _strip_pdf(name: str, data: bytes) -> bytes:
    from pypdf import PdfWriter
    from pypdf.errors import PyPdfError
    from pypdf.generic import NameObject

    reader = _open_pdf(name, data)
    try:
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None
        root = writer._root_object
        for key in ("/Metadata", "/PieceInfo"):
            if key in root:
                del root[NameObject(key)]
        for page in writer.pages:
            for key in ("/Metadata", "/PieceInfo"):
                if key in page:
                    del page[NameObject(key)]
            for annotation in page.get("/Annots", None) or []:
                annotation = annotation.get_object()
                if "/T" in annotation:
                    del annotation[NameObject("/T")]
        # The XMP stream and old /Info are still objects in the clone, now unreferenced.
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        out = io.BytesIO()
        writer.write(out)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise _damaged(name) from exc
    return out.getvalue()


# --- images ------------------------------------------------------------------------------
# Each parser returns the byte ranges to keep and a description of each removed block.
Blocks = tuple[list[tuple[int, int]], list[str]]


def _jpeg_blocks(data: bytes) -> Blocks:
    keep: list[tuple[int, int]] = [(0, 2)]
    removed: list[str] = []
    position = 2
    while position + 2 <= len(data):
        if data[position] != 0xFF:
            raise ValueError("marker expected")
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xD9:  # end of image; anything after it is appended data
            keep.append((position, position + 2))
            if position + 2 < len(data):
                removed.append(_("data appended after the image"))
            return keep, removed
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            keep.append((position, position + 2))
            position += 2
            continue
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        end = position + 2 + length
        if length < 2 or end > len(data):
            raise ValueError("truncated JPEG segment")
        payload = data[position + 4 : end]
        drop = None
        if marker == 0xE1:
            drop = "EXIF" if payload.startswith(b"Exif") else "XMP"
        elif marker == 0xED:
            drop = "IPTC (Photoshop)"
        elif marker == 0xFE:
            drop = _("comment")
        elif marker == 0xE0 and not payload.startswith(b"JFIF\0"):
            drop = "APP0"
        elif marker == 0xE2 and not payload.startswith(b"ICC_PROFILE\0"):
            drop = "APP2"
        elif 0xE3 <= marker <= 0xEF and not (marker == 0xEE and payload.startswith(b"Adobe")):
            drop = f"APP{marker - 0xE0}"
        if drop:
            removed.append(drop)
        else:
            keep.append((position, end))
        position = end
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next real marker
            while True:
                position = data.index(b"\xff", position)
                following = data[position + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                    position += 1 if following == 0xFF else 2
                    continue
                break
            keep.append((end, position))
    raise ValueError("truncated JPEG")


def _png_blocks(data: bytes) -> Blocks:
    keep = [(0, 8)]
    removed: list[str] = []
    position = 8
    while position + 12 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        if end > len(data):
            raise ValueError("truncated PNG")
        if kind in (b"tEXt", b"zTXt", b"iTXt"):
            keyword = data[position + 8 : position + 8 + min(length, 80)].split(b"\0", 1)[0]
            removed.append(_("text “%(key)s”") % {"key": keyword.decode("latin-1")})
        elif kind in (b"eXIf", b"tIME", b"dSIG"):
            removed.append(kind.decode("ascii"))
        else:
            keep.append((position, end))
        position = end
        if kind == b"IEND":
            if position < len(data):
                removed.append(_("data appended after the image"))
            return keep, removed
    raise ValueError("truncated PNG")


def _webp_blocks(data: bytes) -> Blocks:
    removed: list[str] = []
    chunks: list[tuple[int, int]] = []
    position = 12
    end_of_riff = min(len(data), 8 + struct.unpack("<I", data[4:8])[0])
    while position + 8 <= end_of_riff:
        kind = data[position : position + 4]
        (length,) = struct.unpack("<I", data[position + 4 : position + 8])
        end = position + 8 + length + (length & 1)
        if kind in (b"EXIF", b"XMP "):
            removed.append(kind.decode("ascii").strip())
        else:
            chunks.append((position, end))
        position = end
    return chunks, removed


def _rebuild_webp(data: bytes, chunks: list[tuple[int, int]]) -> bytes:
    body = bytearray()
    for start, end in chunks:
        chunk = bytearray(data[start:end])
        if chunk[:4] == b"VP8X":
            chunk[8] &= ~(0x08 | 0x04) & 0xFF  # EXIF and XMP flags
        body += chunk
    return b"RIFF" + struct.pack("<I", len(body) + 4) + b"WEBP" + bytes(body)


def _gif_blocks(data: bytes) -> Blocks:
    removed: list[str] = []
    flags = data[10]
    position = 13 + (3 * (2 ** ((flags & 7) + 1)) if flags & 0x80 else 0)
    keep = [(0, position)]

    def skip_sub_blocks(at: int) -> int:
        while data[at] != 0:
            at += data[at] + 1
        return at + 1

    while True:
        introducer = data[position]
        if introducer == 0x3B:
            keep.append((position, position + 1))
            if position + 1 < len(data):
                removed.append(_("data appended after the image"))
            return keep, removed
        if introducer == 0x21:
            label = data[position + 1]
            end = skip_sub_blocks(position + 2)
            application = data[position + 3 : position + 14]
            if label == 0xFE:
                removed.append(_("comment"))
            elif label == 0xFF and application not in (b"NETSCAPE2.0", b"ANIMEXTS1.0"):
                removed.append(application.decode("latin-1").strip() or "APP")
            else:
                keep.append((position, end))
            position = end
        elif introducer == 0x2C:
            packed = data[position + 9]
            start = position
            position += 10
            if packed & 0x80:
                position += 3 * (2 ** ((packed & 7) + 1))
            end = skip_sub_blocks(position + 1)
            keep.append((start, end))
            position = end
        else:
            raise ValueError("bad GIF block")


_IMAGE_PARSERS: dict[FileKind, Callable[[bytes], Blocks]] = {
    FileKind.JPEG: _jpeg_blocks,
    FileKind.PNG: _png_blocks,
    FileKind.WEBP: _webp_blocks,
    FileKind.GIF: _gif_blocks,
}


def _image_blocks(name: str, kind: FileKind, data: bytes) -> Blocks:
    try:
        return _IMAGE_PARSERS[kind](data)
    except (ValueError, IndexError, struct.error) as exc:
        raise _damaged(name) from exc


def _gps_text(gps: dict) -> str:
    def degrees(values, ref) -> float:
        d, m, s = (float(v) for v in values)
        value = d + m / 60 + s / 3600
        return -value if ref in ("S", "W") else value

    try:
        latitude = degrees(gps[2], gps.get(1))
        longitude = degrees(gps[4], gps.get(3))
        return f"{latitude:.6f}, {longitude:.6f}"
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return _("present")


def _inspect_image(name: str, kind: FileKind, data: bytes) -> list[MetaItem]:
    from PIL import ExifTags, Image

    _keep, removed = _image_blocks(name, kind, data)
    items: list[MetaItem] = []
    try:
        with Image.open(io.BytesIO(data)) as image:
            exif = image.getexif()
            gps = exif.get_ifd(ExifTags.IFD.GPSInfo) if exif else {}
            details = dict(exif.items()) if exif else {}
            if exif:
                details.update(exif.get_ifd(ExifTags.IFD.Exif))
    except Exception as exc:  # Pillow raises many types for broken images
        raise _damaged(name) from exc
    if gps:
        items.append(MetaItem("image.gps", _("GPS location"), _gps_text(gps)))
    interesting = {
        "Make": _("Camera make"),
        "Model": _("Camera model"),
        "Software": _("Software"),
        "Artist": _("Author"),
        "Copyright": _("Copyright"),
        "DateTimeOriginal": _("Taken"),
        "DateTime": _("Modified"),
        "ImageDescription": _("Description"),
        "BodySerialNumber": _("Camera serial number"),
        "CameraOwnerName": _("Camera owner"),
    }
    for tag, value in details.items():
        tag_name = ExifTags.TAGS.get(tag, "")
        if tag_name in interesting and str(value).strip():
            items.append(MetaItem(f"image.{tag_name}", interesting[tag_name], str(value).strip()))
    for block in removed:
        items.append(MetaItem("image.block", _("Embedded metadata"), block))
    return items


def _strip_image(name: str, kind: FileKind, data: bytes) -> bytes:
    keep, removed = _image_blocks(name, kind, data)
    if not removed:
        return data
    if kind is FileKind.JPEG:
        orientation = _jpeg_orientation(data)
        if orientation not in (None, 1):
            return _reencode_upright(name, data)
    if kind is FileKind.WEBP:
        return _rebuild_webp(data, keep)
    return b"".join(data[start:end] for start, end in keep)


def _jpeg_orientation(data: bytes) -> int | None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.getexif().get(0x0112)
    except Exception:  # pragma: no cover - the block parser accepted it
        return None


def _reencode_upright(name: str, data: bytes) -> bytes:
    """A photo whose EXIF says "rotate me": turn the pixels, since the EXIF goes."""
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data)) as image:
            upright = ImageOps.exif_transpose(image)
            upright.info = {}  # Pillow would carry the comment (and more) into the copy
            out = io.BytesIO()
            extra = {}
            if image.info.get("icc_profile"):
                extra["icc_profile"] = image.info["icc_profile"]
            upright.save(out, "JPEG", quality=95, optimize=True, **extra)
    except Exception as exc:  # pragma: no cover - Pillow raises many types
        raise _damaged(name) from exc
    return out.getvalue()


# --- public API --------------------------------------------------------------------------
def inspect_metadata(name: str, data: bytes) -> list[MetaItem]:
    """What hidden data a file carries, as labelled items (empty list: nothing found).

    The kind is recognised from the content (`name` is only for messages). Raises
    MetadataError for empty, damaged, encrypted or unsupported files.
    """
    kind = _kind(name, data)
    if kind in (FileKind.DOCX, FileKind.XLSX):
        return _inspect_ooxml(_Package(name, data))
    if kind is FileKind.PDF:
        return _inspect_pdf(name, data)
    return _inspect_image(name, kind, data)


def strip_metadata(name: str, data: bytes) -> bytes:
    """A copy of the file without the hidden data that `inspect_metadata` reports.

    DOCX: tracked changes are accepted (insertions kept, deletions gone), comments, people,
    custom properties, thumbnails, rsids and the attached template removed, core properties
    emptied (revision 1) and Company/Manager/Template/TotalTime removed from app.xml. XLSX:
    the same properties, comments, threaded comments, persons and the saved-in folder. PDF:
    rewritten without /Info, XMP, PieceInfo, annotation authors and earlier revisions.
    Images: EXIF, XMP, IPTC, comments and text chunks removed without re-encoding (a JPEG
    that EXIF says to rotate is turned upright and re-encoded). Stripping a stripped file
    returns it unchanged. Raises MetadataError for files it cannot read.
    """
    kind = _kind(name, data)
    if kind in (FileKind.DOCX, FileKind.XLSX):
        return _strip_ooxml(_Package(name, data))
    if kind is FileKind.PDF:
        if not _inspect_pdf(name, data):
            return data
        return _strip_pdf(name, data)
    assert kind in IMAGE_KINDS
    return _strip_image(name, kind, data)


def strip_file_in_place(path: str | os.PathLike[str]) -> list[MetaItem]:
    """Strip a file on disk; return what it carried (empty: it was left untouched).

    The clean copy replaces the file atomically (written beside it, then renamed) and keeps
    its permissions, so a crash leaves either the old or the new file. For the bulk command
    and, later, for the files of already published Wagtail documents.
    """
    path = Path(path)
    data = path.read_bytes()
    found = inspect_metadata(path.name, data)
    clean = strip_metadata(path.name, data)
    if clean == data:
        return found
    mode = path.stat().st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(clean)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return found
