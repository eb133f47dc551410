from django.urls import path

from .views import ConsentViewSet, PrivacyViewSet

app_name = "compliance-api"

urlpatterns = [
    path("consent/", ConsentViewSet.as_view({"get": "current"}), name="consent"),
    path("consent/grant/", ConsentViewSet.as_view({"post": "grant"}), name="consent-grant"),
    path("consent/withdraw/", ConsentViewSet.as_view({"post": "withdraw"}), name="consent-withdraw"),
    path("privacy/", PrivacyViewSet.as_view({"get": "overview"}), name="privacy"),
    path("privacy/export/", PrivacyViewSet.as_view({"get": "export"}), name="privacy-export"),
]
