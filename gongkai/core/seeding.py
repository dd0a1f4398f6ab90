"""The demo bureau is built from each app's `seeds.py`.

An app takes part by having a module `gongkai.<app>.seeds` with
`def seed(*, stdout) -> None` (idempotent: a second run changes nothing)
and, if it needs another app's demo data first, `DEPENDS = ["org", ...]`
naming app labels. `seed_demo` runs them in dependency order, as Decidim's
per-module seeds do; nothing here names an app.
"""

from collections.abc import Callable
from dataclasses import dataclass
from graphlib import TopologicalSorter
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps


@dataclass(frozen=True)
class SeedModule:
    label: str
    seed: Callable
    depends: tuple[str, ...]


def discover() -> list[SeedModule]:
    """Every app's seed module, in an order where dependencies come first."""
    found: dict[str, SeedModule] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("gongkai."):
            continue
        name = f"{config.name}.seeds"
        if find_spec(name) is None:
            continue
        module = import_module(name)
        found[config.label] = SeedModule(
            config.label, module.seed, tuple(getattr(module, "DEPENDS", ()))
        )
    graph = {label: [d for d in mod.depends if d in found] for label, mod in found.items()}
    unknown = {d for mod in found.values() for d in mod.depends} - set(found)
    if unknown:
        raise LookupError(f"seeds depend on apps without seeds: {sorted(unknown)}")
    return [found[label] for label in TopologicalSorter(graph).static_order()]
