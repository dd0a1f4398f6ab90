from django.utils.translation import gettext_lazy as _
from wagtail.models import Page


class HomePage(Page):
    """The portal's home page (局门户网站首页)."""

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")
