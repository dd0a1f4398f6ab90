"""Benchmarks of the catalogue (run by `manage.py bench`).

catalog.word_import: 1,000 generated .docx drafts (title, 文号 line, headings, 20 paragraphs
of real State Council text from ../shared/data/govcn-policy.jsonl, a table) imported through
`record_import_docx` into a throwaway column, against python-docx merely opening each file
and reading every paragraph. Everything the import writes is rolled back at the end, and
files go to an in-memory storage, so the benchmark leaves the database and media as it
found them (it holds SQLite's write lock while it runs).
"""

from __future__ import annotations

import io
import json
import random
import sys
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.test import override_settings
from tqdm import tqdm

from gongkai.core.bench import BenchmarkResult, Measurement, register_benchmark, timed

FILES = 1000
PARAGRAPHS = 20
SEED = 20261127
CORPUS = Path(settings.BASE_DIR).parent / "shared" / "data" / "govcn-policy.jsonl"
_BENCH_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def _sources() -> list[dict[str, str]]:
    """Real documents (title, 文号, lines of text), or generated ones without the corpus."""
    if CORPUS.is_file():
        docs = []
        for line in CORPUS.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            lines = [t.strip() for t in item["text"].splitlines() if t.strip()]
            body = [t for t in lines if t != item["number"] and t not in item["title"]]
            if len(body) >= 5:
                docs.append({"title": item["title"], "number": item["number"], "lines": body})
        if docs:
            return docs
    rng = random.Random(SEED)
    words = [
        "就业",
        "补贴",
        "社会保险",
        "养老",
        "失业",
        "创业",
        "担保",
        "贷款",
        "培训",
        "人才",
        "服务",
        "工作",
        "落实",
        "加强",
        "推进",
    ]
    return [
        {
            "title": f"关于做好{rng.choice(words)}{rng.choice(words)}工作的通知",
            "number": f"毕人社发〔2019〕{n + 1}号",
            "lines": [
                "".join(rng.choice(words) for _ in range(rng.randint(20, 60))) + "。"
                for _ in range(PARAGRAPHS * 2)
            ],
        }
        for n in range(60)
    ]


def make_documents(count: int = FILES) -> list[tuple[str, bytes]]:
    """`count` .docx files built with python-docx, as (file name, bytes)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    sources = _sources()
    rng = random.Random(SEED)
    files = []
    for n in range(count):
        source = sources[n % len(sources)]
        doc = Document()
        number = doc.add_paragraph(source["number"])
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title = doc.add_paragraph()
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = title.add_run(f"{source['title']}（{n + 1:04d}）")
        run.bold = True
        run.font.size = Pt(22)
        start = rng.randrange(max(1, len(source["lines"]) - PARAGRAPHS))
        lines = (source["lines"] * 2)[start : start + PARAGRAPHS]
        for index, text in enumerate(lines):
            if index % 7 == 0:
                doc.add_paragraph(f"{'一二三四五六七八九十'[index // 7]}、重点任务")
            doc.add_paragraph(text)
        table = doc.add_table(rows=4, cols=3)
        for r, row in enumerate(
            [["项目", "责任单位", "完成时限"]]
            + [[f"任务{r}", "市人力资源和社会保障局", f"2019年{r + 5}月"] for r in range(1, 4)]
        ):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
        doc.add_paragraph("2019年5月24日")
        buffer = io.BytesIO()
        doc.save(buffer)
        files.append((f"doc{n + 1:04d}.docx", buffer.getvalue()))
    return files


def _progress(items, desc: str):
    return tqdm(items, desc=desc, leave=False, disable=not sys.stderr.isatty())


def _read_paragraphs(files: list[tuple[str, bytes]]) -> int:
    """The baseline: python-docx opens each file and reads every paragraph's text."""
    from docx import Document

    chars = 0
    for _name, data in _progress(files, "python-docx"):
        for paragraph in Document(io.BytesIO(data)).paragraphs:
            chars += len(paragraph.text)
    return chars


def _parse_all(files: list[tuple[str, bytes]]) -> int:
    from .word_import import parse_docx

    return sum(len(parse_docx(data).body_html) for _name, data in _progress(files, "parse"))


class _Rollback(Exception):
    pass


def _import_all(files: list[tuple[str, bytes]], measure: Callable) -> tuple[float, int]:
    """Import every file into a throwaway column; roll it all back. (seconds, records)."""
    from django.contrib.auth import get_user_model
    from wagtail.models import Page

    from .imports import record_import_docx
    from .models import CatalogColumnPage, CatalogRecord

    outcome: dict[str, float | int] = {}
    try:
        with override_settings(STORAGES=_BENCH_STORAGES), transaction.atomic():
            root = Page.get_first_root_node()
            column = CatalogColumnPage(title="基准测试栏目", slug="bench-word-import-column")
            root.add_child(instance=column)
            user = get_user_model().objects.create(username="bench-word-import")

            def run() -> None:
                for name, data in _progress(files, "import"):
                    record_import_docx(column=column, data=data, filename=name, by=user)

            outcome["seconds"], _none = measure(run)
            outcome["records"] = CatalogRecord.objects.child_of(column).count()
            raise _Rollback
    except _Rollback:
        pass
    return float(outcome["seconds"]), int(outcome["records"])


def word_import_benchmark(count: int = FILES) -> BenchmarkResult:
    files = make_documents(count)
    baseline_seconds, chars = timed(lambda: _read_paragraphs(files))
    parse_seconds, _html = timed(lambda: _parse_all(files))
    candidate_seconds, records = _import_all(files, timed)
    return BenchmarkResult(
        items=count,
        baseline=Measurement(
            "python-docx opening each file and reading every paragraph", baseline_seconds
        ),
        candidate=Measurement(
            "record_import_docx (check, parse, draft page, revision, attachment)", candidate_seconds
        ),
        notes={
            "records_imported": records,
            "records_per_second": round(records / candidate_seconds, 1) if candidate_seconds else 0,
            "baseline_files_per_second": round(count / baseline_seconds, 1)
            if baseline_seconds
            else 0,
            "parse_only_seconds": round(parse_seconds, 3),
            "parse_only_files_per_second": round(count / parse_seconds, 1) if parse_seconds else 0,
            "import_is_x_times_slower_than_reading": round(candidate_seconds / baseline_seconds, 1)
            if baseline_seconds
            else 0,
            "corpus": CORPUS.name if CORPUS.is_file() else "generated text",
            "mean_docx_bytes": sum(len(d) for _n, d in files) // max(1, count),
            "characters_read_by_baseline": chars,
            "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
            "rolled_back": True,
        },
    )


register_benchmark(
    "catalog.word_import",
    word_import_benchmark,
    "record_import_docx over 1,000 generated .docx drafts (文号, title, headings, 20 paragraphs "
    "of govcn text, a table) into a throwaway column, rolled back; against python-docx opening "
    "each file and reading its paragraphs",
)
