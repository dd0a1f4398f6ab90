"""The import_documents command on a real folder of generated .docx and .pdf files."""

import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.documents import get_document_model

from gongkai.catalog.models import CatalogRecord, Genre, TopicCategory
from gongkai.catalog.seeds import seed_vocabularies
from gongkai.catalog.tests.factories import column
from gongkai.catalog.tests.test_word_import import make_docx
from gongkai.core.tests.pii_corpus import pdf_bytes

pytestmark = pytest.mark.django_db

CSV = """filename,title,doc_number,written_date,topic,genre,validity,summary,keywords
notice.docx,,,,劳动就业,通知,有效,关于就业补贴的通知,就业 补贴
plan.docx,2019年工作方案,毕人社发(2019)30号,2019-06-01,,,,,
report.pdf,2019年政府信息公开工作年度报告,,2020-01-15,,,,,
"""


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "notice.docx").write_bytes(make_docx())
    (tmp_path / "plan.docx").write_bytes(make_docx(doc_number="", table=False, image=False))
    (tmp_path / "report.pdf").write_bytes(pdf_bytes([["Annual Report 2019", "Page one"]]))
    (tmp_path / "untitled.pdf").write_bytes(pdf_bytes([["First line of text", "more"]]))
    (tmp_path / "broken.docx").write_bytes(make_docx()[:3000])
    (tmp_path / "~$notice.docx").write_bytes(b"lock file of Word")
    (tmp_path / "readme.txt").write_text("not imported")
    (tmp_path / "metadata.csv").write_text(CSV, encoding="utf-8-sig")
    return tmp_path


@pytest.fixture
def results(world):
    seed_vocabularies()
    return column()


def run(*args: str) -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("import_documents", *args, stdout=out, stderr=StringIO())
    except CommandError as error:
        return out.getvalue(), error.returncode
    return out.getvalue(), 0


def test_imports_every_file_with_its_metadata_and_reports_failures(folder, results, world):
    output, code = run(
        str(folder),
        "--column",
        "results",
        "--department",
        "employment-bureau",
        "--user",
        world.drafter.username,
    )
    assert code == 1
    assert re.findall(r"\d+", output.splitlines()[0]) == ["4", "1"]  # imported, failed
    assert "broken.docx" in output
    assert "notice.docx" not in output.split("\n", 1)[1]
    records = {r.title: r for r in CatalogRecord.objects.all()}
    assert len(records) == 4
    assert all(not r.live and r.index_number is None for r in records.values())
    assert all(r.department == world.employment for r in records.values())
    assert all(r.get_parent().id == results.id for r in records.values())

    notice = records["关于做好2019年就业补贴申领工作的通知"]
    assert notice.doc_number == "毕人社发〔2019〕12号"
    assert notice.topic == TopicCategory.objects.get(name="劳动就业")
    assert notice.genre == Genre.objects.get(name="通知")
    assert notice.summary == "关于就业补贴的通知"
    assert notice.keywords == "就业 补贴"
    assert notice.latest_revision.user == world.drafter

    plan = records["2019年工作方案"]
    assert plan.doc_number == "毕人社发〔2019〕30号"
    assert plan.written_date == date(2019, 6, 1)

    report = records["2019年政府信息公开工作年度报告"]
    assert report.attachments.get().document.file.read().startswith(b"%PDF-")
    assert report.written_date == date(2020, 1, 15)
    assert "<p>" in report.body

    assert "First line of text" in records  # a PDF without metadata: its first line
    assert get_document_model().objects.count() == 3  # notice (tables) and the two PDFs


def test_all_good_exits_zero(tmp_path, results):
    (tmp_path / "a.docx").write_bytes(make_docx())
    output, code = run(str(tmp_path), "--column", str(results.pk))
    assert code == 0
    assert "已导入 1 个，失败 0 个" in output
    assert CatalogRecord.objects.count() == 1


def test_a_bad_metadata_value_fails_that_file_only(tmp_path, results):
    (tmp_path / "a.docx").write_bytes(make_docx())
    (tmp_path / "b.docx").write_bytes(make_docx())
    (tmp_path / "meta.csv").write_text("filename,genre\na.docx,不存在的体裁\n", encoding="utf-8")
    output, code = run(
        str(tmp_path), "--column", "results", "--metadata", str(tmp_path / "meta.csv")
    )
    assert code == 1
    assert "a.docx" in output and "b.docx" not in output
    assert CatalogRecord.objects.count() == 1


def test_a_gb18030_csv_from_excel_is_read(tmp_path, results):
    (tmp_path / "a.docx").write_bytes(make_docx())
    (tmp_path / "metadata.csv").write_bytes("filename,title\na.docx,中文标题\n".encode("gb18030"))
    _output, code = run(str(tmp_path), "--column", "results")
    assert code == 0
    assert CatalogRecord.objects.get().title == "中文标题"


def test_a_metadata_row_without_its_file_is_reported(tmp_path, results):
    (tmp_path / "metadata.csv").write_text("filename,title\nmissing.docx,x\n", encoding="utf-8")
    output, code = run(str(tmp_path), "--column", "results")
    assert code == 1
    assert "missing.docx" in output


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--column", "nope"], "nope"),
        (["--column", "results", "--department", "nope"], "nope"),
        (["--column", "results", "--user", "nobody"], "nobody"),
    ],
)
def test_bad_arguments_are_refused_before_anything_happens(tmp_path, results, args, fragment):
    (tmp_path / "a.docx").write_bytes(make_docx())
    with pytest.raises(CommandError, match=fragment):
        call_command("import_documents", str(tmp_path), *args, stdout=StringIO())
    assert CatalogRecord.objects.count() == 0


def test_unknown_csv_columns_are_refused(tmp_path, results):
    (tmp_path / "metadata.csv").write_text("filename,colour\na.docx,red\n", encoding="utf-8")
    with pytest.raises(CommandError, match="colour"):
        call_command("import_documents", str(tmp_path), "--column", "results", stdout=StringIO())
