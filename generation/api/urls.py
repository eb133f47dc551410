from rest_framework.routers import SimpleRouter

from .views import ExportViewSet, HeadshotViewSet, JobViewSet, SelfieViewSet

app_name = "generation-api"

router = SimpleRouter()
router.register("selfies", SelfieViewSet, basename="selfie")
router.register("jobs", JobViewSet, basename="job")
router.register("headshots", HeadshotViewSet, basename="headshot")
router.register("exports", ExportViewSet, basename="export")

urlpatterns = router.urls
