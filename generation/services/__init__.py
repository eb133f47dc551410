"""Every write in the generation app. Split by topic; import from here."""

from .downloads import (
    headshot_approved_of,
    headshot_download,
    headshot_download_zip,
    headshot_sizes,
    platform_size_render,
)
from .exports import export_build, export_create, export_download_url, exports_resume_stalled
from .jobs import job_cancel, job_cancel_for_member, job_dispatch, job_enqueue, job_retry, job_run
from .provided import headshot_provide
from .review import headshot_approve, headshot_choose, headshot_reject, headshot_view_url
from .selfies import (
    selfie_check,
    selfie_delete,
    selfie_descriptors_rotate,
    selfie_upload,
    selfie_view_url,
    selfies_release_after_render,
)
from .sizes import headshot_sizes_make
from .style_editor import brand_style_preview, brand_style_rerender_approved, brand_style_save
from .styles import brand_style_create_default, brand_style_update
from .sweep import jobs_sweep

__all__ = [
    "headshot_provide",
    "brand_style_create_default",
    "brand_style_preview",
    "brand_style_rerender_approved",
    "brand_style_save",
    "brand_style_update",
    "export_build",
    "headshot_approved_of",
    "headshot_download",
    "headshot_download_zip",
    "headshot_sizes",
    "platform_size_render",
    "export_create",
    "export_download_url",
    "exports_resume_stalled",
    "headshot_sizes_make",
    "headshot_approve",
    "headshot_choose",
    "headshot_reject",
    "headshot_view_url",
    "job_cancel",
    "job_cancel_for_member",
    "job_dispatch",
    "job_enqueue",
    "job_retry",
    "job_run",
    "jobs_sweep",
    "selfie_check",
    "selfie_delete",
    "selfie_descriptors_rotate",
    "selfie_upload",
    "selfie_view_url",
    "selfies_release_after_render",
]
