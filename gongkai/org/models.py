import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

ORGANISATION_CODE_RE = re.compile(r"^[0-9A-Z]{9}$|^[0-9A-Z]{18}$")


@register_setting(icon="site")
class Bureau(BaseGenericSetting):
    """The bureau itself (本机关) and its disclosure office, as the 公开指南 names them."""

    name = models.CharField(_("name"), max_length=100, default="政务公开平台")
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    organisation_code = models.CharField(
        _("organisation code"),
        max_length=18,
        default="000000000",
        validators=[
            RegexValidator(
                ORGANISATION_CODE_RE,
                _(
                    "Enter a 9-character organisation code or an 18-character unified social credit code "
                    "(digits and capital letters)."
                ),
            )
        ],
        help_text=_("组织机构代码 (9) or 统一社会信用代码 (18); the prefix of every 索引号."),
    )
    document_prefix = models.CharField(
        _("document number prefix"),
        max_length=20,
        blank=True,
        help_text=_("The bureau's 发文字号 prefix, e.g. 毕人社发."),
    )
    office_name = models.CharField(
        _("disclosure office"),
        max_length=100,
        default="局办公室",
        help_text=_("The office that handles government information disclosure."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    office_hours = models.CharField(_("office hours"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    fax = models.CharField(_("fax"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website_record = models.CharField(_("ICP record number"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("bureau")
        verbose_name_plural = _("bureau")

    def __str__(self) -> str:
        return self.name


class DepartmentKind(models.TextChoices):
    INTERNAL = "internal", _("Internal section")  # 机关科室
    AFFILIATED = "affiliated", _("Affiliated unit")  # 直属单位


class Department(models.Model):
    """A section (科室) or affiliated unit (直属单位) of the bureau."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        allow_unicode=False,
        help_text=_("A short Latin identifier, e.g. office, policy."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DepartmentKind.choices)
    duties = models.TextField(_("duties"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    first_review_by_office = models.BooleanField(
        _("first review by the office"),
        default=False,
        help_text=_(
            "For a department with a single member of staff: the department review (初审) of "
            "its records is done by the office (局办公室) instead, so nobody approves their own "
            "submission."
        ),
    )

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class StaffProfile(models.Model):
    """A member of staff: which department they belong to."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("user"),
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="staff", verbose_name=_("department")
    )
    title = models.CharField(_("job title"), max_length=50, blank=True)
    phone = models.CharField(_("office phone"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        from .selectors import staff_name

        return f"{staff_name(self.user)} ({self.department})"


class Responsibility(models.Model):
    """Who is responsible for a line of the work plan (责任部门).

    Keyed by the plan item (e.g. "二(一)1"). Later modules look up the
    responsible departments of the work they do by this key.
    """

    plan_item = models.CharField(_("plan item"), max_length=20, unique=True)
    title = models.CharField(_("work"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    all_departments = models.BooleanField(
        _("all departments"),
        default=False,
        help_text=_("The plan says 各科室、单位: every section and unit is responsible."),
    )
    departments = models.ManyToManyField(
        Department,
        blank=True,
        related_name="responsibilities",
        verbose_name=_("responsible departments"),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["sort_order", "plan_item"]
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")

    def __str__(self) -> str:
        return f"{self.plan_item} {self.title}"

    def clean(self):
        if not self.plan_item.strip():
            raise ValidationError({"plan_item": _("Enter the plan item, e.g. 二(一)1.")})


class RoleGroup(models.Model):
    """Links a role of `roles.py` to the Wagtail group that realises it."""

    code = models.CharField(_("role"), max_length=40, unique=True)
    group = models.OneToOneField(
        "auth.Group", on_delete=models.CASCADE, related_name="role_link", verbose_name=_("group")
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return self.group.name
