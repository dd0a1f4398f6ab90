"""Uploads are identified by content: real generated files pass, disguised ones do not."""

import io
import zipfile

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from gongkai.core.tests.office_files import (
    make_docx,
    make_gif,
    make_jpeg,
    make_pdf,
    make_png,
    make_webp,
    make_xlsx,
    rewrite_zip,
)
from gongkai.core.uploads import (
    ALL_KINDS,
    DOCUMENT_KINDS,
    FileKind,
    UploadRejected,
    UploadValidator,
    ValidatedFileField,
    accept_attribute,
    check_upload,
    format_size,
    sniff_kind,
)

MB = 1024 * 1024
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def rejected(name, data, **kwargs) -> UploadRejected:
    kwargs.setdefault("allowed", ALL_KINDS)
    with pytest.raises(UploadRejected) as info:
        check_upload(name, data, **kwargs)
    assert isinstance(info.value, ValidationError)
    return info.value


@pytest.mark.parametrize(
    ("name", "maker", "kind"),
    [
        ("通知.docx", make_docx, FileKind.DOCX),
        ("名单.XLSX", make_xlsx, FileKind.XLSX),
        ("正文.pdf", make_pdf, FileKind.PDF),
        ("照片.jpg", make_jpeg, FileKind.JPEG),
        ("照片.JPEG", make_jpeg, FileKind.JPEG),
        ("图.png", make_png, FileKind.PNG),
        ("图.webp", make_webp, FileKind.WEBP),
        ("图.gif", make_gif, FileKind.GIF),
    ],
)
def test_real_files_are_recognised(name, maker, kind):
    data = maker()
    assert check_upload(name, data, allowed=ALL_KINDS, max_bytes=20 * MB) is kind
    assert sniff_kind(data) is kind


def test_file_objects_are_read_and_rewound():
    upload = SimpleUploadedFile("a.pdf", make_pdf(), content_type="application/pdf")
    upload.read(5)
    assert check_upload("a.pdf", upload, allowed={FileKind.PDF}, max_bytes=MB) is FileKind.PDF
    assert upload.tell() == 0
    assert check_upload("a.pdf", io.BytesIO(make_pdf()), allowed={FileKind.PDF}) is FileKind.PDF


def test_empty_file():
    error = rejected("a.pdf", b"")
    assert error.code == "empty"
    assert "文件“a.pdf”为空" in error.messages[0]


def test_too_large_names_both_sizes():
    data = b"%PDF-1.4\n" + b"0" * int(35.2 * MB)
    error = rejected("a.pdf", data, max_bytes=20 * MB)
    assert error.code == "too_large"
    assert error.messages == ["文件过大：最大 20 MB，本文件 35.2 MB。"]


def test_too_large_by_declared_size_reads_nothing():
    upload = SimpleUploadedFile("a.pdf", make_pdf())
    upload.size = 35 * MB
    assert rejected("a.pdf", upload, max_bytes=20 * MB).code == "too_large"


@override_settings(UPLOAD_MAX_BYTES=1000)
def test_default_limit_comes_from_settings():
    error = rejected("a.docx", make_docx())
    assert error.code == "too_large"
    assert "最大 1000 B" in error.messages[0]


@pytest.mark.parametrize("name", ["x.pdf", "x.docx", "x.jpg"])
@pytest.mark.parametrize(
    "content", [PE, b"\x7fELF\x02\x01\x01" + b"\0" * 60, b"#!/bin/sh\nrm -rf /\n"]
)
def test_a_renamed_program_does_not_match_its_extension(name, content):
    error = rejected(name, content)
    assert error.code == "mismatch"
    assert error.messages == [f"文件“{name}”的实际类型与扩展名不符。"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.exe", PE),
        ("run.bat", b"@echo off\r\ndel *.*\r\n"),
        ("a.js", b"var x = 1;"),
        ("page.html", b"<!DOCTYPE html><script>alert(1)</script>"),
        ("page.htm", make_pdf()),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
        ("macro.docm", make_docx()),
    ],
)
def test_programs_scripts_and_web_pages_are_never_accepted(name, content):
    assert rejected(name, content).code == "executable"


def test_extension_not_allowed_here():
    error = rejected("a.docx", make_docx(), allowed={FileKind.PDF})
    assert error.code == "not_allowed"
    assert "可接收：PDF。" in error.messages[0]


@pytest.mark.parametrize(
    ("name", "maker"),
    [("a.pdf", make_docx), ("a.docx", make_xlsx), ("a.xlsx", make_pdf), ("a.png", make_jpeg)],
)
def test_a_real_file_with_the_wrong_extension(name, maker):
    assert rejected(name, maker()).code == "mismatch"


def test_plain_text_called_pdf():
    assert rejected("a.pdf", "这是一个文本文件".encode()).code == "mismatch"


def test_legacy_office_formats_get_advice():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500
    error = rejected("a.docx", ole)
    assert error.code == "legacy"
    assert ".docx" in error.messages[0]


def test_a_plain_zip_is_not_a_word_file():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert rejected("a.docx", out.getvalue()).code == "not_ooxml"


def test_macros_are_refused_even_when_renamed_docx():
    def add_macro(parts):
        parts["word/vbaProject.bin"] = b"\0" * 100

    assert rejected("a.docx", rewrite_zip(make_docx(), add_macro)).code == "macros"


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d[: len(d) // 2],  # truncated: central directory missing
        lambda d: d[:200] + b"\0" * 400 + d[600:],  # a member's data overwritten
    ],
)
def test_corrupt_docx(damage):
    error = rejected("a.docx", damage(make_docx()))
    assert error.code in {"corrupt", "mismatch"}
    assert "已损坏" in error.messages[0] or "不符" in error.messages[0]


def test_corrupt_pdf_and_image():
    assert rejected("a.pdf", b"%PDF-1.4\n garbage \n").code == "corrupt"
    jpeg = make_jpeg()
    assert rejected("a.jpg", jpeg[:40]).code == "corrupt"


def test_zip_bomb_is_refused_before_unpacking():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        with zipfile.ZipFile(io.BytesIO(make_docx())) as source:
            for info in source.infolist():
                archive.writestr(info.filename, source.read(info))
        archive.writestr("word/media/bomb.bin", b"\0" * (300 * MB))
    data = out.getvalue()
    assert len(data) < 2 * MB
    error = rejected("a.docx", data)
    assert error.code == "zip_bomb"
    assert "解压后达" in error.messages[0]


@override_settings(UPLOAD_MAX_UNCOMPRESSED_BYTES=50 * MB, UPLOAD_MAX_COMPRESSION_RATIO=50)
def test_zip_bomb_ratio_from_settings():
    def add(parts):
        parts["word/media/big.bin"] = b"\0" * (20 * MB)

    assert rejected("a.docx", rewrite_zip(make_docx(), add)).code == "zip_bomb"


def test_format_size():
    assert format_size(20 * MB) == "20 MB"
    assert format_size(int(35.2 * MB)) == "35.2 MB"
    assert format_size(2048) == "2 KB"
    assert format_size(5) == "5 B"


def test_model_validator_deconstructs_and_compares():
    validator = UploadValidator({FileKind.PDF, FileKind.DOCX}, max_bytes=MB)
    path, args, kwargs = validator.deconstruct()
    assert path == "gongkai.core.uploads.UploadValidator"
    assert UploadValidator(*args, **kwargs) == validator
    upload = SimpleUploadedFile("a.docx", make_docx())
    assert validator(upload) is FileKind.DOCX
    assert upload.detected_kind is FileKind.DOCX
    with pytest.raises(ValidationError):
        validator(SimpleUploadedFile("a.xlsx", make_xlsx()))


class AttachmentForm(forms.Form):
    attachment = ValidatedFileField(allowed=DOCUMENT_KINDS, max_bytes=5 * MB)


def test_form_field_accepts_and_reports_the_kind():
    form = AttachmentForm(files={"attachment": SimpleUploadedFile("a.xlsx", make_xlsx())})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["attachment"].detected_kind is FileKind.XLSX
    assert 'accept=".pdf,.docx,.xlsx,.csv"' in str(form["attachment"])


def test_form_field_refuses_with_the_message():
    form = AttachmentForm(files={"attachment": SimpleUploadedFile("x.pdf", PE)})
    assert not form.is_valid()
    assert form.errors["attachment"] == ["文件“x.pdf”的实际类型与扩展名不符。"]


def test_accept_attribute_lists_all_image_extensions():
    assert accept_attribute({FileKind.JPEG, FileKind.PNG}) == ".png,.jpg,.jpeg,.jpe"


# --- CSV: text data published as it is -----------------------------------------------------

CSV_UTF8 = "姓名,补贴类别,金额\n张三,一次性求职创业补贴,1000\n李四,社会保险补贴,-200\n".encode()


@pytest.mark.parametrize(
    "data",
    [CSV_UTF8, b"\xef\xbb\xbf" + CSV_UTF8, CSV_UTF8.decode().encode("gb18030")],
    ids=["utf-8", "utf-8 with BOM", "gb18030"],
)
def test_a_csv_in_utf8_or_gb18030_is_accepted(data):
    assert check_upload("名单.csv", data, allowed=ALL_KINDS) == FileKind.CSV


@pytest.mark.parametrize(
    "cell", ['=HYPERLINK("http://x")', "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C x'!A0"]
)
def test_a_csv_with_a_formula_is_refused(cell):
    data = f"姓名,备注\n张三,{cell}\n".encode()
    assert rejected("名单.csv", data).code == "formula"


def test_a_disguised_csv_is_refused():
    assert rejected("名单.csv", make_xlsx(leaks=False)).code == "mismatch"
    assert rejected("名单.csv", b"\x00\x01binary\x00").code in {"corrupt", "mismatch"}
    assert rejected("名单.csv", b"\xff\xd8\xff\xe0" + b"0" * 100).code == "mismatch"
