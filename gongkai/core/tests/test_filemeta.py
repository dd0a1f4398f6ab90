"""Hidden metadata: real generated files show their leaks, and the clean copy has none."""

import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from gongkai.core.filemeta import (
    MetadataError,
    inspect_metadata,
    strip_file_in_place,
    strip_metadata,
)
from gongkai.core.tests.office_files import (
    COMMENT_TEXT,
    COMMENTED,
    DELETED,
    INSERTED,
    PDF_TEXT,
    VISIBLE,
    docx_text,
    make_docx,
    make_gif,
    make_jpeg,
    make_pdf,
    make_png,
    make_webp,
    make_xlsx,
    pdf_text,
    pixels,
)


@pytest.fixture(autouse=True)
def english_messages():
    """These tests read the messages' wording from their msgids; the zh_Hans
    catalogue's completeness is checked by gongkai/tests/test_project.py."""
    with translation.override("en"):
        yield


LEAKED_NAMES = ["张三", "李四", "王五", "赵六", "毕节市某某局", "zhangsan"]


def keys(items) -> set[str]:
    return {item.key for item in items}


def values(items) -> str:
    return "\n".join(str(item) for item in items)


def all_parts(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return b"".join(archive.read(name) for name in archive.namelist())


# --- DOCX --------------------------------------------------------------------------------
def test_docx_inspection_lists_every_planted_leak():
    items = inspect_metadata("通知.docx", make_docx())
    assert {
        "core.creator",
        "core.lastModifiedBy",
        "core.revision",
        "core.title",
        "app.Company",
        "app.Manager",
        "custom",
        "comments",
        "people",
        "tracked_changes",
        "rsid",
        "thumbnail",
    } <= keys(items)
    text = values(items)
    for name in ["张三", "李四", "王五", "毕节市某某局", "赵六"]:
        assert name in text
    assert "Normal.dotm" not in text  # the default template is not worth a reviewer's time


def test_docx_strip_removes_everything_and_keeps_the_text():
    original = make_docx()
    clean = strip_metadata("通知.docx", original)
    assert inspect_metadata("通知.docx", clean) == []
    raw = all_parts(clean)
    for leak in [*LEAKED_NAMES, DELETED, COMMENT_TEXT, "内部草稿", "局长办公室"]:
        assert leak.encode() not in raw, leak
    assert b"w:rsid" not in raw
    assert not re.search(rb"<w:(ins|del|delText)[ >/]", raw)
    assert b"commentReference" not in raw and b"commentRange" not in raw
    text = docx_text(clean)  # python-docx opens it
    for visible in [VISIBLE, INSERTED, COMMENTED, "毕人社发〔2019〕12号", "项目", "内容"]:
        assert visible in text
    assert "前文" + INSERTED + "后文" in text
    assert DELETED not in text
    with zipfile.ZipFile(io.BytesIO(clean)) as archive:
        names = archive.namelist()
        assert archive.testzip() is None
    assert not any("comments" in n or "people" in n or "custom.xml" in n for n in names)
    assert "docProps/thumbnail.jpeg" not in names
    assert names[0] == "[Content_Types].xml"


def test_docx_second_strip_is_a_no_op():
    once = strip_metadata("a.docx", make_docx())
    assert strip_metadata("a.docx", once) == once


def test_docx_strip_leaves_unrelated_parts_byte_for_byte():
    original = make_docx()
    clean = strip_metadata("a.docx", original)
    with zipfile.ZipFile(io.BytesIO(original)) as a, zipfile.ZipFile(io.BytesIO(clean)) as b:
        for name in ["word/theme/theme1.xml", "word/fontTable.xml", "customXml/item1.xml"]:
            assert a.read(name) == b.read(name)


def test_docx_deleted_table_row_and_formatting_changes():
    def edit(parts):
        body = parts["word/document.xml"].decode()
        row = (
            '<w:tbl><w:tblGrid><w:gridCol w:w="2000"/></w:tblGrid>'
            "<w:tr><w:tc><w:p><w:r><w:t>保留行</w:t></w:r></w:p></w:tc></w:tr>"
            '<w:tr><w:trPr><w:del w:id="7" w:author="张三"/></w:trPr>'
            "<w:tc><w:p><w:r><w:delText>删除行</w:delText></w:r></w:p></w:tc></w:tr></w:tbl>"
            '<w:p><w:r><w:rPr><w:b/><w:rPrChange w:id="8" w:author="李四"><w:rPr/>'
            "</w:rPrChange></w:rPr><w:t>加粗</w:t></w:r></w:p>"
        )
        parts["word/document.xml"] = body.replace("<w:sectPr", row + "<w:sectPr", 1).encode()

    from gongkai.core.tests.office_files import rewrite_zip

    data = rewrite_zip(make_docx(leaks=False), edit)
    assert "1 formatting changes" in values(inspect_metadata("a.docx", data))
    clean = strip_metadata("a.docx", data)
    text = docx_text(clean)
    assert "保留行" in text and "加粗" in text and "删除行" not in text
    assert inspect_metadata("a.docx", clean) == []


# --- XLSX --------------------------------------------------------------------------------
def test_xlsx_inspection_and_strip():
    from openpyxl import load_workbook

    original = make_xlsx()
    items = inspect_metadata("名单.xlsx", original)
    assert {"core.creator", "core.lastModifiedBy", "app.Company", "comments", "abs_path"} <= keys(
        items
    )
    assert "王五" in values(items) and "zhangsan" in values(items)
    clean = strip_metadata("名单.xlsx", original)
    assert inspect_metadata("名单.xlsx", clean) == []
    raw = all_parts(clean)
    for leak in [*LEAKED_NAMES, COMMENT_TEXT]:
        assert leak.encode() not in raw, leak
    workbook = load_workbook(io.BytesIO(clean))
    sheet = workbook["名单"]
    assert [c.value for c in sheet[2]] == ["就业补助资金", 12000]
    assert sheet["A2"].comment is None
    assert strip_metadata("名单.xlsx", clean) == clean


# --- PDF ---------------------------------------------------------------------------------
def test_pdf_inspection_and_strip():
    from pypdf import PdfReader

    original = make_pdf()
    items = inspect_metadata("a.pdf", original)
    assert {
        "pdf.info/Author",
        "pdf.info/Creator",
        "pdf.xmp",
        "pdf.annotation_authors",
        "pdf.incremental",
    } <= keys(items)
    assert "张三" in values(items)
    clean = strip_metadata("a.pdf", original)
    assert inspect_metadata("a.pdf", clean) == []
    reader = PdfReader(io.BytesIO(clean))
    assert reader.metadata is None
    assert "/Metadata" not in reader.trailer["/Root"]
    assert b"zhangsan" not in clean
    assert PDF_TEXT in pdf_text(clean)
    assert len(reader.pages) == 1
    assert strip_metadata("a.pdf", clean) == clean


def test_clean_pdf_is_returned_unchanged():
    plain = make_pdf(leaks=False)
    assert inspect_metadata("a.pdf", plain) == []
    assert strip_metadata("a.pdf", plain) == plain


# --- images ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "maker", "expected"),
    [
        ("a.jpg", make_jpeg, {"image.gps", "image.Make", "image.Model", "image.Artist"}),
        ("a.png", make_png, {"image.Artist", "image.block"}),
        ("a.webp", make_webp, {"image.gps", "image.Artist"}),
        ("a.gif", make_gif, {"image.block"}),
    ],
)
def test_images_lose_metadata_but_not_a_pixel(name, maker, expected):
    original = maker()
    items = inspect_metadata(name, original)
    assert expected <= keys(items)
    clean = strip_metadata(name, original)
    assert inspect_metadata(name, clean) == []
    assert pixels(clean) == pixels(original)
    assert strip_metadata(name, clean) == clean
    assert b"zhangsan" not in clean and "张三".encode() not in clean
    plain = maker(leaks=False)
    assert strip_metadata(name, plain) == plain


def test_gps_is_shown_as_coordinates():
    gps = next(i for i in inspect_metadata("a.jpg", make_jpeg()) if i.key == "image.gps")
    assert gps.value == "27.300972, 105.286667"


def test_a_photo_that_exif_rotates_is_turned_upright():
    from PIL import Image

    rotated = make_jpeg(orientation=6)  # "rotate 90° clockwise to display"
    clean = strip_metadata("a.jpg", rotated)
    assert inspect_metadata("a.jpg", clean) == []
    with Image.open(io.BytesIO(clean)) as image:
        assert image.size == (48, 64)


# --- bad input ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("a.docx", b"", "is empty"),
        ("a.docx", b"PK\x03\x04 broken", "cannot be read"),
        ("a.docx", make_docx()[:3000], "cannot be read"),
        ("a.pdf", b"%PDF-1.4 nonsense", "cannot be read"),
        ("a.jpg", make_jpeg()[:300], "cannot be read"),
        ("a.png", make_png()[:60], "cannot be read"),
        ("a.txt", "你好".encode(), "cannot be checked"),
    ],
)
def test_corrupt_or_unsupported_input_raises_metadata_error(name, data, fragment):
    for function in (inspect_metadata, strip_metadata):
        with pytest.raises(MetadataError) as info:
            function(name, data)
        assert fragment in str(info.value)
        assert name in str(info.value)


def test_broken_xml_inside_a_docx():
    from gongkai.core.tests.office_files import rewrite_zip

    def edit(parts):
        parts["docProps/core.xml"] = b"<cp:coreProperties"

    with pytest.raises(MetadataError):
        strip_metadata("a.docx", rewrite_zip(make_docx(), edit))


def test_entities_are_not_expanded():
    from gongkai.core.tests.office_files import rewrite_zip

    def edit(parts):
        parts["docProps/core.xml"] = (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            b'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            b"<dc:creator>&e;</dc:creator></cp:coreProperties>"
        )

    items = inspect_metadata("a.docx", rewrite_zip(make_docx(), edit))
    assert "root:" not in values(items)


# --- in place and the command ------------------------------------------------------------
def test_strip_file_in_place(tmp_path):
    path = tmp_path / "通知.docx"
    path.write_bytes(make_docx())
    path.chmod(0o640)
    found = strip_file_in_place(path)
    assert "tracked_changes" in keys(found)
    assert inspect_metadata(path.name, path.read_bytes()) == []
    assert path.stat().st_mode & 0o777 == 0o640
    assert list(tmp_path.iterdir()) == [path]
    before = path.stat().st_mtime_ns
    assert strip_file_in_place(path) == []
    assert path.stat().st_mtime_ns == before  # nothing to do, nothing written


def test_command_strips_reports_and_summarises_failures(tmp_path):
    (tmp_path / "a.docx").write_bytes(make_docx())
    (tmp_path / "b.pdf").write_bytes(make_pdf())
    (tmp_path / "c.jpg").write_bytes(make_jpeg(leaks=False))
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 nonsense")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("strip_metadata", str(tmp_path), stdout=out, stderr=err, no_progress=True)
    assert inspect_metadata("a.docx", (tmp_path / "a.docx").read_bytes()) == []
    assert inspect_metadata("b.pdf", (tmp_path / "b.pdf").read_bytes()) == []
    report = out.getvalue() + err.getvalue()
    assert "broken.pdf" in report and "cannot be read" in report
    assert "Cleaned 2 files" in report


def test_command_dry_run_changes_nothing(tmp_path):
    path = tmp_path / "a.xlsx"
    data = make_xlsx()
    path.write_bytes(data)
    out = io.StringIO()
    call_command("strip_metadata", str(path), "--dry-run", stdout=out, no_progress=True)
    assert path.read_bytes() == data
    assert "王五" in out.getvalue()
    assert "a.xlsx" in out.getvalue()


def test_command_refuses_missing_paths(tmp_path):
    with pytest.raises(CommandError):
        call_command("strip_metadata", str(tmp_path / "none.pdf"), no_progress=True)
