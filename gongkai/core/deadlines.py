"""Recomputing open deadlines when the working-day calendar changes.

REGULATIONS.md §1: "If the calendar changes, deadlines still open are
recomputed." core does not know which apps keep deadlines, so each app
registers a recomputer (in its AppConfig.ready() or wagtail_hooks.py):

    register_deadline_recomputer("applications.reply_due", recompute_reply_due)

where `recompute_reply_due(years: set[int])` recomputes, through the app's own
transition service, every open deadline whose counting window touches one
of `years`, and returns how many it changed (or None). `calendar_year_save`
runs them all in a background task after its transaction commits.
"""

import logging
from collections.abc import Callable, Iterable

logger = logging.getLogger(__name__)

Recomputer = Callable[[set[int]], int | None]

_RECOMPUTERS: dict[str, Recomputer] = {}


class RecomputeFailed(RuntimeError):
    """Some recomputers raised; the others still ran. Details are in the log."""

    def __init__(self, failed: list[str], results: dict[str, int | None]) -> None:
        self.failed = failed
        self.results = results
        super().__init__(f"deadline recomputers failed: {', '.join(failed)}")


def register_deadline_recomputer(name: str, func: Recomputer) -> Recomputer:
    """Register `func` under `name` (re-registering a name replaces it)."""
    if not callable(func):
        raise TypeError(f"deadline recomputer {name!r} is not callable")
    _RECOMPUTERS[name] = func
    return func


def unregister_deadline_recomputer(name: str) -> None:
    _RECOMPUTERS.pop(name, None)


def deadline_recomputers() -> dict[str, Recomputer]:
    return dict(_RECOMPUTERS)


def recompute_open_deadlines(years: Iterable[int]) -> dict[str, int | None]:
    """Run every registered recomputer for `years`; return {name: count}.

    One failing recomputer does not stop the others; afterwards
    RecomputeFailed names the ones that failed, so the task shows as failed.
    """
    wanted = {int(y) for y in years}
    results: dict[str, int | None] = {}
    failed: list[str] = []
    for name, func in sorted(_RECOMPUTERS.items()):
        try:
            result = func(set(wanted))
        except Exception:
            logger.exception("deadline recomputer %s failed for years %s", name, sorted(wanted))
            failed.append(name)
            continue
        results[name] = result if isinstance(result, int) else None
        logger.info("deadline recomputer %s: %s for years %s", name, result, sorted(wanted))
    if failed:
        raise RecomputeFailed(failed, results)
    return results
