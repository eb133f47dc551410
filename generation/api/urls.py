from django.urls import path
from rest_framework.routers import SimpleRouter

from .rollout import BrandStylePreviewView, BrandStyleView, MyHeadshotFileView, MyHeadshotView, TeamView
from .views import ExportViewSet, HeadshotViewSet, JobViewSet, SelfieViewSet

app_name = "generation-api"

router = SimpleRouter()
router.register("selfies", SelfieViewSet, basename="selfie")
router.register("jobs", JobViewSet, basename="job")
router.register("headshots", HeadshotViewSet, basename="headshot")
router.register("exports", ExportViewSet, basename="export")

urlpatterns = [
    *router.urls,
    path("team/", TeamView.as_view(), name="api-team"),
    path("brand-style/", BrandStyleView.as_view(), name="api-brand-style"),
    path("brand-style/preview/", BrandStylePreviewView.as_view(), name="api-brand-style-preview"),
    path("me/headshot/", MyHeadshotView.as_view(), name="api-my-headshot"),
    path("me/headshot/<slug:platform>/", MyHeadshotFileView.as_view(), name="api-my-headshot-file"),
]
