"""Read settings from environment variables, each with a help text.

Every variable is read through `config()`, which records its name, default
and help text. `manage.py config_docs` prints the table that the README
carries, and a test checks the README has not drifted from it.
"""

import os
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Variable:
    name: str
    default: Any
    help: str
    shown: str | None = None


REGISTRY: dict[str, Variable] = {}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def config(
    name: str, default: Any = None, *, help: str, cast: type = str, shown: str | None = None
) -> Any:
    """Read `name` from the environment; `shown` is the default as the docs print it."""
    REGISTRY.setdefault(name, Variable(name, default, help, shown))
    raw = os.environ.get(name)
    if raw is None:
        return default
    if cast is bool:
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ValueError(f"{name} must be true or false, not {raw!r}")
    if cast is list:
        return [item.strip() for item in raw.split(",") if item.strip()]
    if cast is int:
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"{name} must be an integer, not {raw!r}") from None
    return raw


def document(name: str, default: str, *, help: str) -> None:
    """List a variable read elsewhere (e.g. by manage.py) in the configuration table."""
    REGISTRY.setdefault(name, Variable(name, default, help, default))


def markdown_table() -> str:
    rows = ["| variable | default | what it does |", "|---|---|---|"]
    for var in REGISTRY.values():
        if var.shown is not None:
            default = var.shown
        elif isinstance(var.default, bool):
            default = "true" if var.default else "false"
        elif isinstance(var.default, list | tuple):
            default = ",".join(var.default)
        elif var.default in (None, ""):
            default = "(unset)"
        else:
            default = str(var.default)
        rows.append(f"| `{var.name}` | `{default}` | {var.help} |")
    return "\n".join(rows)
