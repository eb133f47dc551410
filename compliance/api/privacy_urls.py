from django.urls import path

from .privacy import PrivacyViewSet

urlpatterns = [
    path("privacy/", PrivacyViewSet.as_view({"get": "overview"}), name="privacy"),
    path("privacy/export/", PrivacyViewSet.as_view({"get": "export"}), name="privacy-export"),
]
