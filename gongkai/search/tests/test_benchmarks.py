"""The search benchmark runs end to end on a small corpus (no timing is asserted)."""

from __future__ import annotations

import pytest

from gongkai.core.bench import discover
from gongkai.search import bench_corpus, benchmarks
from gongkai.search.benchmarks import percentiles, word_matches

needs_data = pytest.mark.skipif(
    not (bench_corpus.DATA_DIR / bench_corpus.LAWREFBOOK).is_file(),
    reason="../shared/data is not here",
)


@needs_data
def test_corpus_is_reproducible_with_unique_titles_and_doc_numbers():
    first = bench_corpus.build_corpus(400)
    assert first == bench_corpus.build_corpus(400)
    assert len({"".join(d["title"].casefold().split()) for d in first}) == 400
    numbers = [d["doc_number"] for d in first if d["doc_number"]]
    assert len(numbers) == round(400 * bench_corpus.DOC_NUMBER_SHARE)
    assert len(set(numbers)) == len(numbers)
    assert all(2019 <= int(d["date"][:4]) <= 2026 for d in first)


def test_at_least_fifty_queries_of_every_kind_the_issue_names():
    queries = [q for q, _c in bench_corpus.QUERIES]
    assert len(queries) >= 50 and len(set(queries)) == len(queries)
    categories = {c for _q, c in bench_corpus.QUERIES}
    assert {"2-char", "phrase", "multi-word", "doc-number", "1-char", "common"} <= categories


def test_token_rule_for_words_with_digits_and_punctuation():
    doc = ["关于", "国发", "2018", "39", "号文件", "双随机", "一公开"]
    assert word_matches("国发〔2018〕39号", doc)
    assert word_matches("国发[2018]39号", doc)
    assert word_matches("发〔2018〕39号文", doc)  # CJK ends may extend outwards
    assert not word_matches("国发〔2018〕3号", doc)  # digits are whole tokens
    assert not word_matches("国发〔201〕39号", doc)
    assert word_matches("双随机、一公开", doc)
    assert not word_matches("随机、一公", [*doc[:5], "双随机", "x", "一公开"])
    assert word_matches("2018", doc) and not word_matches("201", doc)


def test_percentiles_are_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentiles(values) == {"p50": 50.0, "p95": 95.0, "max": 100.0, "n": 100}
    assert percentiles([])["n"] == 0


def test_postgresql_without_binaries_is_skipped_with_the_reason(monkeypatch):
    monkeypatch.setattr(benchmarks, "_pg_bindir", lambda: None)
    with pytest.raises(benchmarks.Skipped, match="binaries"), benchmarks._postgres():
        pass


def test_registered():
    assert benchmarks.NAME in discover()


@needs_data
def test_benchmark_runs_end_to_end_on_300_documents():
    lines: list[str] = []
    report = benchmarks.run(
        count=300,
        backends=("sqlite", "postgresql"),
        repeats=1,
        known=40,
        numbers=5,
        echo=lines.append,
    )
    assert report["documents"] == 300
    for name, result in report["backends"].items():
        if name == "postgresql" and "skipped" in result:
            assert result["skipped"]
            continue
        assert "error" not in result, result
        assert result["build_seconds"] > 0 and result["database_bytes"] > 0
        assert len(result["per_query"]) == len(bench_corpus.QUERIES)
        assert result["search"]["n"] == len(bench_corpus.QUERIES)
        for part in ("exact_like", "token_rule"):
            assert result["quality"][part]["queries"] > 0
            assert 0.0 <= result["quality"][part]["recall"] <= 1.0
        assert result["known_items"]["title_queries"] == 40
        assert len(result["first_pass"]["per_query"]) == len(bench_corpus.QUERIES)
    assert lines[0].startswith(benchmarks.NAME)
    assert any("recall, exact" in line for line in lines)
