from django.urls import path

from . import views

app_name = "syndication"

urlpatterns = [
    path("share/site.png", views.site_share_image, name="site_share_image"),
    path("share/<int:page_id>.png", views.share_image, name="share_image"),
]
