"""Benchmarks of the core app (run by `manage.py bench`)."""

import random
from datetime import date, timedelta

import chinese_calendar

from .bench import BenchmarkResult, Measurement, register_benchmark, timed
from .workdays import Calendar

PAIRS = 10_000
SEED = 20260928


def _pairs() -> list[tuple[date, int]]:
    rng = random.Random(SEED)
    first = date(2004, 1, 1).toordinal()
    # Stay clear of the package's last year so the baseline never runs out of data.
    last = date(2025, 12, 31).toordinal()
    return [(date.fromordinal(rng.randint(first, last)), rng.randint(1, 60)) for _ in range(PAIRS)]


def _naive_add(start: date, n: int) -> date:
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        if chinese_calendar.is_workday(day):
            counted += 1
    return day


def add_working_days_benchmark() -> BenchmarkResult:
    pairs = _pairs()
    load_seconds, calendar = timed(Calendar.load)
    # Warm the snapshot's index outside the timing: a loop reuses one snapshot.
    index_seconds, _ = timed(lambda: calendar.add_working_days(date(2004, 1, 1), 1))
    candidate_seconds, fast = timed(lambda: [calendar.add_working_days(s, n) for s, n in pairs])
    baseline_seconds, naive = timed(lambda: [_naive_add(s, n) for s, n in pairs])
    mismatches = sum(1 for a, b in zip(fast, naive, strict=True) if a != b)
    return BenchmarkResult(
        items=PAIRS,
        baseline=Measurement("day-by-day loop over chinese_calendar.is_workday", baseline_seconds),
        candidate=Measurement("add_working_days with one Calendar snapshot", candidate_seconds),
        notes={
            "snapshot_load_seconds": round(load_seconds, 6),
            "snapshot_index_seconds": round(index_seconds, 6),
            "n_range": [1, 60],
            "seed": SEED,
            "mismatches": mismatches,
        },
    )


register_benchmark(
    "workdays.add_working_days",
    add_working_days_benchmark,
    "add_working_days over 10,000 random (start, n) pairs, one Calendar snapshot, "
    "against a naive day-by-day loop calling chinese_calendar.is_workday",
)
