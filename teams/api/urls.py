from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import AuthTokenView, InvitationViewSet, JoinLinkViewSet

app_name = "teams-api"

router = SimpleRouter()
router.register("invitations", InvitationViewSet, basename="invitation")
router.register("join-links", JoinLinkViewSet, basename="join-link")

urlpatterns = [path("auth/token/", AuthTokenView.as_view(), name="auth-token"), *router.urls]
