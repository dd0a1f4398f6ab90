"""Work that must happen on a clock (scheduled publishing, deadline sweeps...).

django-tasks runs tasks but has no scheduler. Apps register periodic jobs here
(in their AppConfig.ready); ``manage.py periodic`` — started by ``manage.py
serve`` next to the web server and the worker — enqueues each job's task when it
is due, and the worker runs it like any other task (durably, with its result
recorded).

A job is enqueued at most once per period across all processes and machines: a
``cache.add`` on the shared cache claims the period first.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every_seconds: int
    task: object  # a django_tasks Task (has .enqueue())

    def claim_key(self, now: float) -> str:
        return f"gongkai:periodic:{self.name}:{int(now // self.every_seconds)}"


_jobs: dict[str, PeriodicJob] = {}


def register_periodic(name: str, every_seconds: int, task: object) -> PeriodicJob:
    if every_seconds < 1:
        raise ValueError("every_seconds must be at least 1")
    job = PeriodicJob(name=name, every_seconds=every_seconds, task=task)
    _jobs[name] = job
    return job


def jobs() -> list[PeriodicJob]:
    return list(_jobs.values())


def run_due(now: float | None = None) -> list[str]:
    """Enqueue every job whose current period nobody has claimed yet; return their names."""
    now = time.time() if now is None else now
    enqueued = []
    for job in jobs():
        if not cache.add(job.claim_key(now), 1, timeout=job.every_seconds * 2):
            continue
        try:
            job.task.enqueue()
        except Exception:
            logger.exception("periodic: could not enqueue %s", job.name)
            cache.delete(job.claim_key(now))
            continue
        enqueued.append(job.name)
    return enqueued


def loop(*, tick: float = 1.0, should_stop: Callable[[], bool] = lambda: False) -> None:
    while not should_stop():
        run_due()
        time.sleep(tick)
