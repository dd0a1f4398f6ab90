"""True redaction of personal data in PDF attachments, on real generated PDFs.

Every masked number is looked for again, independently of the module: in the text that
pypdfium2 and PyMuPDF extract, and in every object and decompressed stream of the file.
"""

import io
import random
import re

import pymupdf
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw

from gongkai.core.pii import FindingKind, pdfredact, scan_file
from gongkai.core.pii.masking import MaskingError
from gongkai.core.pii.pdfredact import mask_pdf
from gongkai.core.tests import office_files
from gongkai.core.tests import pii_corpus as corpus

ID_A = "110105199003070025"
ID_B = "110101199001011237"
ID_X = next(
    n for n in (corpus.resident_id(random.Random(i)) for i in range(200)) if n.endswith("X")
)
MOBILE_A = "13812345678"
MOBILE_B = "13912345678"
MOBILE_C = "15912345678"
MOBILE_D = "18600001234"
MOBILE_E = "13700001111"
CARD = corpus.luhn_complete("622202123456789012")  # 19 digits
CARD_16 = corpus.luhn_complete("436742012345678")
FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
KEEP = ("毕人社发〔2019〕12号", "2019年3月1日", "12,345.67元", "0857-8221234")

STYLE = """
@page { size: A4; margin: 2cm }
body { font-family: 'Noto Sans CJK SC', sans-serif; font-size: 11pt; line-height: 1.4 }
td, th { border: 1px solid #000; padding: 2pt 4pt }
table { border-collapse: collapse }
"""


def weasy_pdf(body: str, style: str = STYLE) -> bytes:
    from weasyprint import HTML

    html = f"<html><head><style>{style}</style></head><body>{body}</body></html>"
    return HTML(string=html).write_pdf()


def notice_pdf() -> bytes:
    """Two pages of a Chinese notice with numbers in every usual form and in a table."""
    spaced = f"{MOBILE_B[:3]} {MOBILE_B[3:7]} {MOBILE_B[7:]}"
    card = " ".join(CARD[i : i + 4] for i in range(0, len(CARD), 4))
    return weasy_pdf(
        f"""
        <h1>毕节市人力资源和社会保障局</h1>
        <p>{KEEP[0]}</p>
        <p>申请人张三，身份证号{ID_A}，联系电话{MOBILE_A}，于{KEEP[1]}提交，金额{KEEP[2]}。</p>
        <p>另一号码：{spaced}；全角：{MOBILE_C.translate(FULLWIDTH)}；办公电话{KEEP[3]}。</p>
        <p>银行卡：{card}。</p>
        <p>分开写：<span>{ID_X[:10]}</span><b>{ID_X[10:]}</b>。</p>
        <table><tr><th>姓名</th><th>证件号码</th><th>手机</th></tr>
        <tr><td>李四</td><td>{ID_B}</td><td>{MOBILE_D[:3]}-{MOBILE_D[3:7]}-{MOBILE_D[7:]}</td></tr>
        </table>
        <p style="page-break-before: always">第二页：赵六，身份证 {ID_A}，电话 {MOBILE_E}。</p>
        <p>附：{KEEP[0]}。</p>
        """
    )


NOTICE_NUMBERS = {ID_A, ID_B, ID_X, MOBILE_A, MOBILE_B, MOBILE_C, MOBILE_D, MOBILE_E, CARD}


def flat(text: str) -> str:
    text = text.translate(str.maketrans("０１２３４５６７８９Ｘｘx", "0123456789XXX"))
    return re.sub(r"[\s\-\u2010-\u2015\u2212\uff0d\u3000]", "", text).upper()


def pdfium_texts(data: bytes) -> list[str]:
    document = pdfium.PdfDocument(data)
    try:
        return [document[i].get_textpage().get_text_bounded() for i in range(len(document))]
    finally:
        document.close()


def mupdf_texts(data: bytes) -> list[str]:
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        return [page.get_text(flags=0, clip=pymupdf.INFINITE_RECT()) for page in doc]


def raw_pieces(data: bytes) -> list[bytes]:
    """Every object's source and every decompressed stream, and the file itself."""
    pieces = [data]
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        for xref in range(1, doc.xref_length()):
            pieces.append(doc.xref_object(xref).encode("latin-1", "replace"))
            if doc.xref_is_stream(xref):
                pieces.append(doc.xref_stream(xref) or b"")
        pieces.append(doc.pdf_trailer().encode("latin-1", "replace"))
    return pieces


def encodings(number: str) -> list[bytes]:
    """How the digits of a number can sit in a PDF's bytes: ASCII, UTF-16, hex strings."""
    forms = [number.encode(), number.encode("utf-16-be"), number.encode("utf-16-le")]
    forms.append(number.encode().hex().encode())
    forms.append(number.encode().hex().upper().encode())
    forms.append(number.encode("utf-16-be").hex().upper().encode())
    forms.append(number.translate(FULLWIDTH).encode("utf-16-be"))
    return forms


def leftovers(data: bytes, numbers: set[str]) -> list[str]:
    """Where any of ``numbers`` can still be found in a PDF."""
    found = []
    for label, texts in (("pdfium", pdfium_texts(data)), ("mupdf", mupdf_texts(data))):
        for page, text in enumerate(texts, start=1):
            found += [f"{label} page {page}: {n}" for n in numbers if n in flat(text)]
    for piece in raw_pieces(data):
        for number in numbers:
            if any(form in piece for form in encodings(number)):
                found.append(f"raw bytes: {number}")
    return found


def page_count(data: bytes) -> int:
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        return doc.page_count


def masked_pdf(data: bytes, **kwargs) -> bytes:
    return mask_pdf("公示.pdf", data, **kwargs).data


# The main case: a real Chinese document.


def test_notice_every_number_is_gone_and_masked_forms_are_there():
    data = notice_pdf()
    before = scan_file("公示.pdf", data)
    assert {f.normalised for f in before} == NOTICE_NUMBERS  # the test's premise
    assert leftovers(data, NOTICE_NUMBERS)  # and the check sees them before masking

    result = mask_pdf("公示.pdf", data)

    assert leftovers(result.data, NOTICE_NUMBERS) == []
    assert scan_file("公示.pdf", result.data) == []
    assert page_count(result.data) == 2
    text = "".join(mupdf_texts(result.data))
    for finding in before:
        assert finding.masked in text
    assert sorted((f.normalised, f.location) for f in result.masked) == sorted(
        (f.normalised, f.location) for f in before
    )


def test_notice_other_text_is_untouched():
    data = notice_pdf()
    result = masked_pdf(data)
    for texts in (pdfium_texts(result), mupdf_texts(result)):
        joined = flat("".join(texts))
        for kept in (*KEEP, "毕节市人力资源和社会保障局", "申请人张三，身份证号", "姓名证件号码"):
            assert flat(kept) in joined
        assert "第二页：赵六，身份证" in flat(texts[1])
    # Each page keeps its own text.
    assert "第二页" in pdfium_texts(result)[1]
    assert "第二页" not in pdfium_texts(result)[0]


def test_only_masks_the_selected_numbers_and_leaves_the_others():
    data = notice_pdf()
    result = mask_pdf("公示.pdf", data, only=lambda f: f.kind == FindingKind.MOBILE)

    mobiles = {MOBILE_A, MOBILE_B, MOBILE_C, MOBILE_D, MOBILE_E}
    assert leftovers(result.data, mobiles) == []
    after = {(f.kind, f.normalised) for f in scan_file("公示.pdf", result.data)}
    assert after == {
        (FindingKind.RESIDENT_ID, ID_A),
        (FindingKind.RESIDENT_ID, ID_B),
        (FindingKind.RESIDENT_ID, ID_X),
        (FindingKind.BANK_CARD, CARD),
    }
    assert {f.normalised for f in result.masked} == mobiles


def test_a_number_selected_once_is_masked_wherever_it_occurs():
    data = notice_pdf()
    first_id_a = next(f for f in scan_file("公示.pdf", data) if f.normalised == ID_A)
    result = mask_pdf("公示.pdf", data, only=lambda f: f == first_id_a)
    assert leftovers(result.data, {ID_A}) == []
    assert [f.normalised for f in result.masked] == [ID_A, ID_A]  # pages 1 and 2
    assert {f.normalised for f in scan_file("公示.pdf", result.data)} == NOTICE_NUMBERS - {ID_A}


def test_nothing_selected_returns_the_file_unchanged():
    data = notice_pdf()
    result = mask_pdf("公示.pdf", data, only=lambda f: False)
    assert result.data == data
    assert result.masked == []


def test_tightly_set_lines_keep_their_neighbours():
    style = STYLE.replace("line-height: 1.4", "line-height: 1.0")
    lines = "".join(
        f"<p style='margin:0'>第{i}行 甲乙丙丁{ID_A if i == 2 else '戊己庚辛壬癸子丑寅卯辰巳'}午未申酉戌亥</p>"
        for i in range(1, 4)
    )
    data = weasy_pdf(lines, style)
    result = masked_pdf(data)
    assert leftovers(result, {ID_A}) == []
    text = flat(pdfium_texts(result)[0])
    assert "第1行甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥" in text
    assert "第3行甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥" in text
    assert "第2行甲乙丙丁午未申酉戌亥" in text  # the masked form is written after the rest
    assert "110105********0025" in text


def test_a_number_broken_across_lines_is_masked_with_its_other_occurrences():
    # The scanner does not join digits across a line break, but a number it found
    # elsewhere is masked wherever its digits stand, line breaks or not.
    narrow = STYLE + "p.narrow { width: 5.2em; word-break: break-all }"
    data = weasy_pdf(f"<p>电话{MOBILE_A}</p><p class='narrow'>联系{MOBILE_A}结束</p>", narrow)
    broken = pdfium_texts(data)[0].split("联系", 1)[1]
    assert "\n" in broken.split("结束")[0]  # the premise: the number is broken
    result = masked_pdf(data)
    assert leftovers(result, {MOBILE_A}) == []


# The simple generators of the other tests.


def test_office_files_pdf_without_personal_data_passes_unchanged():
    data = office_files.make_pdf()
    result = mask_pdf("通知.pdf", data)
    assert result.data == data
    assert result.masked == []


def test_office_files_pdf_with_a_comment_holding_a_number():
    # make_pdf's comment is an incremental update: the masked file is rewritten whole.
    data = office_files.make_pdf()
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        doc[0].add_text_annot((300, 300), f"请联系 {MOBILE_A}")
        data = doc.tobytes(incremental=False)
    result = mask_pdf("通知.pdf", data)
    assert leftovers(result.data, {MOBILE_A}) == []
    with pymupdf.open(stream=result.data, filetype="pdf") as doc:
        comments = [a.info["content"] for a in doc[0].annots()]
    assert all(MOBILE_A not in c for c in comments)
    assert office_files.PDF_TEXT in mupdf_texts(result.data)[0]


def test_corpus_pdf_in_helvetica_every_planted_number_is_gone():
    corpus_file = next(f for f in corpus.build_corpus() if f.name.endswith(".pdf"))
    planted = {p.normalised for p in corpus_file.planted}
    assert leftovers(corpus_file.data, planted)
    result = mask_pdf(corpus_file.name, corpus_file.data)
    assert leftovers(result.data, planted) == []
    assert len(result.masked) == len(corpus_file.planted)
    text = flat("".join(pdfium_texts(result.data)))
    for negative in corpus.FIXED_NEGATIVES:
        if negative.isascii():
            assert flat(negative) in text, negative


def test_raw_pdf_with_kerning_font_changes_and_spaces():
    # [(138) -40 (1234)] TJ, a font change in the middle of an ID, and spaced groups.
    data = corpus.pdf_bytes([["placeholder"]])
    stream = (
        "BT /F1 10 Tf 50 800 Td [(Tel ) (138) -40 (12) 30 (34) (5678) ( ok)] TJ ET "
        f"BT /F1 10 Tf 50 780 Td (ID {ID_A[:9]}) Tj /F2 10 Tf ({ID_A[9:]}) Tj /F1 10 Tf ( end) Tj ET "
        f"BT /F1 10 Tf 50 760 Td (Card {CARD_16[:4]} {CARD_16[4:8]} {CARD_16[8:12]} "
        f"{CARD_16[12:]} and 2019-05-24) Tj ET"
    )
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        page = doc[0]
        font = doc.get_new_xref()
        doc.update_object(font, "<</Type/Font/Subtype/Type1/BaseFont/Courier>>")
        resources = page.xref  # the page's /Resources is inline
        doc.xref_set_key(resources, "Resources/Font/F2", f"{font} 0 R")
        doc.update_stream(page.get_contents()[0], stream.encode())
        data = doc.tobytes()
    numbers = {MOBILE_A, ID_A, CARD_16}
    assert {f.normalised for f in scan_file("a.pdf", data)} == numbers
    result = masked_pdf(data)
    assert leftovers(result, numbers) == []
    text = pdfium_texts(result)[0]
    assert "Tel" in text and "ok" in text and "end" in text and "2019-05-24" in text


def test_old_revisions_and_unreferenced_objects_do_not_survive(tmp_path):
    doc = plain_pdf_with(text=f"Tel {MOBILE_A}")
    orphan = doc.get_new_xref()  # referenced by nothing, as an edited-out draft would be
    doc.update_object(orphan, f"<</Note <FEFF{MOBILE_A.encode('utf-16-be').hex()}>>>")
    path = tmp_path / "a.pdf"
    doc.save(path)
    with pymupdf.open(path) as revised:  # a second revision, appended to the first
        revised[0].insert_text((72, 300), "Revised", fontsize=12)
        revised.saveIncr()
    data = path.read_bytes()
    assert data.count(b"%%EOF") == 2
    orphan_form = MOBILE_A.encode("utf-16-be").hex().upper().encode()
    assert orphan_form in data
    result = mask_pdf("a.pdf", data)
    assert leftovers(result.data, {MOBILE_A}) == []
    assert "Revised" in pdfium_texts(result.data)[0]


LEAKS = {
    "ascii": b"BT (Tel 13812345678) Tj ET",
    "separated": b"BT (Tel 138 1234-5678) Tj ET",
    "hex": b"BT <54656c20" + MOBILE_A.encode().hex().encode() + b"> Tj ET",
    "utf-16": b"<</T (\xfe\xff" + MOBILE_A.encode("utf-16-be") + b")>>",
    "full-width utf-8": "<x>１３８１２３４５６７８</x>".encode(),
    "full-width utf-16": "<x>１３８１２３４５６７８</x>".encode("utf-16-le"),
}


@pytest.mark.parametrize("raw", LEAKS.values(), ids=LEAKS.keys())
def test_the_leak_search_reads_the_usual_encodings(raw):
    assert pdfredact._raw_leaks(raw, pdfredact._NumberSet({MOBILE_A}))
    assert not pdfredact._raw_leaks(raw, pdfredact._NumberSet({MOBILE_B}))


def test_the_leak_search_does_not_join_coordinates():
    stream = b"1 0 0 1 138.12 345.678 cm 13 812 345 678 re f BT <0013001400150016> Tj ET"
    assert not pdfredact._raw_leaks(stream, pdfredact._NumberSet({MOBILE_A}))


# What else in a PDF can carry a number.


def plain_pdf_with(*, text: str = "Public notice 2019") -> pymupdf.Document:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), text, fontsize=12)
    return doc


def test_a_comment_with_a_number_is_removed():
    doc = plain_pdf_with(text=f"Tel {MOBILE_A}")
    doc[0].add_text_annot((200, 200), f"checked, ID {ID_A}")
    doc[0].add_freetext_annot(pymupdf.Rect(72, 300, 300, 340), f"call {MOBILE_A}")
    data = doc.tobytes()
    result = mask_pdf("a.pdf", data)
    assert leftovers(result.data, {MOBILE_A, ID_A}) == []
    with pymupdf.open(stream=result.data, filetype="pdf") as out:
        assert list(out[0].annots()) == []
    # The ID was only in a comment: it was never shown, so it is masked and reported,
    # with the comment's place (not a page's text) as its location.
    (page_text,) = scan_file("a.pdf", data)
    assert [f.normalised for f in result.masked] == [MOBILE_A, ID_A, MOBILE_A]
    assert result.masked[0].location == page_text.location
    assert result.masked[1].location == result.masked[2].location != page_text.location
    assert "a.pdf" in result.masked[1].location


def test_a_comment_with_a_waived_number_stays():
    doc = plain_pdf_with(text=f"Tel {MOBILE_A} office {MOBILE_B}")
    doc[0].add_text_annot((200, 200), f"office line {MOBILE_B}")
    data = doc.tobytes()
    result = mask_pdf("a.pdf", data, only=lambda f: f.normalised == MOBILE_A)
    with pymupdf.open(stream=result.data, filetype="pdf") as out:
        assert [a.info["content"] for a in out[0].annots()] == [f"office line {MOBILE_B}"]
    assert MOBILE_B in flat(pdfium_texts(result.data)[0])


def test_a_form_field_value_is_masked_and_redrawn():
    doc = plain_pdf_with(text=f"Applicant ID {ID_A}")
    widget = pymupdf.Widget()
    widget.field_type = pymupdf.PDF_WIDGET_TYPE_TEXT
    widget.field_name = "id_number"
    widget.field_value = ID_A
    widget.rect = pymupdf.Rect(72, 200, 300, 220)
    doc[0].add_widget(widget)
    data = doc.tobytes()
    result = mask_pdf("a.pdf", data)
    assert leftovers(result.data, {ID_A}) == []
    with pymupdf.open(stream=result.data, filetype="pdf") as out:
        (field,) = out[0].widgets()
        assert field.field_value == "110105********0025"
        assert field.field_name == "id_number"


def test_xfa_form_data_with_a_number_is_dropped_and_the_fields_kept():
    doc = plain_pdf_with(text=f"Tel {MOBILE_A}")
    widget = pymupdf.Widget()
    widget.field_type = pymupdf.PDF_WIDGET_TYPE_TEXT
    widget.field_name = "phone"
    widget.field_value = "office"
    widget.rect = pymupdf.Rect(72, 200, 300, 220)
    doc[0].add_widget(widget)
    datasets = doc.get_new_xref()
    doc.update_object(datasets, "<<>>")
    xml = f"<xfa:datasets xmlns:xfa='http://www.xfa.org/schema/xfa-data/1.0/'><phone>{MOBILE_A}</phone></xfa:datasets>"
    doc.update_stream(datasets, xml.encode())
    doc.xref_set_key(doc.pdf_catalog(), "AcroForm/XFA", f"[(datasets) {datasets} 0 R]")
    result = mask_pdf("a.pdf", doc.tobytes())
    assert leftovers(result.data, {MOBILE_A}) == []
    with pymupdf.open(stream=result.data, filetype="pdf") as out:
        assert out.xref_get_key(out.pdf_catalog(), "AcroForm/XFA")[0] == "null"
        assert [w.field_name for w in out[0].widgets()] == ["phone"]


def test_bookmarks_properties_xmp_and_links_are_masked():
    doc = plain_pdf_with(text=f"Tel {MOBILE_A}")
    doc.set_toc([[1, f"联系人 {MOBILE_A}", 1]])
    doc.set_metadata({"author": f"张三 {MOBILE_A}", "title": "公示"})
    doc.set_xml_metadata(f"<x:xmpmeta xmlns:x='adobe:ns:meta/'>{MOBILE_A}</x:xmpmeta>")
    # (A link lying over a redacted number is removed with it; this one lies elsewhere.)
    doc[0].insert_link(
        {
            "kind": pymupdf.LINK_URI,
            "from": pymupdf.Rect(72, 200, 200, 215),
            "uri": f"tel:{MOBILE_A}",
        }
    )
    data = doc.tobytes()
    result = mask_pdf("a.pdf", data)
    assert leftovers(result.data, {MOBILE_A}) == []
    with pymupdf.open(stream=result.data, filetype="pdf") as out:
        assert out.get_toc()[0][1] == "联系人 138****5678"
        assert out.metadata["author"] == "张三 138****5678"
        assert out.metadata["title"] == "公示"
        assert out[0].get_links()[0]["uri"] == "tel:138****5678"


def test_a_number_only_in_a_bookmark_is_masked_too():
    doc = plain_pdf_with()
    doc.set_toc([[1, f"ID {ID_A}", 1]])
    result = mask_pdf("a.pdf", doc.tobytes())
    assert leftovers(result.data, {ID_A}) == []
    assert [f.normalised for f in result.masked] == [ID_A]


def test_an_embedded_file_with_personal_data_is_refused():
    doc = plain_pdf_with(text=f"Tel {MOBILE_A}")
    doc.embfile_add("名单.csv", f"姓名,身份证\n张三,{ID_A}\n".encode(), filename="名单.csv")
    with pytest.raises(MaskingError) as error:
        mask_pdf("a.pdf", doc.tobytes())
    assert error.value.reason == "embedded"
    assert "名单.csv" in str(error.value)


def test_an_embedded_file_that_cannot_be_read_is_refused():
    doc = plain_pdf_with(text=f"Tel {MOBILE_A}")
    doc.embfile_add("data.bin", b"\x00\x01\x02", filename="data.bin")
    with pytest.raises(MaskingError) as error:
        mask_pdf("a.pdf", doc.tobytes())
    assert error.value.reason == "embedded"


def test_a_clean_embedded_file_is_kept():
    doc = plain_pdf_with(text=f"Tel {MOBILE_A}")
    doc.embfile_add("说明.txt", "本通知自印发之日起施行。".encode(), filename="说明.txt")
    result = mask_pdf("a.pdf", doc.tobytes())
    with pymupdf.open(stream=result.data, filetype="pdf") as out:
        assert out.embfile_count() == 1
    assert leftovers(result.data, {MOBILE_A}) == []


def test_unapplied_redaction_marks_are_refused():
    doc = plain_pdf_with(text=f"Tel {MOBILE_A}")
    doc[0].add_redact_annot(pymupdf.Rect(72, 80, 200, 110))
    with pytest.raises(MaskingError) as error:
        mask_pdf("a.pdf", doc.tobytes())
    assert error.value.reason == "unsupported"


# Pages and text laid out differently.


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_a_rotated_page(rotation):
    doc = plain_pdf_with(text=f"Tel {MOBILE_A} end")
    doc[0].set_rotation(rotation)
    result = mask_pdf("a.pdf", doc.tobytes())
    assert leftovers(result.data, {MOBILE_A}) == []
    text = pdfium_texts(result.data)[0]
    assert "Tel" in text and "end" in text and "138****5678" in text


@pytest.mark.parametrize("turn", [90, 180, 270, -30])
def test_text_written_in_other_directions(turn):
    doc = pymupdf.open()
    page = doc.new_page()
    origin = pymupdf.Point(300, 400)
    if turn % 90:
        page.insert_text(origin, f"ID {ID_A} ok", fontsize=12, morph=(origin, pymupdf.Matrix(turn)))
    else:
        page.insert_text(origin, f"ID {ID_A} ok", fontsize=12, rotate=turn)
    page.insert_text((72, 100), "Heading", fontsize=12)
    before = [line["dir"] for line in page.get_text("dict")["blocks"][0]["lines"]]
    result = mask_pdf("a.pdf", doc.tobytes())
    assert leftovers(result.data, {ID_A}) == []
    with pymupdf.open(stream=result.data, filetype="pdf") as out:
        lines = [
            (line["dir"], "".join(span["text"] for span in line["spans"]))
            for block in out[0].get_text("dict")["blocks"]
            for line in block["lines"]
        ]
    # The masked form runs the way the number did.
    (direction,) = [d for d, text in lines if text == "110105********0025"]
    assert direction == pytest.approx(before[0], abs=1e-3)


def test_a_form_xobject_shown_on_two_pages():
    source = pymupdf.open()
    source.new_page(width=300, height=100).insert_text((10, 50), f"Stamp {MOBILE_A} x", fontsize=12)
    doc = pymupdf.open()
    for _ in range(2):
        page = doc.new_page()
        page.show_pdf_page(pymupdf.Rect(50, 50, 350, 150), source, 0)
    data = doc.tobytes(garbage=4)
    assert len(scan_file("a.pdf", data)) == 2
    result = mask_pdf("a.pdf", data)
    assert leftovers(result.data, {MOBILE_A}) == []
    assert all("Stamp" in t for t in pdfium_texts(result.data))


def test_hidden_text_without_an_image_is_redacted():
    doc = plain_pdf_with(text="Visible heading")
    doc[0].insert_text((72, 300), f"hidden {ID_A}", fontsize=12, render_mode=3)
    result = mask_pdf("a.pdf", doc.tobytes())
    assert leftovers(result.data, {ID_A}) == []


@pytest.mark.parametrize("indirect", [False, True])
def test_a_hidden_layer_is_redacted_and_stays_hidden(indirect):
    doc = plain_pdf_with(text=f"Tel {MOBILE_A}")
    layer = doc.add_ocg("内部", on=False)
    doc[0].insert_text((72, 200), f"draft {MOBILE_A} / {ID_A}", fontsize=12, oc=layer)
    if indirect:  # /OCProperties and its /D as objects of their own
        catalog = doc.pdf_catalog()
        properties, config = doc.get_new_xref(), doc.get_new_xref()
        doc.update_object(config, doc.xref_get_key(catalog, "OCProperties/D")[1])
        doc.update_object(properties, doc.xref_get_key(catalog, "OCProperties")[1])
        doc.xref_set_key(properties, "D", f"{config} 0 R")
        doc.xref_set_key(catalog, "OCProperties", f"{properties} 0 R")
    data = doc.tobytes()
    assert {f.normalised for f in scan_file("a.pdf", data)} == {MOBILE_A, ID_A}
    result = mask_pdf("a.pdf", data)
    assert leftovers(result.data, {MOBILE_A, ID_A}) == []
    with pymupdf.open(stream=result.data, filetype="pdf") as out:
        assert out.get_layer()["off"] == list(out.get_ocgs())


def test_text_outside_the_page_is_redacted_too():
    # Cropped away or beyond the page: pypdfium2 does not read it, but it is in the file.
    doc = plain_pdf_with(text=f"Tel {MOBILE_A}")
    doc[0].insert_text((72, 700), f"cropped {MOBILE_A}", fontsize=12)
    doc[0].insert_text((700, 100), f"beyond {MOBILE_B}", fontsize=12)
    doc[0].set_cropbox(pymupdf.Rect(0, 0, 595, 400))
    data = doc.tobytes()
    assert [f.normalised for f in scan_file("a.pdf", data)] == [MOBILE_A]
    result = mask_pdf("a.pdf", data)
    assert leftovers(result.data, {MOBILE_A, MOBILE_B}) == []
    assert [f.normalised for f in result.masked] == [MOBILE_A, MOBILE_B]
    with pymupdf.open(stream=result.data, filetype="pdf") as out:
        everything = out[0].get_text(flags=0, clip=pymupdf.INFINITE_RECT())
    assert "cropped" in everything and "beyond" in everything


def test_actual_text_is_redacted_with_its_glyphs():
    doc = plain_pdf_with()
    stream = (
        "BT /helv 12 Tf 72 300 Td /Span <</ActualText <FEFF"
        + MOBILE_A.encode("utf-16-be").hex()
        + ">>> BDC (xxxxxxxxxxx) Tj EMC ET"
    )
    xref = doc.get_new_xref()
    doc.update_object(xref, "<<>>")
    doc.update_stream(xref, stream.encode())
    contents = doc[0].get_contents()
    doc.xref_set_key(
        doc[0].xref, "Contents", "[" + " ".join(f"{x} 0 R" for x in [*contents, xref]) + "]"
    )
    data = doc.tobytes()
    assert [f.normalised for f in scan_file("a.pdf", data)] == [MOBILE_A]
    result = mask_pdf("a.pdf", data)
    assert leftovers(result.data, {MOBILE_A}) == []


def number_image(text: str) -> bytes:
    image = Image.new("RGB", (800, 120), (255, 255, 255))
    ImageDraw.Draw(image).text((10, 40), text, fill=(0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_a_scanned_page_without_text_has_no_findings_and_passes_unchanged():
    # The scanner cannot see numbers in pictures: a scan without a text layer has none.
    doc = pymupdf.open()
    doc.new_page().insert_image(pymupdf.Rect(50, 50, 550, 125), stream=number_image(ID_A))
    data = doc.tobytes()
    assert scan_file("扫描件.pdf", data) == []
    result = mask_pdf("扫描件.pdf", data)
    assert result.data == data
    assert result.masked == []


def test_a_scan_with_a_hidden_text_layer_is_refused():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_image(pymupdf.Rect(50, 50, 550, 125), stream=number_image(f"ID {ID_A}"))
    page.insert_text((56, 100), f"ID {ID_A}", fontsize=14, render_mode=3)
    with pytest.raises(MaskingError) as error:
        mask_pdf("扫描件.pdf", doc.tobytes())
    assert error.value.reason == "unsupported"
    assert "1" in str(error.value)  # the page


def test_text_painted_under_an_image_is_refused():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((56, 100), f"ID {ID_A}", fontsize=14)
    page.insert_image(pymupdf.Rect(50, 50, 550, 125), stream=number_image(f"ID {ID_A}"))
    with pytest.raises(MaskingError) as error:
        mask_pdf("扫描件.pdf", doc.tobytes())
    assert error.value.reason == "unsupported"


def test_text_under_a_see_through_watermark_is_redacted():
    watermark = Image.new("RGBA", (400, 100), (200, 0, 0, 60))
    ImageDraw.Draw(watermark).text((10, 40), "内部资料", fill=(200, 0, 0, 90))
    out = io.BytesIO()
    watermark.save(out, "PNG")
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), f"ID {ID_A}", fontsize=12)
    page.insert_image(pymupdf.Rect(50, 50, 550, 150), stream=out.getvalue())
    result = mask_pdf("a.pdf", doc.tobytes())
    assert leftovers(result.data, {ID_A}) == []
    with pymupdf.open(stream=result.data, filetype="pdf") as out_doc:
        assert len(out_doc[0].get_images()) == 1


def test_text_over_a_background_image_is_redacted_and_the_image_kept():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_image(page.rect, stream=number_image("背景"))
    page.insert_text((72, 100), f"ID {ID_A}", fontsize=12)
    result = mask_pdf("a.pdf", doc.tobytes())
    assert leftovers(result.data, {ID_A}) == []
    with pymupdf.open(stream=result.data, filetype="pdf") as out:
        assert len(out[0].get_images()) == 1


# Files that cannot be masked.


def test_an_encrypted_pdf_is_refused():
    doc = plain_pdf_with(text=f"Tel {MOBILE_A}")
    data = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="o")
    with pytest.raises(MaskingError) as error:
        mask_pdf("a.pdf", data)
    assert error.value.reason == "encrypted"


def test_a_pdf_with_only_an_owner_password_is_refused():
    doc = plain_pdf_with(text=f"Tel {MOBILE_A}")
    data = doc.tobytes(
        encryption=pymupdf.PDF_ENCRYPT_AES_128, owner_pw="owner", permissions=pymupdf.PDF_PERM_PRINT
    )
    with pytest.raises(MaskingError) as error:
        mask_pdf("a.pdf", data)
    assert error.value.reason == "encrypted"


DAMAGED = {
    "garbage": lambda: b"%PDF-1.7\n" + b"\x00garbage" * 50,
    "truncated": lambda: notice_pdf()[:2000],
    "no pages": lambda: b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n",
    "empty": lambda: b"",
}


@pytest.mark.parametrize("make", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_pdf_is_refused(make):
    with pytest.raises(MaskingError) as error:
        mask_pdf("a.pdf", make())
    assert error.value.reason == "corrupt"


def test_a_renamed_file_is_refused():
    with pytest.raises(MaskingError) as error:
        mask_pdf("a.pdf", office_files.make_docx())
    assert error.value.reason == "corrupt"
    with pytest.raises(MaskingError) as error:
        mask_pdf("a.docx", notice_pdf())
    assert error.value.reason == "unsupported"


def test_a_redaction_that_does_nothing_fails_verification(monkeypatch):
    monkeypatch.setattr(pymupdf.Page, "apply_redactions", lambda page, **kwargs: True)
    with pytest.raises(MaskingError) as error:
        mask_pdf("公示.pdf", notice_pdf())
    assert error.value.reason == "unverified"
    assert "公示.pdf" in str(error.value)


def test_a_redaction_that_misses_one_copy_fails_verification(monkeypatch):
    # The second copy of a number (on page 2) is left in place by a broken locator.
    real = pdfredact._segments
    calls = []

    def first_only(span, masked):
        calls.append(masked)
        return real(span, masked) if len(calls) == 1 else []

    monkeypatch.setattr(pdfredact, "_segments", first_only)
    with pytest.raises(MaskingError) as error:
        mask_pdf("a.pdf", weasy_pdf(f"<p>{ID_A}</p><p style='page-break-before:always'>{ID_A}</p>"))
    assert error.value.reason == "unverified"


def test_over_redaction_is_refused(monkeypatch):
    # Removal rectangles the size of the page would take other text with them.
    monkeypatch.setattr(
        pdfredact, "_removal_rects", lambda segment, others: [pymupdf.Rect(0, 0, 595, 842)]
    )
    with pytest.raises(MaskingError) as error:
        mask_pdf("公示.pdf", notice_pdf())
    assert error.value.reason == "unverified"


def test_unexpected_errors_become_masking_errors(monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("MuPDF failed")

    monkeypatch.setattr(pymupdf.Page, "apply_redactions", boom)
    with pytest.raises(MaskingError) as error:
        mask_pdf("公示.pdf", notice_pdf())
    assert error.value.reason == "unverified"
