from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from gongkai.api import api
from gongkai.files.views import serve_media

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v1/", api.urls),
    path("account/", include("gongkai.org.urls")),
    path("", include("gongkai.portal.urls")),
    path("", include("gongkai.search.urls")),
    path("", include("gongkai.press.urls")),
    path("", include("gongkai.catalog.urls")),
    path("", include("gongkai.syndication.urls")),
]

# Uploaded files leave only through the gate: public renditions of public images, and
# images to permitted staff; everything else under MEDIA_ROOT answers 404.
urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve_media, name="files_media")]

urlpatterns += [path("", include(wagtail_urls))]
