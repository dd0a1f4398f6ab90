"""The statutory 政府信息公开 section under /gongkai/, the column feeds, sitemap and robots.txt.

Mounted at the site root (before Wagtail's catch-all), so that /sitemap.xml and
/robots.txt are where crawlers look for them.
"""

from django.urls import path

from . import feeds, sitemaps, views

app_name = "catalog"

urlpatterns = [
    path("gongkai/guide/", views.guide, name="guide"),
    path("gongkai/catalogue/", views.catalogue, name="catalogue"),
    path("gongkai/statutory/", views.statutory, name="statutory"),
    path("gongkai/annual-reports/", views.annual_reports, name="annual_reports"),
    path("gongkai/apply/", views.apply, name="apply"),
    path("gongkai/feeds/<int:page_id>/rss/", feeds.column_rss, name="feed_rss"),
    path("gongkai/feeds/<int:page_id>/atom/", feeds.column_atom, name="feed_atom"),
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
]
