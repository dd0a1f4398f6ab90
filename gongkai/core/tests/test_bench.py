"""manage.py bench and the benchmark registry (never timed)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongkai.core import bench
from gongkai.core.bench import BenchmarkResult, Measurement, register_benchmark


@pytest.fixture
def fake_benchmark():
    def run() -> BenchmarkResult:
        return BenchmarkResult(
            items=3, baseline=Measurement("slow", 2.0), candidate=Measurement("fast", 0.5)
        )

    register_benchmark("test.fake", run, "a fake benchmark")
    yield
    bench._BENCHMARKS.pop("test.fake", None)


def test_discover_finds_the_core_benchmark():
    assert "workdays.add_working_days" in bench.discover()


def test_bench_writes_json_and_prints_the_ratio(fake_benchmark, tmp_path):
    out = StringIO()
    call_command("bench", "test.fake", "--output", str(tmp_path), stdout=out, stderr=StringIO())
    document = json.loads((tmp_path / "test.fake.json").read_text())
    assert document["ratio"] == 4.0
    assert document["baseline"] == {"label": "slow", "seconds": 2.0}
    assert "4.0×" in out.getvalue()


def test_bench_list_and_unknown(fake_benchmark):
    out = StringIO()
    call_command("bench", "--list", stdout=out)
    assert "test.fake" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("bench", "no.such.benchmark")


@pytest.mark.django_db
def test_the_core_benchmark_agrees_with_the_package(monkeypatch):
    from gongkai.core import benchmarks

    monkeypatch.setattr(benchmarks, "PAIRS", 200)
    result = benchmarks.add_working_days_benchmark()
    assert result.items == 200
    assert result.notes["mismatches"] == 0
    assert result.baseline.seconds > 0 and result.candidate.seconds > 0
