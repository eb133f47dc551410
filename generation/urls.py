from django.urls import path

from .views import downloads, exports, jobs, review, selfies, style, team

app_name = "generation"

urlpatterns = [
    path("selfies/", selfies.selfies, name="selfies"),
    path("selfies/<uuid:selfie_id>/", selfies.selfie_card, name="selfie-card"),
    path("selfies/<uuid:selfie_id>/delete/", selfies.selfie_delete, name="selfie-delete"),
    path("jobs/new/", jobs.job_request, name="job-request"),
    path("jobs/<uuid:job_id>/", jobs.job_detail, name="job-detail"),
    path("jobs/<uuid:job_id>/retry/", jobs.job_retry, name="job-retry"),
    path("jobs/<uuid:job_id>/cancel/", jobs.job_cancel, name="job-cancel"),
    path("headshots/<uuid:headshot_id>/choose/", jobs.headshot_choose, name="headshot-choose"),
    path("headshots/provide/", selfies.headshot_provide, name="headshot-provide"),
    path("review/", review.review, name="review"),
    path("review/approve/", review.review_bulk_approve, name="review-bulk-approve"),
    path("review/<uuid:headshot_id>/approve/", review.review_approve, name="review-approve"),
    path("review/<uuid:headshot_id>/reject/", review.review_reject, name="review-reject"),
    path("exports/", exports.exports, name="exports"),
    path("exports/<uuid:export_id>/download/", exports.export_download, name="export-download"),
    path("me/headshot/", downloads.my_headshot, name="my-headshot"),
    path("me/headshot/all.zip", downloads.my_headshot_zip, name="my-headshot-zip"),
    path("me/headshot/<slug:platform>.jpg", downloads.my_headshot_download, name="my-headshot-download"),
    path("team/", team.team, name="team"),
    path("brand-style/", style.brand_style, name="brand-style"),
    path("team.csv", team.team_csv, name="team-csv"),
]
