"""A small benchmark registry for `manage.py bench` (`make bench`).

An app takes part with a module `gongkai.<app>.benchmarks` that calls

    register_benchmark("workdays.add_working_days", run, description="...")

where `run()` returns a `BenchmarkResult`: the candidate and a baseline,
both measured in the same run, so that the ratio means something on any
machine (DESIGN.md: benchmarks state a ratio and are never timed tests).
"""

import json
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path
from typing import Any, TypeVar

from django.apps import apps
from django.utils import timezone

T = TypeVar("T")


@dataclass(frozen=True)
class Measurement:
    label: str
    seconds: float


@dataclass(frozen=True)
class BenchmarkResult:
    items: int
    baseline: Measurement
    candidate: Measurement
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        """How many times faster the candidate is than the baseline."""
        return self.baseline.seconds / self.candidate.seconds if self.candidate.seconds else 0.0


@dataclass(frozen=True)
class Benchmark:
    name: str
    func: Callable[[], BenchmarkResult]
    description: str = ""


_BENCHMARKS: dict[str, Benchmark] = {}


def register_benchmark(
    name: str, func: Callable[[], BenchmarkResult], description: str = ""
) -> Callable[[], BenchmarkResult]:
    _BENCHMARKS[name] = Benchmark(name, func, description)
    return func


def discover() -> dict[str, Benchmark]:
    """Import every gongkai app's `benchmarks` module; return all benchmarks by name."""
    for config in apps.get_app_configs():
        if not config.name.startswith("gongkai."):
            continue
        module = f"{config.name}.benchmarks"
        if find_spec(module) is not None:
            import_module(module)
    return dict(sorted(_BENCHMARKS.items()))


def timed(func: Callable[[], T]) -> tuple[float, T]:
    """(seconds, result) of one call, by the monotonic performance counter."""
    begin = time.perf_counter()
    result = func()
    return time.perf_counter() - begin, result


def result_document(benchmark: Benchmark, result: BenchmarkResult) -> dict[str, Any]:
    return {
        "name": benchmark.name,
        "description": benchmark.description,
        "items": result.items,
        "baseline": {"label": result.baseline.label, "seconds": result.baseline.seconds},
        "candidate": {"label": result.candidate.label, "seconds": result.candidate.seconds},
        "ratio": round(result.ratio, 2),
        "notes": result.notes,
        "measured_at": timezone.now().isoformat(),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }


def write_result(directory: Path, document: dict[str, Any]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{document['name']}.json"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
