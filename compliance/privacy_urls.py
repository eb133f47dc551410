from django.urls import path

from . import privacy_views

urlpatterns = [
    path("privacy/", privacy_views.privacy, name="privacy-page"),
    path("privacy/withdraw/", privacy_views.withdraw, name="privacy-withdraw"),
    path("privacy/export/", privacy_views.export, name="privacy-export-page"),
]
