from django.urls import path

from . import views

app_name = "compliance"

urlpatterns = [
    path("consent/", views.consent, name="consent"),
    path("privacy/", views.privacy, name="privacy"),
    path("privacy/withdraw/", views.withdraw, name="privacy-withdraw"),
    path("privacy/export/", views.export, name="privacy-export"),
    path("privacy/erase-account/", views.erase_account, name="privacy-erase-account"),
    path("privacy/o/<slug:slug>/", views.public_privacy, name="public-privacy"),
    path("privacy/records/<slug:kind>.md", views.records, name="privacy-records"),
]
