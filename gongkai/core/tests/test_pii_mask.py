"""Masking personal data inside attachments (mask_file), on real generated files."""

import io
import random
import sys
import types
import zipfile

import pytest
from lxml import etree

from gongkai.core.pii import (
    FindingKind,
    MaskingError,
    MaskResult,
    extract_text,
    mask_file,
    mask_text,
    scan_file,
    scan_text,
)
from gongkai.core.pii import extract as extract_module
from gongkai.core.tests import office_files
from gongkai.core.tests import pii_corpus as corpus

FILES = {f.name: f for f in corpus.build_corpus()}
MASKABLE = sorted(name for name in FILES if not name.endswith(".pdf"))
ID = "11010119900307002X"
MOBILE = "13812341234"
MASKED_MOBILE = "138****1234"


def _keys(findings) -> list[tuple]:
    return sorted((f.kind, f.normalised, f.location) for f in findings)


def _chunks(name: str, data: bytes) -> list[tuple[str, str]]:
    return [(c.location, c.text) for c in extract_text(name, data)]


@pytest.fixture(scope="module")
def masked_corpus() -> dict[str, MaskResult]:
    return {name: mask_file(name, FILES[name].data) for name in MASKABLE}


@pytest.mark.parametrize("name", MASKABLE)
def test_every_planted_number_is_masked_and_nothing_else_changes(name, masked_corpus):
    original, result = FILES[name], masked_corpus[name]
    assert scan_file(name, result.data) == []
    assert _keys(result.masked) == _keys(scan_file(name, original.data))
    text = "\n".join(t for _location, t in _chunks(name, result.data))
    for item in original.planted:
        assert item.written not in text, item
    for finding in result.masked:
        assert finding.masked in text
    # The text read from the result is the original text, masked where the findings were and
    # identical everywhere else (the hard negatives, punctuation, other numbers).
    expected = [(location, mask_text(t)) for location, t in _chunks(name, original.data)]
    assert _chunks(name, result.data) == expected


@pytest.mark.parametrize(
    ("name", "changed"),
    [
        (
            "公示.docx",
            {"word/document.xml", "word/header1.xml", "word/footer1.xml", "word/comments.xml"},
        ),
        (
            "图片与嵌入.docx",
            {
                "word/document.xml",
                "word/_rels/document.xml.rels",
                "word/footnotes.xml",
                "word/embeddings/Microsoft_Excel_Worksheet.xlsx",
                "word/embeddings/Microsoft_Word_Document.docx",
            },
        ),
        ("名单.xlsx", {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"}),
        (
            "页眉批注.xlsx",
            {
                "xl/worksheets/sheet1.xml",
                "xl/worksheets/_rels/sheet1.xml.rels",
                "xl/sharedStrings.xml",
                "xl/comments/comment1.xml",
                "xl/threadedComments/threadedComment1.xml",
            },
        ),
    ],
)
def test_only_the_parts_holding_findings_change_and_the_order_is_kept(name, changed, masked_corpus):
    before = office_files.zip_members(FILES[name].data)
    after = office_files.zip_members(masked_corpus[name].data)
    assert list(after) == list(before)
    assert {member for member in before if before[member] != after[member]} == changed


def test_masked_word_file_opens_and_keeps_its_formatting(masked_corpus):
    import docx

    document = docx.Document(io.BytesIO(masked_corpus["图片与嵌入.docx"].data))
    split = next(p for p in document.paragraphs if p.text.startswith("联系人："))
    mobile = next(f for f in masked_corpus["图片与嵌入.docx"].masked if "联系人" in f.context)
    runs = split.runs
    # The masked form sits in the first run the number touched; the bold and italic runs
    # lost their digits but keep their formatting.
    assert [r.text for r in runs] == ["联系人：", mobile.masked, "", ""]
    assert runs[2].bold and runs[3].italic
    assert split.text == f"联系人：{mobile.masked}"
    body = office_files.zip_members(masked_corpus["图片与嵌入.docx"].data)["word/document.xml"]
    root = etree.fromstring(body)
    t = root.iter(f"{{{office_files.W}}}t")
    assert all(
        node.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"
        for node in t
        if node.text == mobile.masked
    )


def test_masked_excel_file_opens_with_numbers_turned_into_masked_text(masked_corpus):
    import openpyxl

    result = masked_corpus["页眉批注.xlsx"]
    workbook = openpyxl.load_workbook(io.BytesIO(result.data))
    sheet = workbook["名单"]
    by_cell = {f.location.rsplit(" ", 1)[-1]: f for f in result.masked}
    assert sheet["C3"].value == by_cell["C3"].masked  # was the number 13…
    assert sheet["C3"].data_type == "s"
    assert sheet["E3"].value == "=C3+0"  # a formula keeps its formula
    assert str(sheet["C2"].value) == by_cell["C2"].masked  # rich text, split over runs
    assert workbook["底稿"].sheet_state == "hidden"
    negatives = [sheet.cell(row=row, column=4).value for row in range(4, 34)]
    assert negatives == corpus.hard_negatives(random.Random(corpus.SEED))[:30]
    cached = openpyxl.load_workbook(io.BytesIO(result.data), data_only=True)
    assert cached["名单"]["E3"].value == by_cell["E3"].masked


def test_embedded_files_are_masked_and_still_open(masked_corpus):
    import docx
    import openpyxl

    members = office_files.zip_members(masked_corpus["图片与嵌入.docx"].data)
    workbook = members["word/embeddings/Microsoft_Excel_Worksheet.xlsx"]
    document = members["word/embeddings/Microsoft_Word_Document.docx"]
    assert scan_file("a.xlsx", workbook) == []
    assert scan_file("a.docx", document) == []
    openpyxl.load_workbook(io.BytesIO(workbook))
    docx.Document(io.BytesIO(document))
    locations = [f.location for f in masked_corpus["图片与嵌入.docx"].masked]
    assert any("Microsoft_Excel_Worksheet.xlsx" in location for location in locations)


@pytest.mark.parametrize("name", MASKABLE)
def test_only_masks_the_chosen_findings_and_leaves_the_others_untouched(name):
    data = FILES[name].data
    reported = scan_file(name, data)
    offered = []

    def only(finding):
        offered.append(finding)
        return finding.kind != FindingKind.MOBILE

    result = mask_file(name, data, only=only)
    assert offered == reported  # exactly as scan_file reports them
    chosen = [f for f in reported if f.kind != FindingKind.MOBILE]
    kept = [f for f in reported if f.kind == FindingKind.MOBILE]
    assert _keys(result.masked) == _keys(chosen)
    assert _keys(scan_file(name, result.data)) == _keys(kept)
    after = scan_file(name, result.data)
    assert [f.matched for f in after] == [f.matched for f in kept]


@pytest.mark.parametrize("name", MASKABLE)
def test_nothing_chosen_returns_the_file_unchanged(name):
    result = mask_file(name, FILES[name].data, only=lambda finding: False)
    assert result.data == FILES[name].data
    assert result.masked == []


def _docx(*paragraphs: str, runs=()) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    for run in runs:
        document.add_paragraph()._p.append(run)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_text_box_is_masked_in_both_of_its_copies():
    data = _docx("正文", runs=[office_files.textbox_run(f"电话 {MOBILE}")])
    assert len(scan_file("a.docx", data)) == 1  # read once
    result = mask_file("a.docx", data)
    body = office_files.zip_members(result.data)["word/document.xml"].decode()
    assert MOBILE not in body
    assert body.count(MASKED_MOBILE) == 2  # DrawingML and VML fallback
    kept = mask_file("a.docx", data, only=lambda f: False)
    assert office_files.zip_members(kept.data)["word/document.xml"].decode().count(MOBILE) == 2


def test_picture_alt_text_and_its_copy_are_masked():
    import docx

    document = docx.Document()
    office_files.docx_picture(document, descr=f"身份证 {ID}", title=MOBILE)
    document.add_paragraph()._p.append(
        office_files.vml_shape_run(alt=ID, title="照片", image_title=MOBILE)
    )
    out = io.BytesIO()
    document.save(out)
    findings = scan_file("图.docx", out.getvalue())
    assert [(f.kind, f.normalised) for f in findings] == [
        (FindingKind.RESIDENT_ID, ID),
        (FindingKind.MOBILE, MOBILE),
        (FindingKind.RESIDENT_ID, ID),
        (FindingKind.MOBILE, MOBILE),
    ]
    result = mask_file("图.docx", out.getvalue())
    body = office_files.zip_members(result.data)["word/document.xml"].decode()
    assert ID not in body and MOBILE not in body
    assert body.count("110101********002X") == 3  # docPr, pic:cNvPr and VML alt
    docx.Document(io.BytesIO(result.data))


def test_deleted_text_footnote_and_link_are_masked():
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    document.add_paragraph()._p.append(
        parse_xml(
            f'<w:del xmlns:w="{office_files.W}" w:id="1" w:author="甲" '
            'w:date="2019-05-24T10:00:00Z">'
            f"<w:r><w:delText>{MOBILE}</w:delText></w:r></w:del>"
        )
    )
    document.part.relate_to(
        f"https://www.example.gov.cn/?sfzh={ID}",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
        is_external=True,
    )
    out = io.BytesIO()
    document.save(out)
    data = office_files.docx_add_footnote(out.getvalue(), f"注 {ID}")
    result = mask_file("a.docx", data)
    assert len(result.masked) == 3
    members = office_files.zip_members(result.data)
    assert MASKED_MOBILE.encode() in members["word/document.xml"]
    assert b"sfzh=110101********002X" in members["word/_rels/document.xml.rels"]
    assert b"110101********002X" in members["word/footnotes.xml"]
    assert scan_file("a.docx", result.data) == []


def test_a_number_split_over_runs_with_a_non_breaking_hyphen_is_masked():
    from docx.oxml import parse_xml

    run = parse_xml(
        f'<w:r xmlns:w="{office_files.W}"><w:t>电话138</w:t><w:noBreakHyphen/>'
        "<w:t>1234</w:t><w:noBreakHyphen/><w:t>1234</w:t></w:r>"
    )
    data = _docx(runs=[run])
    assert [f.normalised for f in scan_file("a.docx", data)] == [MOBILE]
    result = mask_file("a.docx", data)
    body = office_files.zip_members(result.data)["word/document.xml"].decode()
    assert f"电话{MASKED_MOBILE}" in body
    assert "noBreakHyphen" not in body


def _xlsx_with_shared(*cells: tuple[str, str]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "名单"
    for reference, value in cells:
        sheet[reference] = value
    out = io.BytesIO()
    workbook.save(out)
    return office_files.xlsx_shared_strings(out.getvalue())


def _shared(data: bytes) -> etree._Element:
    return etree.fromstring(office_files.zip_members(data)["xl/sharedStrings.xml"])


def test_a_shared_string_used_by_several_cells_is_masked_per_cell():
    import openpyxl

    data = _xlsx_with_shared(("A1", f"张三 {MOBILE}"), ("A2", f"张三 {MOBILE}"), ("A3", "李四"))
    assert len(_shared(data)) == 2  # the two cells share one string
    result = mask_file("a.xlsx", data, only=lambda f: f.location.endswith(" A2"))
    sheet = openpyxl.load_workbook(io.BytesIO(result.data))["名单"]
    assert sheet["A1"].value == f"张三 {MOBILE}"
    assert sheet["A2"].value == f"张三 {MASKED_MOBILE}"
    table = _shared(result.data)
    assert len(table) == 3 and table.get("uniqueCount") == "3"
    assert [f.location.rsplit(" ", 1)[-1] for f in scan_file("a.xlsx", result.data)] == ["A1"]

    everywhere = mask_file("a.xlsx", data)
    assert len(_shared(everywhere.data)) == 2  # masked in place
    assert scan_file("a.xlsx", everywhere.data) == []
    # The sheet itself did not change: its cells still point at the same strings.
    before = office_files.zip_members(data)["xl/worksheets/sheet1.xml"]
    assert office_files.zip_members(everywhere.data)["xl/worksheets/sheet1.xml"] == before


def test_a_shared_string_used_by_no_cell_is_read_and_masked():
    def edit(parts):
        parts["xl/sharedStrings.xml"] = parts["xl/sharedStrings.xml"].replace(
            b"</sst>", f"<si><t>旧名单 {ID}</t></si></sst>".encode()
        )

    data = office_files.rewrite_zip(_xlsx_with_shared(("A1", "张三")), edit)
    findings = scan_file("a.xlsx", data)
    assert [f.normalised for f in findings] == [ID]
    result = mask_file("a.xlsx", data)
    assert scan_file("a.xlsx", result.data) == []


def test_header_footer_codes_survive_masking():
    result = mask_file("页眉批注.xlsx", FILES["页眉批注.xlsx"].data)
    sheet = office_files.zip_members(result.data)["xl/worksheets/sheet1.xml"].decode()
    root = etree.fromstring(sheet.encode())
    header = root.find(f".//{{{office_files.S}}}oddHeader").text
    footer = root.find(f".//{{{office_files.S}}}evenFooter").text
    assert header.startswith('&L&"宋体,常规"&12 联系人 ') and header.endswith("&R第&P页")
    assert footer.startswith("&C电话 ") and footer.count("&B") == 2
    assert "*" in header and "*" in footer


CSV_TEXT = f"序号,姓名,号码\r\n1,张三,{MOBILE}\r\n2,李四,0857-8221234\r\n3,王五,{ID}\r\n"


@pytest.mark.parametrize(
    ("encode", "bom"),
    [
        (lambda t: t.encode("utf-8"), b""),
        (lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), b"\xef\xbb\xbf"),
        (lambda t: t.encode("gb18030"), b""),
        (lambda t: b"\xff\xfe" + t.encode("utf-16-le"), b"\xff\xfe"),
    ],
)
@pytest.mark.parametrize("name", ["名单.csv", "说明.txt"])
def test_text_files_are_masked_in_their_own_encoding(name, encode, bom):
    data = encode(CSV_TEXT)
    result = mask_file(name, data)
    expected = CSV_TEXT.replace(MOBILE, MASKED_MOBILE).replace(ID, "110101********002X")
    assert result.data == encode(expected)
    assert result.data.startswith(bom)
    assert len(result.masked) == 2 and scan_file(name, result.data) == []


def test_html_file_keeps_its_markup_and_encoding():
    source = (
        '<html><head><meta charset="gb18030"></head><body>'
        f'<p class="a">电话<span style="color:red">138</span><b>1234</b>1234</p>'
        f'<p><img alt="{ID}" src="a.png"></p><!-- {MOBILE} --><p>0857-8221234</p></body></html>'
    )
    result = mask_file("公示.htm", source.encode("gb18030"))
    text = result.data.decode("gb18030")
    assert text == (
        '<html><head><meta charset="gb18030"></head><body>'
        f'<p class="a">电话<span style="color:red">{MASKED_MOBILE}</span><b></b></p>'
        '<p><img alt="110101********002X" src="a.png"></p>'
        f"<!-- {MASKED_MOBILE} --><p>0857-8221234</p></body></html>"
    )
    assert len(result.masked) == 3


def test_numbers_left_in_a_part_the_scan_does_not_read_fail_the_verification():
    # Word keeps custom properties (docProps/custom.xml) that the scan does not read: if the
    # masked number is still there, the file is not masked.
    def edit(parts):
        parts["docProps/custom.xml"] = office_files.CUSTOM_XML.replace(
            b"13800138000", MOBILE.encode()
        )
        office_files._add_override(parts, "docProps/custom.xml", office_files.CUSTOM_TYPE)

    data = office_files.rewrite_zip(_docx(f"联系电话 {MOBILE}"), edit)
    assert len(scan_file("a.docx", data)) == 1
    with pytest.raises(MaskingError) as caught:
        mask_file("a.docx", data)
    assert caught.value.reason == "unverified"
    assert "“a.docx”" in str(caught.value)


def test_a_writer_that_does_nothing_fails_the_verification(monkeypatch):
    monkeypatch.setattr(extract_module.HeaderFooterWriter, "apply", lambda self, findings: None)
    with pytest.raises(MaskingError) as caught:
        mask_file("页眉批注.xlsx", FILES["页眉批注.xlsx"].data)
    assert caught.value.reason == "unverified"
    # Masking only the other findings works.
    labels = tuple(str(label) for label in extract_module._HEADER_FOOTER.values())
    result = mask_file(
        "页眉批注.xlsx", FILES["页眉批注.xlsx"].data, only=lambda f: not f.location.endswith(labels)
    )
    assert len(result.masked) == len(FILES["页眉批注.xlsx"].planted) - 3


def test_a_shadow_copy_left_unmasked_fails_the_verification(monkeypatch):
    data = _docx(runs=[office_files.textbox_run(f"电话 {MOBILE}")])
    original = extract_module.NodesWriter.apply

    def skip_fallback(self, findings):
        if any(a.tag == f"{{{office_files.MC}}}Fallback" for a in self.nodes[0][0].iterancestors()):
            return
        original(self, findings)

    monkeypatch.setattr(extract_module.NodesWriter, "apply", skip_fallback)
    with pytest.raises(MaskingError) as caught:
        mask_file("a.docx", data)
    assert caught.value.reason == "unverified"


def test_a_result_that_no_longer_opens_fails_the_verification(monkeypatch):
    from gongkai.core.pii import maskfile

    monkeypatch.setattr(maskfile, "_opens", lambda kind, data: data == FILES["公示.docx"].data)
    with pytest.raises(MaskingError) as caught:
        mask_file("公示.docx", FILES["公示.docx"].data)
    assert caught.value.reason == "unverified"


def _zip(names: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return out.getvalue()


def _with_duplicate_member() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info in zipfile.ZipFile(io.BytesIO(FILES["公示.docx"].data)).infolist():
            archive.writestr(info.filename, b"")
        with pytest.warns(UserWarning):
            archive.writestr("word/document.xml", b"<x/>")
    return out.getvalue()


BAD_FILES = [
    ("x.docx", lambda: FILES["公示.docx"].data[:2000], "corrupt"),
    ("x.docx", lambda: _zip({"word/document.xml": b"<not-xml"}), "corrupt"),
    ("x.docx", lambda: _zip({"hello.txt": b"hi"}), "corrupt"),
    ("x.docx", lambda: FILES["名单.xlsx"].data, "corrupt"),  # an Excel file, renamed
    ("x.docx", _with_duplicate_member, "corrupt"),
    ("x.xlsx", lambda: _zip({"xl/workbook.xml": b"<workbook/>"}), "corrupt"),
    ("x.xlsx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "encrypted"),
    ("x.docx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "encrypted"),
    ("x.csv", lambda: FILES["scan.pdf"].data, "corrupt"),
    ("x.txt", lambda: b"abc\x00\x01\x02", "corrupt"),
    ("x.txt", lambda: b"\xff\xfe\xfd" * 10 + b"\x81", "corrupt"),
    ("照片.jpg", lambda: b"\xff\xd8\xff\xe0" + bytes(100), "unsupported"),
    ("x.doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "encrypted"),
    ("x.pptx", lambda: _zip({"ppt/presentation.xml": b"<p/>"}), "unsupported"),
    (
        "x.docx",
        lambda: office_files.docx_embed(_docx("正文"), {"oleObject1.bin": bytes(600)}),
        "embedded",
    ),
]


@pytest.mark.parametrize(("name", "make", "reason"), BAD_FILES)
def test_files_that_cannot_be_masked_raise_masking_error(name, make, reason):
    with pytest.raises(MaskingError) as caught:
        mask_file(name, make())
    assert caught.value.reason == reason
    assert f"“{name}”" in str(caught.value)


def test_a_zip_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(extract_module, "MAX_UNPACKED_BYTES", 10_000)
    with pytest.raises(MaskingError) as caught:
        mask_file("公示.docx", FILES["公示.docx"].data)
    assert caught.value.reason == "corrupt"


def test_an_embedded_object_that_cannot_be_masked_fails_with_embedded(monkeypatch):
    data = office_files.docx_embed(
        _docx(f"电话 {MOBILE}"), {"Microsoft_Excel_Worksheet.xlsx": _xlsx_with_shared()}
    )
    assert len(mask_file("a.docx", data).masked) == 1
    from gongkai.core.pii import maskfile

    monkeypatch.setattr(maskfile, "MAX_EMBEDDING_DEPTH", 1)
    with pytest.raises(MaskingError) as caught:
        mask_file("a.docx", data)
    assert caught.value.reason == "embedded"
    assert "Microsoft_Excel_Worksheet.xlsx" in str(caught.value)


def test_pdf_goes_to_pdfredact(monkeypatch):
    calls = []

    def mask_pdf(name, data, *, only=None):
        calls.append((name, data, only))
        return MaskResult(data=b"%PDF-masked", masked=[])

    fake = types.ModuleType("gongkai.core.pii.pdfredact")
    fake.mask_pdf = mask_pdf
    monkeypatch.setitem(sys.modules, "gongkai.core.pii.pdfredact", fake)
    chooser = lambda finding: True  # noqa: E731
    result = mask_file("scan.pdf", FILES["scan.pdf"].data, only=chooser)
    assert result.data == b"%PDF-masked"
    assert calls == [("scan.pdf", FILES["scan.pdf"].data, chooser)]


def test_masking_twice_changes_nothing_more(masked_corpus):
    for name, result in masked_corpus.items():
        again = mask_file(name, result.data)
        assert again.masked == [] and again.data == result.data
        assert scan_text("\n".join(t for _l, t in _chunks(name, again.data))) == []


def _mutations(data: bytes, seed: int) -> bytes:
    """``data`` damaged at random: an XML part truncated, cut or given a stray byte, or
    bytes of the zip itself overwritten."""
    rng = random.Random(seed)
    if seed % 4 == 0:
        damaged = bytearray(data)
        for _ in range(rng.randrange(1, 6)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        return bytes(damaged)

    def edit(parts):
        name = rng.choice([n for n in parts if n.endswith((".xml", ".rels"))])
        content = parts[name]
        position = rng.randrange(len(content))
        parts[name] = [
            content[:position],
            content[:position] + b"<" + content[position:],
            content[:position] + content[position + rng.randrange(1, 40) :],
        ][seed % 3]

    return office_files.rewrite_zip(data, edit)


@pytest.mark.parametrize("name", ["公示.docx", "页眉批注.xlsx", "图片与嵌入.docx"])
def test_damaged_files_raise_only_masking_error(name):
    for seed in range(24):
        data = _mutations(FILES[name].data, seed)
        try:
            result = mask_file(name, data)
        except MaskingError as error:
            assert error.reason in {"corrupt", "embedded", "unverified"}, (seed, error.reason)
            continue
        assert scan_file(name, result.data) == [] or result.masked == [], seed


def test_an_error_in_the_callers_filter_is_not_blamed_on_the_file():
    def only(finding):
        raise KeyError("bug")

    for name in ("公示.docx", "说明.txt", "正文.html"):
        with pytest.raises(KeyError):
            mask_file(name, FILES[name].data, only=only)
