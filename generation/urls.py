from django.urls import path

from . import roster_views, style_views, views

app_name = "generation"

urlpatterns = [
    path("selfies/", views.selfies, name="selfies"),
    path("selfies/<uuid:selfie_id>/", views.selfie_card, name="selfie-card"),
    path("selfies/<uuid:selfie_id>/delete/", views.selfie_delete, name="selfie-delete"),
    path("jobs/new/", views.job_request, name="job-request"),
    path("jobs/<uuid:job_id>/", views.job_detail, name="job-detail"),
    path("jobs/<uuid:job_id>/retry/", views.job_retry, name="job-retry"),
    path("jobs/<uuid:job_id>/cancel/", views.job_cancel, name="job-cancel"),
    path("headshots/<uuid:headshot_id>/choose/", views.headshot_choose, name="headshot-choose"),
    path("headshots/provide/", views.headshot_provide, name="headshot-provide"),
    path("review/", views.review, name="review"),
    path("review/approve/", views.review_bulk_approve, name="review-bulk-approve"),
    path("review/<uuid:headshot_id>/approve/", views.review_approve, name="review-approve"),
    path("review/<uuid:headshot_id>/reject/", views.review_reject, name="review-reject"),
    path("exports/", views.exports, name="exports"),
    path("exports/<uuid:export_id>/download/", views.export_download, name="export-download"),
    path("me/headshot/", views.my_headshot, name="my-headshot"),
    path("me/headshot/all.zip", views.my_headshot_zip, name="my-headshot-zip"),
    path("me/headshot/<slug:platform>.jpg", views.my_headshot_download, name="my-headshot-download"),
    path("team/", roster_views.team, name="team"),
    path("brand-style/", style_views.brand_style, name="brand-style"),
    path("team.csv", roster_views.team_csv, name="team-csv"),
]
