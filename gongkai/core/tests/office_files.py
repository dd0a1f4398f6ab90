"""Real test files (DOCX, XLSX, PDF, images), generated, with planted hidden data.

Shared by the upload, metadata and (later) import and scanner tests. Each builder returns
bytes; the defaults plant the leaks that REGULATIONS.md §5 worries about.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"

VISIBLE = "本通知自印发之日起施行。"
INSERTED = "新增的条款文字"
DELETED = "已删除的内部意见"
COMMENTED = "请办公室审核"
COMMENT_TEXT = "此处涉及内部讨论，不宜公开"


def rewrite_zip(data: bytes, edit: Callable[[dict[str, bytes]], None]) -> bytes:
    """Apply `edit` to the parts of a ZIP (name -> bytes, in order) and repack it."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    edit(parts)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def _add_override(parts: dict[str, bytes], part: str, content_type: str) -> None:
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>'.encode(),
    )


def _add_package_rel(parts: dict[str, bytes], rels: str, rid: str, kind: str, target: str):
    parts[rels] = parts[rels].replace(
        b"</Relationships>",
        f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/></Relationships>'.encode(),
    )


def _set_app(parts: dict[str, bytes], **values: str) -> None:
    root = etree.fromstring(parts["docProps/app.xml"])
    for key, value in values.items():
        element = root.find(f"{{{EP}}}{key}")
        if element is None:
            element = etree.SubElement(root, f"{{{EP}}}{key}")
        element.text = value
    parts["docProps/app.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")


CUSTOM_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="经办人">'
    "<vt:lpwstr>赵六 13800138000</vt:lpwstr></property></Properties>"
).encode()
CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"


def make_docx(*, leaks: bool = True, paragraphs: list[str] | None = None) -> bytes:
    """A Word file made with python-docx.

    With `leaks`: author 张三 and last editor 李四, company and manager, a comment by 王五,
    tracked changes by 张三 (an insertion of INSERTED and a deletion of DELETED), a custom
    property, people.xml and rsid attributes.
    """
    import docx

    document = docx.Document()
    document.add_heading("毕节市人力资源和社会保障局关于印发某某办法的通知", level=1)
    document.add_paragraph("毕人社发〔2019〕12号")
    for text in paragraphs or [VISIBLE]:
        document.add_paragraph(text)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "项目"
    table.rows[0].cells[1].text = "内容"
    if leaks:
        run = document.add_paragraph().add_run(COMMENTED)
        document.add_comment(run, text=COMMENT_TEXT, author="王五", initials="WW")
        document.core_properties.author = "张三"
        document.core_properties.last_modified_by = "李四"
        document.core_properties.revision = 7
        document.core_properties.title = "内部草稿"
    else:
        document.core_properties.author = ""
        document.core_properties.comments = ""
    buffer = io.BytesIO()
    document.save(buffer)
    if not leaks:
        return buffer.getvalue()

    def edit(parts: dict[str, bytes]) -> None:
        body = parts["word/document.xml"].decode()
        tracked = (
            f'<w:p w:rsidR="00A1B2C3" w:rsidRDefault="00A1B2C3"><w:r w:rsidRPr="00D4E5F6">'
            f"<w:t>前文</w:t></w:r>"
            f'<w:ins w:id="901" w:author="张三" w:date="2019-03-01T10:00:00Z">'
            f"<w:r><w:t>{INSERTED}</w:t></w:r></w:ins>"
            f'<w:del w:id="902" w:author="张三" w:date="2019-03-01T10:01:00Z">'
            f"<w:r><w:delText>{DELETED}</w:delText></w:r></w:del>"
            f"<w:r><w:t>后文</w:t></w:r></w:p>"
        )
        body = body.replace("<w:sectPr", tracked + "<w:sectPr", 1)
        parts["word/document.xml"] = body.encode()
        _set_app(parts, Company="毕节市某某局", Manager="局长办公室")
        parts["docProps/custom.xml"] = CUSTOM_XML
        _add_override(parts, "docProps/custom.xml", CUSTOM_TYPE)
        _add_package_rel(parts, "_rels/.rels", "rIdCustom", CUSTOM_REL, "docProps/custom.xml")
        parts["word/people.xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml">'
            '<w15:person w15:author="张三"/></w15:people>'
        ).encode()
        _add_override(
            parts,
            "word/people.xml",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.people+xml",
        )
        _add_package_rel(
            parts,
            "word/_rels/document.xml.rels",
            "rIdPeople",
            "http://schemas.microsoft.com/office/2011/relationships/people",
            "people.xml",
        )

    return rewrite_zip(buffer.getvalue(), edit)


def docx_text(data: bytes) -> str:
    """The visible text of a .docx as python-docx reads it (paragraphs and tables)."""
    import docx

    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(lines)


def make_xlsx(*, leaks: bool = True) -> bytes:
    """An Excel file made with openpyxl; with `leaks`: creator 张三, a comment by 王五,
    a company in app.xml and the folder it was saved in (absPath)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "名单"
    sheet["A1"] = "项目名称"
    sheet["B1"] = "金额"
    sheet["A2"] = "就业补助资金"
    sheet["B2"] = 12000
    if leaks:
        workbook.properties.creator = "张三"
        workbook.properties.lastModifiedBy = "李四"
        workbook.properties.title = "内部草稿"
        sheet["A2"].comment = Comment(COMMENT_TEXT, "王五")
    else:
        workbook.properties.creator = None
    buffer = io.BytesIO()
    workbook.save(buffer)
    if not leaks:
        return buffer.getvalue()

    def edit(parts: dict[str, bytes]) -> None:
        _set_app(parts, Company="毕节市某某局")
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
            b"<workbookPr",
            b'<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-'
            b'compatibility/2006"><mc:Choice Requires="x15ac"><x15ac:absPath '
            b'xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac" '
            b'url="C:\\Users\\zhangsan\\Desktop\\"/></mc:Choice></mc:AlternateContent>'
            b"<workbookPr",
            1,
        )

    return rewrite_zip(buffer.getvalue(), edit)


def _plain_pdf(text: str) -> bytes:
    """A one-page PDF showing `text` (ASCII) in Helvetica, written by hand."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


PDF_TEXT = "Public notice 2019 number 12"
XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    b"<dc:creator><rdf:Seq><rdf:li>zhangsan</rdf:li></rdf:Seq></dc:creator>"
    b'</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)


def make_pdf(*, leaks: bool = True) -> bytes:
    """A PDF with visible text PDF_TEXT; with `leaks`: /Info Author 张三 and Creator,
    an XMP stream in the catalogue and an annotation by 王五, saved as an incremental
    update of the plain file (as Acrobat does)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    plain = _plain_pdf(PDF_TEXT)
    if not leaks:
        return plain
    writer = PdfWriter(io.BytesIO(plain), incremental=True)
    writer.add_metadata({"/Author": "张三", "/Creator": "WPS 文字", "/Title": "内部草稿"})
    xmp = DecodedStreamObject()
    xmp.set_data(XMP)
    xmp.update(
        {NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")}
    )
    writer._root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Text"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (72, 600, 92, 620)]),
            NameObject("/T"): TextStringObject("王五"),
            NameObject("/Contents"): TextStringObject(COMMENT_TEXT),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    PdfReader(io.BytesIO(data))  # it opens
    return data


def pdf_text(data: bytes) -> str:
    """The text of every page, as pypdf extracts it."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


GPS = {1: "N", 2: (27.0, 18.0, 3.5), 3: "E", 4: (105.0, 17.0, 12.0)}


def make_jpeg(*, leaks: bool = True, orientation: int | None = None) -> bytes:
    """A JPEG photo; with `leaks`: EXIF camera, date, artist and GPS (毕节), and a comment."""
    from PIL import ExifTags, Image

    image = Image.new("RGB", (64, 48), (200, 30, 30))
    image.paste((20, 20, 200), (0, 0, 32, 48))
    options: dict = {"quality": 90}
    if leaks:
        exif = Image.Exif()
        exif[0x010F] = "Canon"
        exif[0x0110] = "Canon EOS 80D"
        exif[0x013B] = "zhangsan"
        exif[0x0132] = "2019:03:01 10:00:00"
        exif[ExifTags.IFD.GPSInfo] = GPS
        if orientation is not None:
            exif[0x0112] = orientation
        options["exif"] = exif.tobytes()
        options["comment"] = "拍摄：张三"
    out = io.BytesIO()
    image.save(out, "JPEG", **options)
    return out.getvalue()


def make_png(*, leaks: bool = True) -> bytes:
    """A PNG; with `leaks`: text chunks Author and Comment, and EXIF."""
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    image = Image.new("RGB", (32, 32), (10, 120, 10))
    options: dict = {}
    if leaks:
        info = PngInfo()
        info.add_text("Author", "zhangsan")
        info.add_itxt("Comment", "内部截图")
        options["pnginfo"] = info
        exif = Image.Exif()
        exif[0x013B] = "zhangsan"
        options["exif"] = exif.tobytes()
    out = io.BytesIO()
    image.save(out, "PNG", **options)
    return out.getvalue()


def make_webp(*, leaks: bool = True) -> bytes:
    """A WebP; with `leaks`: EXIF with GPS."""
    from PIL import ExifTags, Image

    image = Image.new("RGB", (32, 32), (10, 10, 120))
    options: dict = {"lossless": True}
    if leaks:
        exif = Image.Exif()
        exif[0x013B] = "zhangsan"
        exif[ExifTags.IFD.GPSInfo] = GPS
        options["exif"] = exif.tobytes()
    out = io.BytesIO()
    image.save(out, "WEBP", **options)
    return out.getvalue()


def make_gif(*, leaks: bool = True) -> bytes:
    """A GIF; with `leaks`: a comment extension."""
    from PIL import Image

    image = Image.new("P", (16, 16), 1)
    out = io.BytesIO()
    if leaks:
        image.save(out, "GIF", comment="拍摄：张三".encode())
    else:
        image.save(out, "GIF")
    return out.getvalue()


def pixels(data: bytes) -> bytes:
    """Decoded RGB pixels, to prove that stripping did not touch the picture."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB").tobytes()


# Builders for the personal-data scanner and masking tests --------------------------------

S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
V = "urn:schemas-microsoft-com:vml"
VO = "urn:schemas-microsoft-com:office:office"
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
TC = "http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"
SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
EMBEDDED_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "bin": "application/vnd.openxmlformats-officedocument.oleObject",
}


def _add_default(parts: dict[str, bytes], extension: str, content_type: str) -> None:
    if f'Extension="{extension}"'.encode() in parts["[Content_Types].xml"]:
        return
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        f'<Default Extension="{extension}" ContentType="{content_type}"/></Types>'.encode(),
    )


def _add_rel(parts: dict[str, bytes], rels: str, rid: str, kind: str, target: str, **extra):
    if rels not in parts:
        parts[rels] = (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PR}"/>'.encode()
        )
    root = etree.fromstring(parts[rels])
    etree.SubElement(root, f"{{{PR}}}Relationship", Id=rid, Type=kind, Target=target, **extra)
    parts[rels] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def xlsx_shared_strings(data: bytes) -> bytes:
    """Move the strings of an openpyxl workbook (which writes them inline) into a shared
    string table, as Excel does; equal strings share one entry."""

    def edit(parts: dict[str, bytes]) -> None:
        table = etree.Element(f"{{{S}}}sst", nsmap={None: S})
        index: dict[bytes, int] = {}
        count = 0
        for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
            root = etree.fromstring(parts[name])
            for cell in root.iter(f"{{{S}}}c"):
                if cell.get("t") != "inlineStr":
                    continue
                inline = cell.find(f"{{{S}}}is")
                item = etree.Element(f"{{{S}}}si")
                item.extend(list(inline))
                key = etree.tostring(item)
                if key not in index:
                    index[key] = len(index)
                    table.append(item)
                cell.remove(inline)
                etree.SubElement(cell, f"{{{S}}}v").text = str(index[key])
                cell.set("t", "s")
                count += 1
            parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
        table.set("count", str(count))
        table.set("uniqueCount", str(len(index)))
        parts["xl/sharedStrings.xml"] = etree.tostring(
            table, xml_declaration=True, encoding="UTF-8", standalone=True
        )
        _add_override(parts, "xl/sharedStrings.xml", SHARED_STRINGS_TYPE)
        _add_rel(
            parts,
            "xl/_rels/workbook.xml.rels",
            "rIdStrings",
            f"{R}/sharedStrings",
            "sharedStrings.xml",
        )

    return rewrite_zip(data, edit)


def xlsx_set_cell(data: bytes, sheet: str, cell_xml: str) -> bytes:
    """Replace (or add to an existing row) a cell of ``xl/worksheets/<sheet>`` by raw XML,
    e.g. an inline rich-text string or a formula with its cached value."""

    def edit(parts: dict[str, bytes]) -> None:
        name = f"xl/worksheets/{sheet}"
        root = etree.fromstring(parts[name])
        new = etree.fromstring(f'<c xmlns="{S}" {cell_xml.removeprefix("<c ")}')
        reference = new.get("r")
        row_number = int("".join(ch for ch in reference if ch.isdigit()))
        old = next((c for c in root.iter(f"{{{S}}}c") if c.get("r") == reference), None)
        if old is not None:
            old.addnext(new)
            old.getparent().remove(old)
        else:
            data_rows = root.find(f"{{{S}}}sheetData")
            row = next((r for r in data_rows if r.get("r") == str(row_number)), None)
            if row is None:
                row = etree.SubElement(data_rows, f"{{{S}}}row", r=str(row_number))
            row.append(new)
        parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    return rewrite_zip(data, edit)


def xlsx_add_threaded_comment(data: bytes, sheet: str, reference: str, text: str) -> bytes:
    """Add a threaded (modern) comment on a cell, as Excel 365 writes it."""

    def edit(parts: dict[str, bytes]) -> None:
        parts["xl/threadedComments/threadedComment1.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><ThreadedComments '
            f'xmlns="{TC}"><threadedComment ref="{reference}" dT="2019-05-24T10:00:00.00" '
            'personId="{00000000-0000-0000-0000-000000000001}" '
            'id="{00000000-0000-0000-0000-000000000002}">'
            f"<text>{text}</text></threadedComment></ThreadedComments>"
        ).encode()
        _add_override(
            parts,
            "xl/threadedComments/threadedComment1.xml",
            "application/vnd.ms-excel.threadedcomments+xml",
        )
        _add_rel(
            parts,
            f"xl/worksheets/_rels/{sheet}.rels",
            "rIdThreaded",
            "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment",
            "../threadedComments/threadedComment1.xml",
        )

    return rewrite_zip(data, edit)


def docx_embed(data: bytes, files: dict[str, bytes]) -> bytes:
    """Embed files in a .docx under word/embeddings/, related to the body as Word does."""

    def edit(parts: dict[str, bytes]) -> None:
        for number, (name, content) in enumerate(files.items(), start=1):
            parts[f"word/embeddings/{name}"] = content
            extension = name.rsplit(".", 1)[-1]
            _add_default(parts, extension, EMBEDDED_TYPES[extension])
            kind = f"{R}/oleObject" if extension == "bin" else f"{R}/package"
            _add_rel(
                parts, "word/_rels/document.xml.rels", f"rIdEmb{number}", kind, f"embeddings/{name}"
            )

    return rewrite_zip(data, edit)


def docx_add_footnote(data: bytes, text: str) -> bytes:
    """Add a footnotes part with one footnote holding ``text``."""

    def edit(parts: dict[str, bytes]) -> None:
        parts["word/footnotes.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W}">'
            f'<w:footnote w:id="1"><w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'
            "</w:footnote></w:footnotes>"
        ).encode()
        _add_override(
            parts,
            "word/footnotes.xml",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
        )
        _add_rel(
            parts, "word/_rels/document.xml.rels", "rIdFoot", f"{R}/footnotes", "footnotes.xml"
        )

    return rewrite_zip(data, edit)


def tiny_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def docx_picture(document, *, descr: str = "", title: str = "") -> None:
    """Add an inline picture with alt text (wp:docPr and its pic:cNvPr copy, as Word does)."""
    shape = document.add_picture(io.BytesIO(tiny_png()))
    inline = shape._inline
    for element in (inline.find(f"{{{WP}}}docPr"), next(inline.iter(f"{{{PIC}}}cNvPr"))):
        if descr:
            element.set("descr", descr)
        if title:
            element.set("title", title)


def vml_shape_run(*, alt: str = "", title: str = "", image_title: str = ""):
    """A run holding a VML picture shape with alt text, title and image title."""
    from docx.oxml import parse_xml

    return parse_xml(
        f'<w:r xmlns:w="{W}" xmlns:v="{V}" xmlns:o="{VO}"><w:pict>'
        f'<v:shape id="pic1" style="width:20pt;height:20pt" alt="{alt}" title="{title}">'
        f'<v:imagedata o:title="{image_title}"/></v:shape></w:pict></w:r>'
    )


def textbox_run(text: str, fallback: str | None = None):
    """A run holding a text box stored twice, as Word writes it: DrawingML (mc:Choice) and
    VML (mc:Fallback). The fallback holds ``fallback`` (by default the same text)."""
    from docx.oxml import parse_xml

    fallback = text if fallback is None else fallback
    return parse_xml(
        f'<w:r xmlns:w="{W}" xmlns:mc="{MC}" xmlns:wp="{WP}" xmlns:a="{A}" xmlns:wps="{WPS}" '
        f'xmlns:v="{V}"><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" '
        'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>0'
        '</wp:posOffset></wp:positionH><wp:positionV relativeFrom="paragraph"><wp:posOffset>0'
        '</wp:posOffset></wp:positionV><wp:extent cx="2000000" cy="400000"/><wp:wrapNone/>'
        '<wp:docPr id="90" name="Text Box 90"/><a:graphic><a:graphicData '
        'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>'
        '<wps:cNvSpPr txBox="1"/><wps:spPr/><wps:txbx><w:txbxContent><w:p><w:r>'
        f"<w:t>{text}</w:t></w:r></w:p></w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback>"
        '<w:pict><v:shape id="tb90" type="#_x0000_t202" style="width:200pt;height:40pt">'
        f"<v:textbox><w:txbxContent><w:p><w:r><w:t>{fallback}</w:t></w:r></w:p>"
        "</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )


def zip_members(data: bytes) -> dict[str, bytes]:
    """The members of a zip, name -> content, in order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}
