from django.urls import path

from .views import ConsentViewSet

urlpatterns = [
    path("consent/", ConsentViewSet.as_view({"get": "current"}), name="consent"),
    path("consent/grant/", ConsentViewSet.as_view({"post": "grant"}), name="consent-grant"),
    path("consent/withdraw/", ConsentViewSet.as_view({"post": "withdraw"}), name="consent-withdraw"),
]
