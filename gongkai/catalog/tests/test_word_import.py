"""Word import: parsing real generated .docx files, the import service and the admin screen."""

import io
import re
import zipfile
from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import GroupPagePermission, Page, Revision

from gongkai.catalog.imports import record_import_docx
from gongkai.catalog.models import CatalogRecord, RecordAttachment
from gongkai.catalog.tests.factories import column
from gongkai.catalog.word_import import parse_date_line, parse_docx

LETTERHEAD = "毕节市人力资源和社会保障局文件"
TITLE = "关于做好2019年就业补贴申领工作的通知"


def png_bytes(colour: str = "red", size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def make_docx(
    *,
    doc_number: str = "毕人社发〔2019〕12号",
    title: str | tuple[str, ...] = TITLE,
    letterhead: str | None = LETTERHEAD,
    table: bool = True,
    image: bool = True,
    signature_date: str = "2019年5月24日",
    core_title: str = "",
    formatted_title: bool = True,
) -> bytes:
    """A 红头文件 as drafters write it: letterhead, 文号, title, body, signature and date."""
    doc = Document()
    if core_title:
        doc.core_properties.title = core_title
    if letterhead:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(letterhead)
        run.bold = True
        run.font.size = Pt(26)
        run.font.color.rgb = RGBColor(0xC0, 0, 0)
    if doc_number:
        doc.add_paragraph(doc_number).alignment = WD_ALIGN_PARAGRAPH.CENTER
        doc.add_paragraph("━━━━━━━━━━━━━━━━")
    doc.add_paragraph()
    for line in (title,) if isinstance(title, str) else title:
        p = doc.add_paragraph()
        run = p.add_run(line)
        if formatted_title:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run.bold = True
            run.font.size = Pt(22)
    doc.add_paragraph("各县（区）人力资源和社会保障局，局机关各科室：")
    doc.add_paragraph("为贯彻落实国办发〔2019〕14号文件精神，现就有关事项通知如下。")
    doc.add_paragraph("一、总体要求")
    p = doc.add_paragraph("各地要")
    p.add_run("高度重视").bold = True
    p.add_run("就业补贴申领工作，")
    p.add_run("确保资金安全").italic = True
    p.add_run("。")
    doc.add_paragraph("（一）申领条件")
    doc.add_paragraph("在本市登记失业的人员，可以申领补贴。")
    doc.add_paragraph("身份证复印件", style="List Bullet")
    doc.add_paragraph("就业失业登记证", style="List Bullet")
    doc.add_heading("附则", level=1)
    if table:
        t = doc.add_table(rows=3, cols=3)
        texts = [["项目", "", "金额"], ["社保补贴", "2019年", "500"], ["岗位补贴", "2019年", ""]]
        for r, row in enumerate(texts):
            for c, text in enumerate(row):
                t.cell(r, c).text = text
        t.cell(0, 0).merge(t.cell(0, 1))  # colspan 2
        t.cell(1, 2).merge(t.cell(2, 2))  # rowspan 2
    if image:
        doc.add_picture(io.BytesIO(png_bytes()))
    doc.add_paragraph("本通知自印发之日起施行。")
    doc.add_paragraph("毕节市人力资源和社会保障局").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if signature_date:
        doc.add_paragraph(signature_date).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph("（此件公开发布）")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# --- parse_docx -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    ["毕人社发〔2019〕12号", "毕人社发[2019]12号", "毕人社发(2019)12号", "毕人社发（2019）12号"],
)
def test_doc_number_in_every_bracket_form_is_found_and_normalised(written):
    parsed = parse_docx(make_docx(doc_number=written))
    assert parsed.doc_number == "毕人社发〔2019〕12号"


def test_letterhead_is_skipped_and_the_title_found():
    parsed = parse_docx(make_docx())
    assert parsed.title == TITLE
    assert LETTERHEAD not in parsed.body_html
    assert "毕人社发" not in parsed.body_html
    assert TITLE not in parsed.body_html
    assert parsed.written_date == date(2019, 5, 24)


def test_a_title_over_two_lines_is_joined():
    parsed = parse_docx(make_docx(title=("关于做好2019年就业补贴", "申领工作的通知")))
    assert parsed.title == "关于做好2019年就业补贴申领工作的通知"


def test_a_cited_doc_number_in_the_body_is_not_the_documents_own():
    parsed = parse_docx(make_docx(doc_number=""))
    assert parsed.doc_number == ""
    assert parsed.title == TITLE


def test_without_formatting_the_core_title_is_the_fallback():
    parsed = parse_docx(
        make_docx(letterhead=None, doc_number="", formatted_title=False, core_title="核心属性标题")
    )
    assert parsed.title == "核心属性标题"


def test_body_keeps_headings_paragraphs_emphasis_and_lists():
    html = parse_docx(make_docx()).body_html
    assert "<h2>一、总体要求</h2>" in html
    assert "<h3>（一）申领条件</h3>" in html
    assert "<h2>附则</h2>" in html  # Heading 1 style
    assert "<p>各地要<b>高度重视</b>就业补贴申领工作，<i>确保资金安全</i>。</p>" in html
    assert "<ul><li>身份证复印件</li><li>就业失业登记证</li></ul>" in html
    assert "<p>为贯彻落实国办发〔2019〕14号文件精神，现就有关事项通知如下。</p>" in html
    assert "<p>2019年5月24日</p>" in html


def test_tables_stay_tables_with_a_header_row_and_their_spans():
    parsed = parse_docx(make_docx())
    assert parsed.has_tables
    html = parsed.body_html
    assert html.count("<table>") == 1
    assert (
        '<thead><tr><th scope="col" colspan="2">项目</th><th scope="col">金额</th></tr></thead>'
        in html
    )
    assert '<tr><td>社保补贴</td><td>2019年</td><td rowspan="2">500</td></tr>' in html
    assert "<tr><td>岗位补贴</td><td>2019年</td></tr></tbody></table>" in html
    assert " | " not in html  # no more rows of text


def test_rows_word_repeats_as_header_rows_form_the_thead():
    doc = Document()
    doc.add_paragraph(TITLE)
    t = doc.add_table(rows=4, cols=2)
    for r, row in enumerate([["单位", "人数"], ["（个）", "（人）"], ["一中", "5"], ["二中", "6"]]):
        for c, text in enumerate(row):
            t.cell(r, c).text = text
    from docx.oxml import OxmlElement

    for row in t.rows[:2]:
        row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    buffer = io.BytesIO()
    doc.save(buffer)
    table = parse_docx(buffer.getvalue()).tables[0]
    assert table.header_rows == 2
    html = table.to_html()
    assert html.count('<th scope="col">') == 4
    assert "<tbody><tr><td>一中</td><td>5</td></tr>" in html


def test_a_header_cell_merged_downwards_takes_its_rows_into_the_thead():
    from gongkai.catalog.word_import import ParsedCell, ParsedTable

    table = ParsedTable(
        rows=[
            [ParsedCell("地区", rowspan=2), ParsedCell("补贴", colspan=2)],
            [ParsedCell("人数"), ParsedCell("金额")],
            [ParsedCell("七星关区"), ParsedCell("12"), ParsedCell("6000")],
        ]
    )
    assert table.header_rows == 2
    single = ParsedTable(rows=[[ParsedCell("只有一行")]])
    assert single.header_rows == 0
    assert "<th" not in single.to_html()


def test_table_markup_is_sanitised():
    from gongkai.catalog.rich_text import clean_table_html

    dirty = (
        '<table onclick="x()" style="color:red"><tr><th scope="evil" colspan="2">a</th>'
        '<td rowspan="9999">b<script>alert(1)</script><a href="javascript:x">c</a></td></tr></table>'
    )
    clean = clean_table_html(dirty)
    assert clean == '<table><tbody><tr><th colspan="2">a</th><td>bc</td></tr></tbody></table>'


def test_embedded_picture_is_extracted():
    parsed = parse_docx(make_docx())
    assert len(parsed.images) == 1
    image = parsed.images[0]
    assert image.content_type == "image/png"
    assert image.data.startswith(b"\x89PNG")
    assert PILImage.open(io.BytesIO(image.data)).size == (40, 30)
    assert '<embed embedtype="image" id="image-1" format="fullwidth" alt=""/>' in parsed.body_html
    assert parsed.render_body([77]).count('id="77"') == 1


def test_markup_in_the_text_is_escaped():
    doc = Document()
    doc.add_paragraph("标题")
    doc.add_paragraph('<script>alert(1)</script><img src=x onerror="y">')
    buffer = io.BytesIO()
    doc.save(buffer)
    html = parse_docx(buffer.getvalue()).body_html
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019年5月24日", date(2019, 5, 24)),
        ("２０１９年５月２４日", date(2019, 5, 24)),
        ("二〇一九年五月二十四日", date(2019, 5, 24)),
        ("2019年12月1日（此件公开发布）", date(2019, 12, 1)),
        ("2019年2月30日", None),
        ("截至2019年5月24日，共发放补贴", None),
    ],
)
def test_signature_date_lines(text, expected):
    assert parse_date_line(text) == expected


def test_a_damaged_file_is_refused_in_words():
    data = make_docx()
    with pytest.raises(ValidationError) as exc:
        parse_docx(data[: len(data) // 2])
    assert exc.value.code == "unreadable"


# --- the service ------------------------------------------------------------------------------


def _counts() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "records": CatalogRecord.objects.count(),
        "revisions": Revision.objects.count(),
        "images": get_image_model().objects.count(),
        "documents": get_document_model().objects.count(),
        "attachments": RecordAttachment.objects.count(),
    }


@pytest.fixture
def results(world):
    return column()


@pytest.mark.django_db
def test_import_creates_a_draft_with_body_images_and_the_original(results, world):
    data = make_docx()
    page = record_import_docx(
        column=results,
        data=data,
        filename="通知.docx",
        by=world.drafter,
        department=world.employment,
    )
    page.refresh_from_db()
    assert page.get_parent().id == results.id
    assert not page.live
    assert page.index_number is None
    assert page.title == TITLE
    assert page.doc_number == "毕人社发〔2019〕12号"
    assert page.written_date == date(2019, 5, 24)
    assert page.department == world.employment
    assert page.latest_revision is not None
    assert page.latest_revision.user == world.drafter
    image = get_image_model().objects.get()
    assert f'<embed embedtype="image" id="{image.pk}" format="fullwidth" alt=""/>' in page.body
    assert "<h2>一、总体要求</h2>" in page.body
    attachment = page.attachments.get()
    assert attachment.document.file.read() == data
    # The document's title, not the upload's name with "（Word 原件）".
    assert attachment.title == TITLE
    assert attachment.document.title == TITLE
    assert "原件" not in str(attachment) and "original" not in str(attachment)


@pytest.mark.django_db
def test_without_a_table_no_attachment_is_kept(results, world):
    page = record_import_docx(
        column=results, data=make_docx(table=False), filename="a.docx", by=world.drafter
    )
    assert not page.attachments.exists()
    assert get_document_model().objects.count() == 0


@pytest.mark.django_db
def test_metadata_overrides_what_the_document_says(results, world):
    page = record_import_docx(
        column=results,
        data=make_docx(),
        filename="a.docx",
        by=world.drafter,
        metadata={"title": "另一个标题", "doc_number": "毕人社函[2020]3号", "summary": "概述"},
    )
    assert page.title == "另一个标题"
    assert page.doc_number == "毕人社函〔2020〕3号"
    assert page.summary == "概述"


def _bad_files() -> list[tuple[str, bytes, str]]:
    good = make_docx()
    return [
        ("truncated.docx", good[: len(good) // 2], "corrupt"),
        ("x.docx", b"MZ\x90\x00" + b"\x00" * 200, "mismatch"),
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 200, "executable"),
        ("data.docx", _zip_without_word(), "not_ooxml"),
        ("table.pdf", b"%PDF-1.4\n%%EOF", "not_allowed"),
    ]


def _zip_without_word() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    return buffer.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(("filename", "data", "code"), _bad_files())
def test_bad_files_are_refused_and_nothing_is_saved(results, world, filename, data, code):
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        record_import_docx(column=results, data=data, filename=filename, by=world.drafter)
    assert exc.value.code == code
    assert _counts() == before


@pytest.mark.django_db
def test_an_oversized_file_is_refused(results, world, settings):
    data = make_docx()
    settings.UPLOAD_MAX_BYTES = len(data) - 1
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        record_import_docx(column=results, data=data, filename="big.docx", by=world.drafter)
    assert exc.value.code == "too_large"
    assert _counts() == before


@pytest.mark.django_db
def test_a_failure_after_the_images_rolls_everything_back(results, world, monkeypatch):
    from gongkai.catalog import imports

    def explode(**kwargs):
        raise ValidationError("boom", code="boom")

    monkeypatch.setattr(imports, "_attach_original", explode)
    before = _counts()
    with pytest.raises(ValidationError):
        record_import_docx(column=results, data=make_docx(), filename="a.docx", by=world.drafter)
    assert _counts() == before


@pytest.mark.django_db
def test_a_bad_doc_number_in_the_metadata_is_refused(results, world):
    before = _counts()
    with pytest.raises(ValidationError):
        record_import_docx(
            column=results,
            data=make_docx(),
            filename="a.docx",
            by=world.drafter,
            metadata={"doc_number": "ABC-1"},
        )
    assert _counts() == before


# --- the admin screen --------------------------------------------------------------------------


def _grant_add(user, page) -> None:
    group = user.groups.first()
    for codename in ("add_page", "change_page"):
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=page,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )


@pytest.fixture
def drafter_client(client, world, results):
    _grant_add(world.drafter, results)
    client.force_login(world.drafter)
    return client


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.mark.django_db
def test_admin_import_form_defaults_to_the_users_department(drafter_client, world, results):
    response = drafter_client.get(reverse("catalog_word_import"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["department"] == world.employment.pk
    assert results.pk in [p.pk for p in form.fields["column"].queryset]


@pytest.mark.django_db
def test_the_column_page_offers_the_import_with_the_column_chosen(drafter_client, results):
    url = f"{reverse('catalog_word_import')}?column={results.pk}"
    response = drafter_client.get(reverse("wagtailadmin_explore", args=[results.pk]))
    assert url in response.content.decode()
    response = drafter_client.get(url)
    assert response.context["form"].initial["column"] == results.pk
    assert reverse("catalog_word_import") in drafter_client.get("/admin/").content.decode()


@pytest.mark.django_db
def test_admin_import_creates_a_draft_and_opens_it(drafter_client, world, results):
    response = drafter_client.post(
        reverse("catalog_word_import"),
        {
            "column": results.pk,
            "department": world.employment.pk,
            "file": _upload("通知.docx", make_docx()),
        },
    )
    page = CatalogRecord.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert not page.live
    assert page.department == world.employment


@pytest.mark.django_db
def test_admin_import_shows_the_error_and_saves_nothing(drafter_client, world, results):
    before = _counts()
    response = drafter_client.post(
        reverse("catalog_word_import"),
        {
            "column": results.pk,
            "department": world.employment.pk,
            "file": _upload("x.docx", b"MZ\x90\x00" + b"\x00" * 200),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert _counts() == before


@pytest.mark.django_db
def test_admin_import_needs_permission_to_add_under_the_column(client, world, results):
    # Whatever the roles grant over the tree, take the drafter's page permissions away.
    GroupPagePermission.objects.filter(group__in=world.drafter.groups.all()).delete()
    client.force_login(world.drafter)
    before = _counts()
    response = client.post(
        reverse("catalog_word_import"),
        {"column": results.pk, "file": _upload("a.docx", make_docx())},
    )
    assert response.status_code == 200
    assert "column" in response.context["form"].errors
    assert _counts() == before


def test_placeholder_ids_do_not_leak_from_text():
    doc = Document()
    doc.add_paragraph("标题")
    doc.add_paragraph('<embed embedtype="image" id="image-1"/>')
    buffer = io.BytesIO()
    doc.save(buffer)
    html = parse_docx(buffer.getvalue()).render_body([5])
    assert not re.search(r"<embed", html)


@pytest.mark.django_db
def test_the_benchmark_imports_and_rolls_back(world):
    """Not a timed test: only that the benchmark imports real files and leaves nothing."""
    from gongkai.catalog.benchmarks import word_import_benchmark

    before = _counts()
    result = word_import_benchmark(count=3)
    assert result.items == 3
    assert result.notes["records_imported"] == 3
    assert _counts() == before
