from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("accessibility/large-font/", views.set_font_mode, {"large": True}, name="large_font"),
    path("accessibility/standard/", views.set_font_mode, {"large": False}, name="standard_font"),
]
