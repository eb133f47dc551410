from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("media/s/<str:token>/", views.media_signed, name="media-signed"),
]
