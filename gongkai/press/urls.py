from django.urls import path

from . import views

app_name = "press"

urlpatterns = [
    path("press/", views.subscribe, name="subscribe"),
    path("press/confirm/<str:token>/", views.confirm, name="confirm"),
    path("press/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
