from django.urls import path

from . import views

app_name = "account"
urlpatterns = [
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/backup-codes/", views.two_factor_backup_codes, name="two_factor_backup_codes"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
]
