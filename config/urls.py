from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from generation.views import media_signed

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("teams.api.urls")),
    path("api/", include("compliance.api.urls")),
    path("api/", include("generation.api.urls")),
    path("api/", include("compliance.api.privacy_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("media/s/<str:token>/", media_signed, name="media-signed"),
    path("", include("teams.urls")),
    path("", include("compliance.urls")),
    path("", include("compliance.privacy_urls")),
    path("", include("generation.urls")),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
