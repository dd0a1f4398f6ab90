"""A generated corpus for the personal-data scanner: planted numbers and hard negatives.

Everything is derived from a seed, so the corpus is the same on every run. Valid numbers
carry real check digits (GB 11643 for IDs, Luhn for cards); the hard negatives are the
ordinary numbers of a bureau's documents (文号, dates, amounts, 索引号, landlines, 统一社会
信用代码) and near-misses (wrong check digit, impossible birth date, one digit too many).
The files are real: .docx with a table, header, footer, comment and text box; .xlsx with a
hidden sheet; a two-page PDF; CSV in UTF-8 and GB18030; HTML with a link. Three more files
cover the places a tester found leaks in: a .docx with picture and shape alt text, a text
box stored twice, a number split over runs, deleted text, a footnote, a link and embedded
Word and Excel files; an .xlsx with shared rich-text strings, a number stored as a number and
as a formula result, headers and footers with their codes, comments and threaded comments,
an inline string, a tooltip and a link; HTML with numbers split by inline tags, in
attributes and in comments, next to numbers split by block boundaries (which are not one
number).
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from gongkai.core.pii.scanner import (
    FindingKind,
    credit_code_valid,
    id_check_digit,
    luhn_valid,
)

SEED = 20190524
REGIONS = ("110101", "110105", "310104", "440305", "520502", "520521", "520102", "330106")
CARD_PREFIXES = ("622202", "622848", "621700", "625965", "436742", "552599", "6212", "4")
_FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@dataclass(frozen=True)
class Planted:
    """A valid number planted in the corpus, in one written form."""

    kind: FindingKind
    normalised: str
    form: str
    written: str


@dataclass
class CorpusFile:
    """A generated file and what was planted in it."""

    name: str
    data: bytes
    planted: list[Planted] = field(default_factory=list)


def birth_date(
    rng: random.Random, start: date = date(1935, 1, 1), end: date = date(2008, 12, 31)
) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def resident_id(rng: random.Random, born: date | None = None) -> str:
    """A valid 18-digit resident ID number with a real region code and check digit."""
    born = born or birth_date(rng)
    first17 = f"{rng.choice(REGIONS)}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + id_check_digit(first17)


def old_resident_id(rng: random.Random) -> str:
    """A valid 15-digit resident ID number (region, YYMMDD, sequence)."""
    born = birth_date(rng, end=date(1999, 12, 31))
    return f"{rng.choice(REGIONS)}{born:%y%m%d}{rng.randrange(1000):03d}"


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def luhn_complete(partial: str) -> str:
    """``partial`` followed by the digit that makes it pass Luhn."""
    for digit in "0123456789":
        if luhn_valid(partial + digit):
            return partial + digit
    raise AssertionError("unreachable")


def bank_card(rng: random.Random, length: int | None = None) -> str:
    length = length or rng.choice((16, 16, 19, 19, 17, 18))
    prefix = rng.choice(CARD_PREFIXES)
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
    return luhn_complete(body)


def credit_code(rng: random.Random, *, digits_only: bool = False) -> str:
    """A 统一社会信用代码 with a valid GB 32100 check character."""
    alphabet = "0123456789" if digits_only else _CREDIT_CHARS
    first17 = rng.choice("159") + rng.choice("123") + rng.choice(REGIONS)
    first17 += "".join(rng.choice(alphabet) for _ in range(9))
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    code = first17 + _CREDIT_CHARS[(31 - total % 31) % 31]
    assert credit_code_valid(code)
    return code


GROUPINGS = {
    (FindingKind.RESIDENT_ID, 18): ((6, 8, 4), (6, 4, 4, 4)),
    (FindingKind.RESIDENT_ID, 15): ((6, 6, 3),),
    (FindingKind.MOBILE, 11): ((3, 4, 4), (3, 3, 5)),
}


def _grouped(number: str, kind: FindingKind, alternative: int = 0) -> list[str]:
    groupings = GROUPINGS.get((kind, len(number)))
    if groupings is None:  # cards: groups of four
        return [number[i : i + 4] for i in range(0, len(number), 4)]
    sizes, parts, position = groupings[alternative % len(groupings)], [], 0
    for size in sizes:
        parts.append(number[position : position + size])
        position += size
    return parts


STYLES = (
    "plain",
    "spaced",
    "spaced_alt",
    "hyphenated",
    "fullwidth",
    "fullwidth_spaced",
    "fullwidth_hyphenated",
    "en_dash",
    "em_dash",
)
ASCII_STYLES = ("plain", "spaced", "spaced_alt", "hyphenated")
# Only mobiles are written like this: 151.2702.3097, 151 270 23097.
MOBILE_STYLES = ("dotted", "fullwidth_dotted", "spaced_alt", "fullwidth_spaced_alt")
ASCII_MOBILE_STYLES = ("dotted", "spaced_alt")


def written(number: str, kind: FindingKind, style: str) -> str:
    """``number`` written in one of STYLES (full-width digits, spaces, dashes)."""
    alternative = 1 if style.endswith("_alt") else 0
    groups = _grouped(number, kind, alternative)
    separator = {
        "plain": "",
        "spaced": " ",
        "spaced_alt": " ",
        "hyphenated": "-",
        "fullwidth": "",
        "fullwidth_spaced": "\u3000",
        "fullwidth_spaced_alt": "\u3000",
        "fullwidth_hyphenated": "－",
        "en_dash": "–",
        "em_dash": "—",
        "dotted": ".",
        "fullwidth_dotted": "．",
    }[style]
    text = separator.join(groups)
    if style.startswith("fullwidth"):
        text = text.translate(_FULLWIDTH)
    return text


def plant(rng: random.Random, kind: FindingKind, style: str) -> Planted:
    number = {
        FindingKind.RESIDENT_ID: lambda: (
            resident_id(rng) if rng.random() < 0.8 else old_resident_id(rng)
        ),
        FindingKind.MOBILE: lambda: mobile(rng),
        FindingKind.BANK_CARD: lambda: bank_card(rng),
    }[kind]()
    return Planted(kind, number, style, written(number, kind, style))


def positives(
    rng: random.Random,
    styles: tuple[str, ...] = STYLES,
    mobile_styles: tuple[str, ...] = MOBILE_STYLES,
) -> list[Planted]:
    """One planted number of each kind in each style, plus prefixed and X-final forms and
    mobiles in their own styles (dotted, 3-3-5)."""
    planted = [plant(rng, kind, style) for kind in FindingKind for style in styles]
    planted += [plant(rng, FindingKind.MOBILE, style) for style in mobile_styles]
    while True:  # an ID ending in X, in lower case too
        number = resident_id(rng)
        if number.endswith("X"):
            break
    planted.append(Planted(FindingKind.RESIDENT_ID, number, "x_final", number))
    planted.append(Planted(FindingKind.RESIDENT_ID, number, "x_lower", number.replace("X", "x")))
    number = mobile(rng)
    planted.append(Planted(FindingKind.MOBILE, "86" + number, "country_code", "+86" + number))
    planted.append(Planted(FindingKind.MOBILE, "0086" + number, "country_code", "0086" + number))
    return planted


FIXED_NEGATIVES = (
    "毕人社发〔2019〕12号",
    "国办发〔2019〕14号",
    "黔人社厅发〔2019〕135号",
    "2019年5月24日",
    "20190524",
    "2019-05-24",
    "2019/05/24 14:30:00",
    "12345678.90元",
    "1,234,567元",
    "金额13912345678.50元",
    "MB1C12345/2019-00012",
    "000014349/2019-00087",
    "0857-8221234",
    "(0857)8221234",
    "（0857）8221234",
    "0857 8221234",
    "08578221234",
    "010-12345678",
    "400-123-4567",
    "邮编551700",
    "91520500MA6DXXXX0X",
    "12812345678",
    "138123456789",
    "1381234567",
    "第1381234567号",
    # Dots and spaces: only 151.2702.3097 and 151 270 23097 are mobiles.
    "151.27",
    "单价151.27元",
    "192.168.100.123",
    "IP 10.151.2702.3097",
    "v2.151.2702.3097",
    "151.2702.3097.1",
    "151.2702.30971",
    "138.12345678",
    "1381234.5678",
    "1.5127023097E10",
    "3.1415926535",
    "版本号 10.0.19041.1110",
    "2019.05.24",
    "２０１９．０５．２４",
    "0857.822.1234",
    "151-270-23097",
    "151 270 23097 8",
    "151 270 2309",
    "毕人社发〔2019〕151号 第2702页",
)


def hard_negatives(rng: random.Random, count: int = 10) -> list[str]:
    """Ordinary numbers and near-misses that must not be flagged."""
    negatives = list(FIXED_NEGATIVES)
    for _ in range(count):
        valid = resident_id(rng)
        wrong = next(c for c in "0123456789X" if c != valid[-1])
        negatives.append(valid[:17] + wrong)  # wrong check digit
        for impossible in ("19900230", "19901301", "18990101", "20990101", "19900000"):
            first17 = valid[:6] + impossible + valid[14:17]
            negatives.append(first17 + id_check_digit(first17))
        # One digit too many: not an ID, and (failing Luhn) not a card either.
        negatives.append(next(valid + d for d in "0123456789" if not luhn_valid(valid + d)))
        card = bank_card(rng, 16)
        negatives.append(card[:-1] + str((int(card[-1]) + 1) % 10))  # fails Luhn
        negatives.append(credit_code(rng))
        negatives.append(credit_code(rng, digits_only=True))
        negatives.append(f"{rng.randrange(1, 10**6)}.{rng.randrange(100):02d}元")
    return negatives


def sentence(item: Planted) -> str:
    label = {
        FindingKind.RESIDENT_ID: "身份证号码",
        FindingKind.MOBILE: "联系电话",
        FindingKind.BANK_CARD: "银行卡号",
    }[item.kind]
    return f"{label}：{item.written}。"


def html_document(planted: list[Planted], negatives: list[str]) -> str:
    rows = "".join(
        f"<tr><td>{i + 1}</td><td>{p.written}</td></tr>" for i, p in enumerate(planted[1:])
    )
    text = "".join(f"<p>{n}</p>" for n in negatives)
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>公示</title></head><body>'
        f'<p>材料见<a href="https://www.example.gov.cn/files/{planted[0].written}.pdf">附件</a>。</p>'
        f"<table>{rows}</table>{text}</body></html>"
    )


def docx_bytes(
    body: list[Planted],
    table: list[Planted],
    header: Planted,
    footer: Planted,
    comment: Planted,
    textbox: Planted,
    negatives: list[str],
) -> bytes:
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    document.add_heading("关于某某事项的公示", level=1)
    for item in body:
        document.add_paragraph(sentence(item))
    for negative in negatives:
        document.add_paragraph(f"依据{negative}办理。")
    grid = document.add_table(rows=len(table) + 1, cols=3)
    for column, title in enumerate(("序号", "姓名", "号码")):
        grid.cell(0, column).text = title
    for row, item in enumerate(table, start=1):
        grid.cell(row, 0).text = str(row)
        grid.cell(row, 1).text = "张三"
        grid.cell(row, 2).text = item.written
    section = document.sections[0]
    section.header.paragraphs[0].text = f"联系人 {header.written}"
    section.footer.paragraphs[0].text = f"监督电话 0857-8221234 {footer.written}"
    paragraph = document.add_paragraph()
    run = paragraph.add_run("请核对。")
    document.add_comment(run, text=f"核对：{comment.written}", author="审核人")
    box = parse_xml(
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><w:pict>'
        '<v:shape id="box1" type="#_x0000_t202" style="width:200pt;height:40pt"><v:textbox>'
        f"<w:txbxContent><w:p><w:r><w:t>{textbox.written}</w:t></w:r></w:p></w:txbxContent>"
        "</v:textbox></v:shape></w:pict></w:r>"
    )
    document.add_paragraph()._p.append(box)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes(visible: list[Planted], hidden: list[Planted], negatives: list[str]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "公示"
    sheet.append(["序号", "姓名", "号码", "备注"])
    for i, item in enumerate(visible, start=1):
        # A plain mobile is stored as a number, as it happens when typed into Excel.
        value = (
            int(item.written)
            if item.kind == FindingKind.MOBILE and item.form == "plain"
            else item.written
        )
        sheet.append([i, "李四", value, negatives[i % len(negatives)]])
    secret = workbook.create_sheet("名单")
    secret.sheet_state = "hidden"
    for item in hidden:
        secret.append(["王五", item.written])
    for negative in negatives:
        secret.append([negative])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def pdf_bytes(pages: list[list[str]]) -> bytes:
    """A minimal PDF with real text in Helvetica, one list of ASCII lines per page."""
    objects: list[str] = []
    page_ids = [4 + 2 * i for i in range(len(pages))]
    objects.append("<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{i} 0 R" for i in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>")
    objects.append(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    for page_id, lines in zip(page_ids, pages, strict=True):
        shown = " T* ".join(f"{_pdf_string(line)} Tj" for line in lines)
        stream = f"BT /F1 10 Tf 14 TL 50 800 Td {shown} ET"
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {page_id + 1} 0 R >>"
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def _ascii(negatives: list[str]) -> list[str]:
    return [n for n in negatives if n.isascii()]


def build_corpus(seed: int = SEED) -> list[CorpusFile]:
    """Generate the corpus files in memory: name, bytes and what was planted in each."""
    rng = random.Random(seed)
    negatives = hard_negatives(rng)
    files: list[CorpusFile] = []

    planted = positives(rng)
    files.append(CorpusFile("正文.html", html_document(planted, negatives).encode(), planted))

    planted = positives(rng)
    body, rest = planted[: len(planted) // 2], planted[len(planted) // 2 :]
    header, footer, comment, textbox, *table = rest
    data = docx_bytes(body, table, header, footer, comment, textbox, negatives)
    files.append(CorpusFile("公示.docx", data, planted))

    planted = positives(rng)
    half = len(planted) // 2
    files.append(
        CorpusFile("名单.xlsx", xlsx_bytes(planted[:half], planted[half:], negatives), planted)
    )

    planted = positives(rng, ASCII_STYLES, ASCII_MOBILE_STYLES)
    half = len(planted) // 2
    ascii_negatives = _ascii(negatives)
    pages = [
        [f"Item {i}: {p.written}" for i, p in enumerate(planted[:half])] + ascii_negatives[:30],
        [f"No. {i} {p.written} checked" for i, p in enumerate(planted[half:])]
        + ascii_negatives[30:],
    ]
    files.append(CorpusFile("scan.pdf", pdf_bytes(pages), planted))

    planted = positives(rng)
    lines = ["序号,姓名,号码,备注"]
    lines += [
        f"{i},赵六,{p.written},{negatives[i % len(negatives)]}" for i, p in enumerate(planted)
    ]
    files.append(CorpusFile("名单-utf8.csv", "\n".join(lines).encode("utf-8"), planted))

    planted = positives(rng)
    lines = ["序号,姓名,号码"] + [f"{i},钱七,{p.written}" for i, p in enumerate(planted)]
    files.append(CorpusFile("名单-gbk.csv", "\r\n".join(lines).encode("gb18030"), planted))

    planted = positives(rng)
    text = "\n".join([sentence(p) for p in planted] + [f"参见{n}。" for n in negatives])
    files.append(CorpusFile("说明.txt", text.encode("utf-8"), planted))

    files.append(gap_docx(rng, negatives))
    files.append(gap_xlsx(rng, negatives))
    files.append(gap_html(rng, negatives))
    return files


def _draw(rng: random.Random, styles: tuple[str, ...] = (*ASCII_STYLES, "fullwidth")):
    """Plant numbers of varying kinds and styles, one per call."""
    kinds = list(FindingKind)

    def draw(kind: FindingKind | None = None, style: str | None = None) -> Planted:
        return plant(rng, kind or rng.choice(kinds), style or rng.choice(styles))

    return draw


def _thirds(text: str) -> tuple[str, str, str]:
    a, b = len(text) // 3, 2 * len(text) // 3
    return text[:a], text[a:b], text[b:]


def gap_docx(rng: random.Random, negatives: list[str]) -> CorpusFile:
    """A .docx with numbers where the first scanner did not look (see the module docstring)."""
    import docx

    from gongkai.core.tests import office_files

    draw = _draw(rng)
    planted: list[Planted] = []

    def put(item: Planted) -> str:
        planted.append(item)
        return item.written

    document = docx.Document()
    document.add_paragraph("关于某某事项的说明")
    office_files.docx_picture(
        document, descr=f"申请人照片，{put(draw())}", title=f"照片 {put(draw())}"
    )
    vml = office_files.vml_shape_run(
        alt=put(draw()), title=f"标题{put(draw())}", image_title=put(draw())
    )
    document.add_paragraph()._p.append(vml)
    document.add_paragraph()._p.append(office_files.textbox_run(sentence_of(put(draw()))))
    split = document.add_paragraph("联系人：")
    first, middle, last = _thirds(put(draw(FindingKind.MOBILE, "spaced")))
    split.add_run(first)
    split.add_run(middle).bold = True
    split.add_run(last).italic = True
    for negative in negatives[:20]:
        document.add_paragraph(f"依据{negative}办理。")
    deleted = put(draw())
    document.add_paragraph()._p.append(
        docx.oxml.parse_xml(
            f'<w:del xmlns:w="{office_files.W}" w:id="1" w:author="审核人" '
            f'w:date="2019-05-24T10:00:00Z"><w:r><w:delText>{deleted}</w:delText></w:r></w:del>'
        )
    )
    link = put(draw(FindingKind.RESIDENT_ID, "plain"))
    document.part.relate_to(
        f"https://www.example.gov.cn/view?sfzh={link}",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
        is_external=True,
    )
    out = io.BytesIO()
    document.save(out)
    data = office_files.docx_add_footnote(out.getvalue(), f"注：{put(draw())}")

    workbook_cell, workbook_header = draw(), draw()
    inner_docx = docx.Document()
    inner_paragraph = draw()
    inner_docx.add_paragraph(sentence(inner_paragraph))
    inner = io.BytesIO()
    inner_docx.save(inner)
    data = office_files.docx_embed(
        data,
        {
            "Microsoft_Excel_Worksheet.xlsx": _small_xlsx(workbook_cell, workbook_header),
            "Microsoft_Word_Document.docx": inner.getvalue(),
        },
    )
    planted += [workbook_cell, workbook_header, inner_paragraph]
    return CorpusFile("图片与嵌入.docx", data, planted)


def sentence_of(written: str) -> str:
    return f"联系方式：{written}。"


def _small_xlsx(cell: Planted, header: Planted) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "名单"
    sheet.append(["姓名", "号码"])
    sheet.append(["孙八", "备注"])
    sheet["B3"] = cell.written
    sheet.oddHeader.center.text = f"经办人 {header.written}"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def gap_xlsx(rng: random.Random, negatives: list[str]) -> CorpusFile:
    """An .xlsx with numbers where the first scanner did not look (see the module docstring)."""
    import openpyxl
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    from openpyxl.comments import Comment
    from openpyxl.worksheet.hyperlink import Hyperlink

    from gongkai.core.tests import office_files

    draw = _draw(rng)
    planted: list[Planted] = []

    def put(item: Planted) -> str:
        planted.append(item)
        return item.written

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "名单"
    sheet.append(["序号", "姓名", "号码", "备注"])
    first, middle, last = _thirds(put(draw()))
    sheet["C2"] = CellRichText([first, TextBlock(InlineFont(b=True), middle), last])
    number = draw(FindingKind.MOBILE, "plain")
    sheet["C3"] = int(put(number))
    for row, negative in enumerate(negatives[:30], start=4):
        sheet.cell(row=row, column=4, value=negative)
    sheet["D2"].comment = Comment(f"核对：{put(draw())}", "审核人")
    sheet.oddHeader.left.text = f"联系人 {put(draw())}"
    sheet.oddHeader.left.font = "宋体,常规"
    sheet.oddHeader.left.size = 12
    sheet.oddHeader.right.text = "第&P页"
    first, middle, last = _thirds(put(draw(FindingKind.MOBILE, "plain")))
    sheet.evenFooter.center.text = f"电话 {first}&B{middle}&B{last}"
    sheet.firstHeader.center.text = f"&KFF0000{put(draw())}"
    sheet["B4"] = "链接"
    sheet["B4"].hyperlink = Hyperlink(
        ref="B4",
        target=f"https://www.example.gov.cn/?tel={put(draw(FindingKind.MOBILE, 'plain'))}",
        tooltip=f"联系 {put(draw())}",
    )
    secret = workbook.create_sheet("底稿")
    secret.sheet_state = "hidden"
    secret["A1"] = put(draw())
    out = io.BytesIO()
    workbook.save(out)
    data = office_files.xlsx_shared_strings(out.getvalue())
    first, rest = _split_two(put(draw()))
    data = office_files.xlsx_set_cell(
        data,
        "sheet1.xml",
        f'<c r="E2" t="inlineStr"><is><r><t>{first}</t></r><r><rPr><i/></rPr><t>{rest}</t></r>'
        "</is></c>",
    )
    formula = draw(FindingKind.MOBILE, "plain")
    data = office_files.xlsx_set_cell(
        data, "sheet1.xml", f'<c r="E3"><f>C3+0</f><v>{put(formula)}</v></c>'
    )
    data = office_files.xlsx_add_threaded_comment(
        data, "sheet1.xml", "C3", f"请再核对 {put(draw())}"
    )
    return CorpusFile("页眉批注.xlsx", data, planted)


def _split_two(text: str) -> tuple[str, str]:
    return text[: len(text) // 2], text[len(text) // 2 :]


HTML_NEAR_MISSES = (
    "<p>138</p><p>12345678</p>",
    "<table><tr><td>151</td><td>2702 3097</td></tr></table>",
    "<p>手机138<br>1234 5678</p>",
    "<ul><li>110101</li><li>19900307002X</li></ul>",
    "<div>1381234</div><div>5678</div>",
    "<p>金额<b>13812345678</b>.50元</p>",
    "<p>IP <span>192.168</span>.100.123</p>",
)


def gap_html(rng: random.Random, negatives: list[str]) -> CorpusFile:
    """HTML with numbers split by inline tags, in attributes and in comments."""
    draw = _draw(rng)
    planted: list[Planted] = []

    def put(item: Planted) -> str:
        planted.append(item)
        return item.written

    def split(item: Planted, tags: tuple[str, str]) -> str:
        first, middle, last = _thirds(put(item))
        return f"<{tags[0]}>{first}</{tags[0]}>{middle}<{tags[1]}>{last}</{tags[1]}>"

    body = [
        f"<p>电话：{split(draw(FindingKind.MOBILE), ('span', 'b'))}</p>",
        f"<p>身份证号：{split(draw(FindingKind.RESIDENT_ID), ('font color=red', 'strong'))}</p>",
        f"<p>卡号：{split(draw(FindingKind.BANK_CARD), ('em', 'u'))}</p>",
        f'<p><a href="#x">{split(draw(), ("sub", "sup"))}</a>。</p>',
        f'<p><img src="photo.png" alt="{put(draw())}" title="照片{put(draw())}"></p>',
        f'<form><input type="text" value="{put(draw())}"></form>',
        f'<div data-phone="{put(draw())}">联系人</div>',
        f"<!-- 联系人：{put(draw())} -->",
    ]
    body += list(HTML_NEAR_MISSES)
    body += [f"<p>{n}</p>" for n in negatives]
    head = (
        '<meta charset="utf-8"><title>公示</title>'
        f'<meta name="description" content="经办人 {put(draw())}">'
    )
    html = f"<!DOCTYPE html><html><head>{head}</head><body>{''.join(body)}</body></html>"
    return CorpusFile("拆分.html", html.encode(), planted)


def write_corpus(directory: Path, seed: int = SEED) -> list[CorpusFile]:
    """Write the corpus into ``directory`` and return its manifest."""
    files = build_corpus(seed)
    for corpus_file in files:
        (directory / corpus_file.name).write_bytes(corpus_file.data)
    return files


@dataclass
class CorpusScore:
    planted: int
    found: int
    false_positives: int
    negatives: int
    misses: list[str]


def score_corpus(files: list[CorpusFile], negatives: list[str] | None = None) -> CorpusScore:
    """Scan the corpus and count recall on planted numbers and false positives.

    A finding is a false positive when its number was not planted in that file; the hard
    negatives are also scanned one by one.
    """
    from gongkai.core.pii import scan_file, scan_text

    negatives = negatives if negatives is not None else hard_negatives(random.Random(SEED))
    planted = found = false_positives = 0
    misses: list[str] = []
    for corpus_file in files:
        findings = scan_file(corpus_file.name, corpus_file.data)
        seen = [(f.kind, f.normalised) for f in findings]
        expected = [(p.kind, p.normalised) for p in corpus_file.planted]
        for item in corpus_file.planted:
            planted += 1
            if (item.kind, item.normalised) in seen:
                found += 1
            else:
                misses.append(f"{corpus_file.name}: {item.kind.value} {item.form}")
        false_positives += sum(1 for key in seen if key not in expected)
    for negative in negatives:
        false_positives += len(scan_text(negative))
    return CorpusScore(planted, found, false_positives, len(negatives), misses)
