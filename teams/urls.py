from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .signin import SignInView

app_name = "teams"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("invite/<str:token>/", views.invite_accept, name="invite-accept"),
    path("join/<str:token>/", views.join, name="join"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/new/", views.invitation_create, name="invitation-create"),
    path("invitations/import/", views.invitations_import, name="invitations-import"),
    path("invitations/join-links/new/", views.join_link_create, name="join-link-create"),
]
