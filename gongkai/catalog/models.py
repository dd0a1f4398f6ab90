from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models
from django.http import Http404
from django.utils import timezone
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
    # The query parameters the page reads: filters.FILTER_KEYS and the page number.
    cache_params = ("topic", "genre", "year", "department", "validity", "item", "page")

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
    # The only query parameter a record page reads: ?print=1, the print view.
    cache_params = ("print",)

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

    def _set_core_field_defaults(self):
        # Runs before every validation and save (Page.full_clean and minimal_clean).
        self._assign_short_slug()
        super()._set_core_field_defaults()

    def _assign_short_slug(self) -> None:
        """Give a record a short, stable slug instead of one made from its Chinese title
        (see catalog/slugs.py): kept once given, whatever the title or the admin's
        title-to-slug script say later."""
        from django.db.models import Max
        from django.utils import timezone

        from .slugs import needs_short_slug, record_slug

        if not needs_short_slug(self.slug or ""):
            return
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).values_list("slug", flat=True).first()
            if stored and not needs_short_slug(stored):
                self.slug = stored
                return
        parent = getattr(self, "_cached_parent_obj", None) or (
            self.get_parent() if self.path else None
        )
        if parent is None:
            return  # called again from save() once the tree position is known
        number = self.pk or (Page.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
        on = self.written_date or self.publication_date or timezone.localdate()
        base = record_slug(on, number)
        slug, suffix = base, 1
        while not Page._slug_is_available(slug, parent, self):
            suffix += 1
            slug = f"{base}-{suffix}"
        self.slug = slug

    def with_content_json(self, content):
        """Keep what revisions must not roll back: the 索引号, the withdrawal state and the
        moment of first publication (条例 第26条 counts to it; a revision cannot move it), and
        the short slug (a revision saved before it was given still carries the long one)."""
        from .slugs import needs_short_slug

        obj = super().with_content_json(content)
        if needs_short_slug(obj.slug or "") and self.slug and not needs_short_slug(self.slug):
            obj.slug = self.slug
        obj.index_number = self.index_number
        obj.withdrawn_at = self.withdrawn_at
        obj.withdrawal_reason = self.withdrawal_reason
        obj.first_published_at = self.first_published_at
        return obj

    @property
    def first_public_date(self):
        """The day (Asia/Shanghai) this record first went public, or None if it never did."""
        if self.first_published_at is None:
            return None
        return timezone.localdate(self.first_published_at)

    @property
    def shown_publication_date(self):
        """The 发布日期 the public sees: never earlier than the day the record went public."""
        first = self.first_public_date
        if self.publication_date is None or (first and self.publication_date < first):
            return first
        return self.publication_date

    def save(self, *args, **kwargs):
        before = self._stored_state()
        if self.live and self._going_live(before):
            from gongkai.core.publication import check_can_publish

            check_can_publish(self)
        self._keep_first_publication(before)
        if self.live and self.publication_date is None:
            # Left empty: the date first publication set, or that day (after the guard: it
            # is not reviewed content).
            self.publication_date = (before or {}).get("publication_date") or (
                self.first_public_date
            )
        corrected = self._raise_publication_date() if self.live else None
        if self.live and not self.index_number:
            from .services import index_number_assign

            index_number_assign(record=self)
        result = super().save(*args, **kwargs)
        if corrected is not None:
            from .services import record_publication_date_log

            record_publication_date_log(record=self, given=corrected)
        return result

    def _stored_state(self) -> dict | None:
        if self.pk is None:
            return None
        return (
            type(self)
            .objects.filter(pk=self.pk)
            .values(
                "live",
                "live_revision_id",
                "last_published_at",
                "first_published_at",
                "publication_date",
            )
            .first()
        )

    def _going_live(self, before: dict | None) -> bool:
        """True when this save publishes content: a new page live, a live revision change, or
        a revision published again (Wagtail's publish stamps last_published_at)."""
        return (
            before is None
            or not before["live"]
            or (before["live_revision_id"] != self.live_revision_id)
            or (before["last_published_at"] != self.last_published_at)
        )

    def _keep_first_publication(self, before: dict | None) -> None:
        """`first_published_at` is the moment the record first went public (条例 第26条 counts
        to it). Once stored it never changes; otherwise it is set only by going live, to the
        present moment. Nothing an editor or a revision carries can move it; history from
        before the platform is attested by `services.record_first_publication_attest`."""
        stored = before["first_published_at"] if before else None
        if stored is not None:
            self.first_published_at = stored
        elif self.live:
            now = timezone.now()
            moment = self.first_published_at
            # Wagtail's publish stamps it with its own `now` an instant before this save.
            if moment is None or abs(now - moment) > timedelta(minutes=1):
                self.first_published_at = now
        else:
            self.first_published_at = None

    def _raise_publication_date(self):
        """The 发布日期 may not be earlier than the day the record went public: a back-dated
        one is raised to that day. Returns the date that was given if it was corrected."""
        first = self.first_public_date
        if first is None or self.publication_date is None or self.publication_date >= first:
            return None
        given, self.publication_date = self.publication_date, first
        return given


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
