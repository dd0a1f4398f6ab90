from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from .cache import PublicCacheMixin


class HomePage(PublicCacheMixin, Page):
    """The portal's home page (局门户网站首页)."""

    intro = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("A sentence or two under the bureau's name."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    cache_params = ()  # reads no query parameter
    template = "portal/home_page.html"

    def get_context(self, request, *args, **kwargs):
        from .home import PARTICIPATION, PUBLICATIONS, home_sections

        context = super().get_context(request, *args, **kwargs)
        context["home_sections"] = home_sections(PUBLICATIONS)
        context["participation_sections"] = home_sections(PARTICIPATION)
        return context

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")
