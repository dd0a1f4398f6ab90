from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from gongkai.org.permissions import DepartmentOwnedPageMixin
from gongkai.portal.cache import PublicCacheMixin

from .choices import DisclosureAttribute, DisclosureItem, Validity, WithholdingReason
from .forms import CatalogRecordForm
from .permissions import RecordPermissionTester

INDEX_NUMBER_RE = r"^[0-9A-Z]{9,18}/\d{4}-\d{5}$"


class TopicCategory(models.Model):
    """主题分类: the gov.cn topic classification, two levels."""

    name = models.CharField(_("name"), max_length=50)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent class"),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["parent__sort_order", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="catalog_topic_unique_name")
        ]
        verbose_name = _("topic class")
        verbose_name_plural = _("topic classes")

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    def clean(self):
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": _("The classification has two levels only.")})


class Genre(models.Model):
    """体裁 / 公文种类 (决定, 通知, 意见, 工作方案 ...)."""

    name = models.CharField(_("name"), max_length=30, unique=True)
    sort_order = models.PositiveIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("genre")
        verbose_name_plural = _("genres")

    def __str__(self) -> str:
        return self.name


class IndexNumberCounter(models.Model):
    """The last 索引号 sequence number used for a prefix and year (see services)."""

    prefix = models.CharField(max_length=18)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="catalog_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}/{self.year}: {self.last}"


class CatalogColumnPage(PublicCacheMixin, Page):
    """A column (栏目) of the catalogue, e.g. 决策公开 or its sub-column 规范性文件."""

    intro = models.TextField(_("introduction"), blank=True)
    column_key = models.SlugField(
        _("column key"),
        max_length=40,
        blank=True,
        help_text=_("Links a top-level column to the portal's navigation, e.g. decisions."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("column_key")]
    parent_page_types = ["portal.HomePage", "catalog.CatalogColumnPage"]
    subpage_types = ["catalog.CatalogColumnPage", "catalog.CatalogRecord"]
    template = "catalog/column_page.html"

    class Meta:
        verbose_name = _("column")
        verbose_name_plural = _("columns")

    def get_workflow(self):
        # Columns are structure, not government information: the review workflow
        # (assigned to the whole tree) applies to the records inside them only.
        return None

    def get_context(self, request, *args, **kwargs):
        from .views import column_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(column_page_context(self, request))
        return context


class CatalogRecord(DepartmentOwnedPageMixin, PublicCacheMixin, Page):
    """A piece of government information (政府信息) in the catalogue (政府信息公开目录).

    Its 索引号 is assigned once, on first publication, and never changes
    (REGULATIONS §4); withdrawal is a state, not a deletion. Its department's staff write
    it (org/permissions.py); it leaves the site only by withdrawal (catalog/permissions.py).
    """

    permission_tester_class = RecordPermissionTester
    base_form_class = CatalogRecordForm

    index_number = models.CharField(
        _("index number"),
        max_length=30,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        validators=[RegexValidator(INDEX_NUMBER_RE)],
    )
    topic = models.ForeignKey(
        TopicCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=False,
        related_name="records",
        verbose_name=_("topic class"),
    )
    genre = models.ForeignKey(
        Genre,
        on_delete=models.PROTECT,
        null=True,
        blank=False,
        related_name="records",
        verbose_name=_("genre"),
    )
    publisher = models.CharField(
        _("issuing organ"),
        max_length=100,
        blank=True,
        help_text=_("发布机构. Empty means the bureau itself."),
    )
    doc_number = models.CharField(
        _("document number"),
        max_length=60,
        blank=True,
        db_index=True,
        help_text=_("文号, e.g. 毕人社发〔2019〕12号; [2019], (2019) and （2019） are accepted."),
    )
    written_date = models.DateField(_("date written"), null=True, blank=True)
    publication_date = models.DateField(
        _("publication date"),
        null=True,
        blank=True,
        help_text=_("发布日期. Set on first publication if left empty."),
    )
    formed_date = models.DateField(
        _("date formed or changed"),
        null=True,
        blank=False,
        help_text=_(
            "When this information was formed or last changed; it must be published within "
            "20 working days (条例 第26条)."
        ),
    )
    validity = models.CharField(
        _("validity"), max_length=10, choices=Validity.choices, default=Validity.VALID
    )
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("repealed or replaced by"),
    )
    keywords = models.CharField(_("subject terms"), max_length=200, blank=True)
    summary = models.TextField(
        _("summary"),
        blank=True,
        validators=[MaxLengthValidator(100)],
        help_text=_("内容概述, at most 100 characters."),
    )
    disclosure = models.CharField(
        _("disclosure attribute"),
        max_length=12,
        choices=DisclosureAttribute.choices,
        default=DisclosureAttribute.PROACTIVE,
    )
    withholding_reason = models.CharField(
        _("reason not disclosed"),
        max_length=20,
        choices=WithholdingReason.choices,
        blank=True,
    )
    withholding_note = models.TextField(_("explanation"), blank=True)
    rereview_date = models.DateField(
        _("re-review date"),
        null=True,
        blank=True,
        help_text=_("条例 第18条: when a withheld record is reviewed again."),
    )
    disclosure_item = models.CharField(
        _("statutory item"),
        max_length=16,
        choices=DisclosureItem.choices,
        blank=False,
        default=DisclosureItem.OTHER,
    )
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=False,
        related_name="catalog_records",
        verbose_name=_("responsible department"),
    )
    body = RichTextField(_("body"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(_("withdrawal reason"), blank=True, editable=False)

    search_fields = [
        *Page.search_fields,
        index.SearchField("doc_number"),
        index.SearchField("summary"),
        index.SearchField("keywords"),
        index.SearchField("body"),
        index.FilterField("validity"),
        index.FilterField("disclosure"),
    ]

    metadata_panels = [
        # 主题分类 and 体裁 side by side (two short lists); 法定公开事项 alone on its row, since
        # its options quote 条例 第二十条 at length and squeezed the column next to it.
        FieldRowPanel([FieldPanel("genre"), FieldPanel("topic")]),
        FieldPanel("disclosure_item"),
        FieldRowPanel([FieldPanel("doc_number"), FieldPanel("department")]),
        FieldPanel("publisher"),
        FieldRowPanel(
            [FieldPanel("written_date"), FieldPanel("formed_date"), FieldPanel("publication_date")]
        ),
        FieldRowPanel([FieldPanel("validity"), FieldPanel("replaced_by")]),
        FieldPanel("keywords"),
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("disclosure"),
                FieldRowPanel([FieldPanel("withholding_reason"), FieldPanel("rereview_date")]),
                FieldPanel("withholding_note"),
            ],
            heading=_("Disclosure"),
        ),
    ]
    content_panels = [
        *Page.content_panels,
        FieldPanel("body"),
        InlinePanel("attachments", label=_("Attachments")),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(metadata_panels, heading=_("Catalogue metadata")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )

    parent_page_types = ["catalog.CatalogColumnPage"]
    subpage_types: list[str] = []
    template = "catalog/record_page.html"

    class Meta:
        verbose_name = _("catalogue record")
        verbose_name_plural = _("catalogue records")

    def clean(self):
        super().clean()
        from gongkai.core.docnumber import DocNumberError, normalise_doc_number

        errors = {}
        if self.doc_number:
            try:
                self.doc_number = normalise_doc_number(self.doc_number)
            except DocNumberError as exc:
                errors["doc_number"] = str(exc)
        if self.disclosure == DisclosureAttribute.WITHHELD:
            if not self.withholding_reason:
                errors["withholding_reason"] = _("Say why this record is not disclosed.")
            if not self.rereview_date:
                errors["rereview_date"] = _("Set the date it is reviewed again (条例 第18条).")
        elif self.withholding_reason:
            errors["withholding_reason"] = _(
                "Only a record that is not disclosed has a reason for it."
            )
        if self.replaced_by_id and self.replaced_by_id == self.pk:
            errors["replaced_by"] = _("A record cannot replace itself.")
        if self.replaced_by_id and self.validity == Validity.VALID:
            errors["validity"] = _("A record that has been replaced is no longer in force.")
        if errors:
            raise ValidationError(errors)

    def get_context(self, request, *args, **kwargs):
        from .views import record_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(record_page_context(self, request))
        return context

    @property
    def is_public(self) -> bool:
        """Shown to the public: proactively disclosed and not withdrawn (liveness aside)."""
        return self.disclosure == DisclosureAttribute.PROACTIVE and self.withdrawn_at is None

    def serve(self, request, *args, **kwargs):
        # A withheld or withdrawn record stays in the staff archive but is gone from the site.
        if not self.is_public:
            raise Http404
        return super().serve(request, *args, **kwargs)

    def with_content_json(self, content):
        """Keep what revisions must not roll back: the 索引号 and the withdrawal state."""
        obj = super().with_content_json(content)
        obj.index_number = self.index_number
        obj.withdrawn_at = self.withdrawn_at
        obj.withdrawal_reason = self.withdrawal_reason
        return obj

    def save(self, *args, **kwargs):
        if self.live and self._going_live():
            from gongkai.core.publication import check_can_publish

            check_can_publish(self)
        if self.live and not self.index_number:
            from .services import index_number_assign

            index_number_assign(record=self)
        elif self.live and self.publication_date is None and self.pk:
            # Published again from a revision whose 发布日期 was left empty: keep the date
            # that first publication set (after the guard: it is not reviewed content).
            self.publication_date = (
                type(self).objects.filter(pk=self.pk).values_list("publication_date", flat=True)
            ).first()
        return super().save(*args, **kwargs)

    def _going_live(self) -> bool:
        """True when this save publishes content: a new page live, a live revision change, or
        a revision published again (Wagtail's publish stamps last_published_at)."""
        if self.pk is None:
            return True
        before = (
            type(self)
            .objects.filter(pk=self.pk)
            .values("live", "live_revision_id", "last_published_at")
            .first()
        )
        return (
            before is None
            or not before["live"]
            or (before["live_revision_id"] != self.live_revision_id)
            or (before["last_published_at"] != self.last_published_at)
        )


class RecordAttachment(Orderable):
    """A file attached to a catalogue record (附件)."""

    record = ParentalKey(CatalogRecord, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("file"),
    )
    title = models.CharField(_("title"), max_length=200, blank=True)

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.title or self.document.title


from .archive import AttachmentOriginal  # noqa: E402,F401
