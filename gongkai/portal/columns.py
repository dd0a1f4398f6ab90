"""The registry of the portal's columns (栏目).

Apps meet the portal through this registry instead of the portal importing
every app (CONVENTIONS.md §10). An app registers its column, or gives an
already seeded column its URL, from its ``AppConfig.ready()``::

    from django.urls import reverse_lazy
    from gongkai.portal.columns import register_column

    register_column(
        "interpretations",
        _("Policy interpretation"),
        url=reverse_lazy("interpretations:index"),
        order=60,
        description=_("..."),
    )

Registering a key again replaces the column. The portal seeds the plan's
sections (see :func:`seed_default_columns`) without overwriting a column an
app registered first, so the order in which apps become ready does not matter.
"""

from __future__ import annotations

from dataclasses import dataclass
from threading import Lock

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Text = str | Promise


@dataclass(frozen=True)
class Column:
    """A column of the public site (栏目)."""

    key: str
    title: Text
    url: Text | None = None
    order: int = 100
    description: Text = ""

    @property
    def href(self) -> str | None:
        """The column's URL as a string, or None while it is under construction (建设中)."""
        return str(self.url) if self.url else None

    @property
    def is_ready(self) -> bool:
        return bool(self.href)


_registry: dict[str, Column] = {}
_lock = Lock()


def register_column(
    key: str,
    title: Text,
    url: Text | None = None,
    order: int = 100,
    description: Text = "",
    *,
    replace: bool = True,
) -> Column:
    """Register the column ``key``; a second registration of the same key replaces the first.

    ``url`` is a path or a lazy ``reverse_lazy(...)``; leave it out while the
    column is not built yet, and the portal shows it as under construction.
    With ``replace=False`` an existing column of that key is kept and returned.
    """
    if not key:
        raise ValueError("A column needs a key.")
    column = Column(key=key, title=title, url=url, order=order, description=description)
    with _lock:
        if not replace and key in _registry:
            return _registry[key]
        _registry[key] = column
    return column


def unregister_column(key: str) -> None:
    with _lock:
        _registry.pop(key, None)


def get_column(key: str) -> Column | None:
    return _registry.get(key)


def columns() -> list[Column]:
    """Every registered column, in display order."""
    with _lock:
        registered = list(_registry.values())
    return sorted(registered, key=lambda column: (column.order, column.key))


# The sections of the 2019 work plan (二(一)-(七)) plus the statutory 政府信息公开 column.
DEFAULT_COLUMNS: tuple[Column, ...] = (
    Column(
        "decisions",
        _("Decision disclosure"),
        order=10,
        description=_(
            "Drafts of major decisions published for comment, and how opinions were adopted."
        ),
    ),
    Column(
        "execution",
        _("Execution disclosure"),
        order=20,
        description=_("How major decisions are carried out, supervised and rectified."),
    ),
    Column(
        "management",
        _("Management disclosure"),
        order=30,
        description=_(
            "Power and responsibility lists, law-enforcement publicity, budgets and final accounts."
        ),
    ),
    Column(
        "services",
        _("Service disclosure"),
        order=40,
        description=_("Service guides and how to get things done with the bureau."),
    ),
    Column(
        "results",
        _("Result disclosure"),
        order=50,
        description=_(
            "Employment and entrepreneurship, poverty alleviation and normative documents."
        ),
    ),
    Column(
        "interpretations",
        _("Policy interpretation"),
        order=60,
        description=_("Interpretations of policies, published together with them."),
    ),
    Column(
        "interaction",
        _("Government-public interaction"),
        order=70,
        description=_("The public mailbox, consultations and opinion surveys."),
    ),
    Column(
        "disclosure",
        _("Government information disclosure"),
        order=80,
        description=_(
            "The disclosure guide, the catalogue, applications for disclosure and annual reports."
        ),
    ),
)


def seed_default_columns() -> None:
    """Register the plan's sections, keeping any column an app has registered already."""
    for column in DEFAULT_COLUMNS:
        register_column(
            column.key,
            column.title,
            url=column.url,
            order=column.order,
            description=column.description,
            replace=False,
        )
