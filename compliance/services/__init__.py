"""Every write in the compliance app. Split by topic; import from here."""

from .consent import (
    ConsentRequired,
    consent_active,
    consent_grant,
    consent_require,
    consent_text_current,
    consent_text_for,
    consent_text_publish,
    consent_withdraw,
    member_jurisdiction,
    member_jurisdiction_set,
)
from .erasure import member_erase, member_purge, receipt_retry
from .policy import retention_policy_get, retention_policy_update
from .retention import offboarding_erase, offboarding_start, retention_plan, retention_rows_delete, retention_sweep
from .subject_access import subject_access_export

__all__ = [
    "ConsentRequired",
    "consent_active",
    "consent_grant",
    "consent_require",
    "consent_text_current",
    "consent_text_for",
    "member_jurisdiction",
    "member_jurisdiction_set",
    "consent_text_publish",
    "consent_withdraw",
    "member_erase",
    "member_purge",
    "offboarding_erase",
    "offboarding_start",
    "receipt_retry",
    "retention_rows_delete",
    "retention_plan",
    "retention_policy_get",
    "retention_policy_update",
    "retention_sweep",
    "subject_access_export",
]
