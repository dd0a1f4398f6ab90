"""Fixed vocabularies of the catalogue, set by statute."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DisclosureItem(models.TextChoices):
    """What 条例 第20条 (and 第21条 for cities) says must be published proactively."""

    REGULATIONS = "20-1", _("Art.20(1) laws, rules and normative documents")
    FUNCTIONS = "20-2", _("Art.20(2) functions, structure and contacts")
    PLANS = "20-3", _("Art.20(3) plans and policies")
    STATISTICS = "20-4", _("Art.20(4) statistics")
    LICENSING = "20-5", _("Art.20(5) licensing: basis, conditions, procedure, results")
    PENALTIES = "20-6", _("Art.20(6) penalties and enforcement")
    BUDGETS = "20-7", _("Art.20(7) budgets and final accounts")
    FEES = "20-8", _("Art.20(8) fees: basis and standards")
    PROCUREMENT = "20-9", _("Art.20(9) centralised procurement")
    PROJECTS = "20-10", _("Art.20(10) major construction projects")
    PUBLIC_SERVICES = (
        "20-11",
        _("Art.20(11) poverty relief, education, health, social security and employment"),
    )
    EMERGENCIES = "20-12", _("Art.20(12) emergencies")
    SUPERVISION = "20-13", _("Art.20(13) supervision and inspection")
    CIVIL_SERVICE = "20-14", _("Art.20(14) civil service recruitment")
    OTHER = "20-15", _("Art.20(15) other information to be published by law")
    SOCIAL_ASSISTANCE = "21-assistance", _("Art.21 social assistance")
    CITY_PUBLIC_SERVICES = "21-services", _("Art.21 public services")


class Validity(models.TextChoices):
    """有效性."""

    VALID = "valid", _("In force")
    EXPIRED = "expired", _("Expired")
    REPEALED = "repealed", _("Repealed")


class DisclosureAttribute(models.TextChoices):
    """公开属性 (条例 第13–16条)."""

    PROACTIVE = "proactive", _("Published proactively")
    ON_REQUEST = "on_request", _("Disclosed on request")
    WITHHELD = "withheld", _("Not disclosed")


class WithholdingReason(models.TextChoices):
    """Why a record is not disclosed (条例 第14–16条); the codes match the annual report."""

    STATE_SECRET = "state_secret", _("State secret (Art.14)")
    FORBIDDEN_BY_LAW = "forbidden_by_law", _("Forbidden by other laws (Art.14)")
    SECURITY = "security", _("Endangers the three securities and stability (Art.14)")
    THIRD_PARTY = "third_party", _("Trade secret or privacy of a third party (Art.15)")
    INTERNAL_AFFAIRS = "internal_affairs", _("Internal affairs information (Art.16)")
    PROCESS = "process", _("Process information (Art.16)")
    ENFORCEMENT_FILE = "enforcement_file", _("Administrative enforcement file (Art.16)")
