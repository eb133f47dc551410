from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views
from .password_reset import PasswordResetView
from .signin import SignInView

app_name = "teams"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(success_url=reverse_lazy("teams:password_reset_complete")),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("invite/<str:token>/", views.invite_accept, name="invite-accept"),
    path("join/<str:token>/", views.join, name="join"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/new/", views.invitation_create, name="invitation-create"),
    path("invitations/import/", views.invitations_import, name="invitations-import"),
    path("invitations/join-links/new/", views.join_link_create, name="join-link-create"),
    path("invitations/resend/", views.invitations_resend, name="invitations-resend"),
    path("invitations/<uuid:invitation_id>/resend/", views.invitation_resend, name="invitation-resend"),
    path("invitations/<uuid:invitation_id>/remind/", views.invitation_remind, name="invitation-remind"),
    path("invitations/<uuid:invitation_id>/revoke/", views.invitation_revoke, name="invitation-revoke"),
    path("team/members/<uuid:member_id>/role/", views.member_role, name="member-role"),
    path("team/members/<uuid:member_id>/offboard/", views.member_offboard, name="member-offboard"),
]
