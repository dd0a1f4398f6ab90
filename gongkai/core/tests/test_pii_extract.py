"""Reading attachments for the personal-data scan, on real generated files."""

import io
import random
import zipfile

import pytest
from django.utils.translation import gettext, pgettext
from pypdf import PdfReader, PdfWriter

from gongkai.core.pii import ExtractionError, FindingKind, extract_text, scan_file, scan_text
from gongkai.core.tests import pii_corpus as corpus

FILES = {f.name: f for f in corpus.build_corpus()}


@pytest.mark.parametrize("name", sorted(FILES))
def test_corpus_file_recall_is_complete_without_false_positives(name):
    corpus_file = FILES[name]
    findings = scan_file(name, corpus_file.data)
    found = [(f.kind, f.normalised) for f in findings]
    planted = [(p.kind, p.normalised) for p in corpus_file.planted]
    assert sorted(found) == sorted(planted)
    assert all(name in f.location for f in findings)


def test_whole_corpus_score():
    score = corpus.score_corpus(list(FILES.values()))
    assert score.planted > 150
    assert score.found == score.planted, score.misses
    assert score.false_positives == 0


def _by_number(name: str) -> dict[str, str]:
    return {f.normalised: f.location for f in scan_file(name, FILES[name].data)}


def test_docx_findings_name_table_cell_header_footer_comment_and_text_box():
    locations = _by_number("公示.docx")
    planted = FILES["公示.docx"].planted
    header, footer, comment, textbox, first_row = planted[len(planted) // 2 :][:5]
    assert pgettext("document part", "header") in locations[header.normalised]
    assert pgettext("document part", "footer") in locations[footer.normalised]
    assert pgettext("document part", "comments") in locations[comment.normalised]
    assert gettext("%(part)s text box") % {"part": ""} in locations[textbox.normalised]
    expected = gettext("%(part)s table %(table)s row %(row)s column %(column)s") % {
        "part": pgettext("document part", "body"),
        "table": 1,
        "row": 2,
        "column": 3,
    }
    assert locations[first_row.normalised].endswith(expected)


def test_docx_text_box_is_read_once_even_with_its_vml_fallback():
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    run = document.add_paragraph()._p
    run.append(
        parse_xml(
            '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
            '<mc:AlternateContent><mc:Choice Requires="wps"><w:t>x</w:t>'
            "<w:txbxContent><w:p><w:r><w:t>13812341234</w:t></w:r></w:p></w:txbxContent>"
            "</mc:Choice><mc:Fallback><w:txbxContent><w:p><w:r><w:t>13812341234</w:t></w:r>"
            "</w:p></w:txbxContent></mc:Fallback></mc:AlternateContent></w:r>"
        )
    )
    out = io.BytesIO()
    document.save(out)
    assert [f.normalised for f in scan_file("a.docx", out.getvalue())] == ["13812341234"]


def test_xlsx_hidden_sheet_and_numeric_cells_are_read():
    name = "名单.xlsx"
    locations = _by_number(name)
    planted = FILES[name].planted
    hidden = planted[len(planted) // 2]
    assert "名单" in locations[hidden.normalised]
    assert gettext("%(sheet)s (hidden)") % {"sheet": "名单"} in locations[hidden.normalised]
    assert locations[hidden.normalised].endswith(" B1")
    numeric = next(p for p in planted if p.kind == FindingKind.MOBILE and p.form == "plain")
    assert numeric.normalised in locations


def test_pdf_findings_name_their_page():
    name = "scan.pdf"
    locations = _by_number(name)
    planted = FILES[name].planted
    page = gettext("page %(number)s")
    assert locations[planted[0].normalised].endswith(page % {"number": 1})
    assert locations[planted[-1].normalised].endswith(page % {"number": 2})


def test_gb18030_csv_is_decoded():
    chunks = extract_text("名单-gbk.csv", FILES["名单-gbk.csv"].data)
    assert "钱七" in chunks[0].text


def test_html_attachment_includes_link_targets():
    chunks = {c.location: c.text for c in extract_text("正文.html", FILES["正文.html"].data)}
    text = chunks[pgettext("document part", "text")]
    assert "材料见附件。" in text
    assert "<p>" not in text
    assert "https://www.example.gov.cn/files/" in chunks[pgettext("document part", "attributes")]


def _encrypted_pdf(user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(FILES["scan.pdf"].data)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _zip(names: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return out.getvalue()


BAD_FILES = [
    ("加密.pdf", lambda: _encrypted_pdf("secret"), "encrypted"),
    ("x.pdf", lambda: b"MZ\x90\x00\x03" + bytes(200), "corrupt"),  # an executable, renamed
    ("x.pdf", lambda: FILES["scan.pdf"].data[:40], "corrupt"),  # truncated
    ("x.pdf", lambda: b"", "corrupt"),
    ("x.pdf", lambda: FILES["公示.docx"].data, "renamed"),
    ("x.docx", lambda: FILES["公示.docx"].data[:2000], "corrupt"),
    ("x.docx", lambda: _zip({"hello.txt": b"hi"}), "corrupt"),
    ("x.docx", lambda: _zip({"word/document.xml": b"<not-xml"}), "corrupt"),
    ("x.docx", lambda: FILES["名单.xlsx"].data, "renamed"),
    ("x.xlsx", lambda: _zip({"xl/workbook.xml": b"<workbook/>"}), "corrupt"),
    ("x.xlsx", lambda: random.Random(1).randbytes(5000), "corrupt"),
    ("x.doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "encrypted"),
    ("x.xlsx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "encrypted"),
    ("照片.jpg", lambda: b"\xff\xd8\xff\xe0" + bytes(100), "unsupported"),
    ("x.csv", lambda: FILES["scan.pdf"].data, "renamed"),
    ("x.txt", lambda: b"abc\x00\x01\x02", "corrupt"),
    ("x.txt", lambda: b"\xff\xfe\xfd" * 10 + b"\x81", "encoding"),
]


@pytest.mark.parametrize(("name", "make", "reason"), BAD_FILES)
def test_unreadable_files_raise_a_clear_error(name, make, reason):
    with pytest.raises(ExtractionError) as caught:
        scan_file(name, make())
    assert caught.value.reason == reason
    assert f"“{name}”" in str(caught.value)


def test_encrypted_pdf_error_says_so():
    with pytest.raises(ExtractionError) as caught:
        extract_text("加密.pdf", _encrypted_pdf("secret"))
    message = gettext(
        "Cannot check the attachment “%(name)s” automatically: the PDF is encrypted with a "
        "password. Check it by hand."
    )
    assert str(caught.value) == message % {"name": "加密.pdf"}


def test_pdf_with_only_an_owner_password_is_read():
    findings = scan_file("权限.pdf", _encrypted_pdf(""))
    assert len(findings) == len(FILES["scan.pdf"].planted)


def test_empty_files_have_no_text():
    assert extract_text("空.txt", b"") == []
    assert extract_text("空.csv", "序号,姓名\n".encode()) != []


def test_docx_hyperlink_targets_are_scanned():
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE

    document = docx.Document()
    paragraph = document.add_paragraph("见附件")
    url = "https://www.example.gov.cn/view?sfzh=11010119900307002X"
    paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    out = io.BytesIO()
    document.save(out)
    findings = scan_file("链接.docx", out.getvalue())
    assert [f.normalised for f in findings] == ["11010119900307002X"]
    assert "/word/document.xml" in findings[0].location


# The places a tester found leaks in -------------------------------------------------------


def _locations(name: str) -> dict[str, str]:
    return {f.normalised: f.location for f in scan_file(name, FILES[name].data)}


def _attachment(name: str, location: str) -> str:
    return gettext("attachment %(name)s %(location)s") % {"name": name, "location": location}


def test_docx_alt_text_text_box_split_runs_footnote_and_embedded_files_have_locations():
    name = "图片与嵌入.docx"
    locations = _locations(name)
    planted = FILES[name].planted
    body = pgettext("document part", "body")
    alt = gettext("%(part)s image or shape %(number)s alt text")
    descr, title, vml_alt, vml_title, image_title, textbox, split = planted[:7]
    assert locations[descr.normalised] == _attachment(name, alt % {"part": body, "number": 1})
    assert locations[title.normalised] == _attachment(name, alt % {"part": body, "number": 1})
    for item in (vml_alt, vml_title, image_title):
        assert locations[item.normalised] == _attachment(name, alt % {"part": body, "number": 2})
    assert gettext("%(part)s text box") % {"part": body} in locations[textbox.normalised]
    assert split.normalised in locations
    footnote = planted[9]
    assert pgettext("document part", "footnotes") in locations[footnote.normalised]
    cell, header, inner = planted[-3:]
    embedded = gettext("embedded object %(name)s %(location)s")
    sheet = gettext("sheet %(sheet)s %(cell)s") % {"sheet": "名单", "cell": "B3"}
    assert locations[cell.normalised] == _attachment(
        name, embedded % {"name": "Microsoft_Excel_Worksheet.xlsx", "location": sheet}
    )
    header_location = gettext("sheet %(sheet)s %(part)s") % {
        "sheet": "名单",
        "part": pgettext("document part", "header"),
    }
    assert locations[header.normalised].endswith(header_location)
    assert "Microsoft_Word_Document.docx" in locations[inner.normalised]


def test_xlsx_headers_footers_comments_links_and_numbers_have_locations():
    name = "页眉批注.xlsx"
    locations = _locations(name)
    planted = FILES[name].planted
    rich, number, comment, odd_header, even_footer, first_header, link, tooltip, hidden = planted[
        :9
    ]
    cell = gettext("sheet %(sheet)s %(cell)s")
    part = gettext("sheet %(sheet)s %(part)s")
    assert locations[rich.normalised] == _attachment(name, cell % {"sheet": "名单", "cell": "C2"})
    assert locations[number.normalised] == _attachment(name, cell % {"sheet": "名单", "cell": "C3"})
    assert locations[comment.normalised] == _attachment(
        name, gettext("sheet %(sheet)s %(cell)s comment") % {"sheet": "名单", "cell": "D2"}
    )
    for item, label in (
        (odd_header, pgettext("document part", "header")),
        (even_footer, pgettext("document part", "even page footer")),
        (first_header, pgettext("document part", "first page header")),
    ):
        assert locations[item.normalised] == _attachment(
            name, part % {"sheet": "名单", "part": label}
        )
    assert "/xl/worksheets/sheet1.xml" in locations[link.normalised]
    assert locations[tooltip.normalised] == _attachment(
        name, gettext("sheet %(sheet)s %(cell)s hyperlink") % {"sheet": "名单", "cell": "B4"}
    )
    hidden_sheet = gettext("%(sheet)s (hidden)") % {"sheet": "底稿"}
    assert locations[hidden.normalised] == _attachment(
        name, cell % {"sheet": hidden_sheet, "cell": "A1"}
    )
    inline, formula, threaded = planted[9:]
    assert locations[inline.normalised].endswith(" E2")
    assert locations[formula.normalised].endswith(" E3")
    assert locations[threaded.normalised] == _attachment(
        name,
        gettext("sheet %(sheet)s %(cell)s threaded comment") % {"sheet": "名单", "cell": "C3"},
    )


def test_excel_header_codes_are_not_text():
    from gongkai.core.pii.extract import header_footer_text

    raw = '&L&"宋体,常规"&12 联系人 138&B1234&B5678&C&KFF0000A&&B&R第&P页'
    text, origin = header_footer_text(raw)
    assert text == "\n 联系人 13812345678\nA&B\n第\n页"
    assert [f.normalised for f in scan_text(text)] == ["13812345678"]
    assert "".join(raw[s:e] for _node, s, e in origin if _node >= 0) == (
        " 联系人 13812345678A&&B第页"
    )


def test_html_attachment_reads_split_numbers_attributes_and_comments_but_not_block_splits():
    name = "拆分.html"
    chunks = {c.location: c.text for c in extract_text(name, FILES[name].data)}
    assert set(chunks) == {
        pgettext("document part", "text"),
        pgettext("document part", "attributes"),
        pgettext("document part", "HTML comments"),
    }
    assert sorted(f.normalised for f in scan_file(name, FILES[name].data)) == sorted(
        p.normalised for p in FILES[name].planted
    )
    for near_miss in corpus.HTML_NEAR_MISSES:
        assert scan_file("x.html", near_miss.encode()) == [], near_miss


def _docx_with(**embedded: bytes) -> bytes:
    import docx

    from gongkai.core.tests import office_files

    document = docx.Document()
    document.add_paragraph("正文")
    out = io.BytesIO()
    document.save(out)
    return office_files.docx_embed(out.getvalue(), embedded)


def test_docx_with_an_ole_object_must_be_checked_by_hand():
    data = _docx_with(**{"oleObject1.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)})
    with pytest.raises(ExtractionError) as caught:
        scan_file("附件.docx", data)
    assert caught.value.reason == "embedded"
    message = gettext(
        "Cannot check the attachment “%(name)s” automatically: it contains an embedded object "
        "(%(object)s) that cannot be read. Check it by hand, or replace the object with its "
        "content."
    )
    assert str(caught.value) == message % {"name": "附件.docx", "object": "oleObject1.bin"}


def test_embedded_files_are_followed_only_so_deep():
    level = _docx_with()
    for depth in range(3):
        level = _docx_with(**{f"Microsoft_Word_Document{depth}.docx": level})
        if depth < 2:
            extract_text("x.docx", level)
    with pytest.raises(ExtractionError) as caught:
        extract_text("x.docx", level)
    assert caught.value.reason == "embedded"


def test_a_damaged_embedded_workbook_must_be_checked_by_hand():
    data = _docx_with(**{"Microsoft_Excel_Worksheet.xlsx": b"PK\x03\x04broken"})
    with pytest.raises(ExtractionError) as caught:
        scan_file("附件.docx", data)
    assert caught.value.reason == "embedded"


def test_drawing_and_chart_text_is_read():
    from gongkai.core.tests import office_files

    def edit(parts):
        parts["xl/drawings/drawing1.xml"] = (
            '<?xml version="1.0" encoding="UTF-8"?><xdr:wsDr xmlns:xdr="http://schemas.'
            'openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="http://schemas.'
            'openxmlformats.org/drawingml/2006/main"><xdr:sp><xdr:txBody><a:p><a:r><a:t>电话 138'
            "</a:t></a:r><a:r><a:t>1234 1234</a:t></a:r></a:p></xdr:txBody></xdr:sp></xdr:wsDr>"
        ).encode()

    data = office_files.rewrite_zip(office_files.make_xlsx(leaks=False), edit)
    findings = scan_file("图.xlsx", data)
    assert [f.normalised for f in findings] == ["13812341234"]
    assert "/xl/drawings/drawing1.xml" in findings[0].location


def test_numeric_cells_holding_a_mobile_are_found():
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = 13812341234
    workbook.active["A2"] = 13812341234.0
    workbook.active["A3"] = 138123412345  # one digit too many
    out = io.BytesIO()
    workbook.save(out)
    findings = scan_file("数.xlsx", out.getvalue())
    assert [(f.normalised, f.location.rsplit(" ", 1)[-1]) for f in findings] == [
        ("13812341234", "A1"),
        ("13812341234", "A2"),
    ]


def test_search_text_of_html_is_unchanged():
    from gongkai.core.pii.htmltext import html_text

    html = '<p>毕<b>节</b>市</p><a href="/a.pdf">附件</a><!-- 注释 --><p title="标题">x</p>'
    assert html_text(html) == "毕\n节\n市\n/a.pdf\n附件\nx"
