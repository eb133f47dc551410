"""teams' write services: every write is one typed function that audits and enqueues after commit.

Import them from here (``from teams import services``); the modules split them by subject."""

from .accounts import (
    MAX_JOIN_LINK_DAYS,
    IssuedJoinLink,
    join_link_accept,
    join_link_create,
    membership_deactivate,
    membership_role_change,
    organization_create,
)
from .invitation_mail import (
    invitation_mail_send,
    invitation_remind,
    invitation_reminders_send,
    invitation_resend,
    invitation_revoke,
    invitations_due_reminder,
    invitations_resend,
)
from .invitations import (
    CSV_COLUMNS,
    MAX_CSV_ROWS,
    CsvImportResult,
    IssuedInvitation,
    invitation_accept,
    invitation_create,
    invitation_link,
    invitation_preview,
    invitations_import_csv,
)

__all__ = [
    "CSV_COLUMNS",
    "MAX_CSV_ROWS",
    "MAX_JOIN_LINK_DAYS",
    "CsvImportResult",
    "IssuedInvitation",
    "IssuedJoinLink",
    "invitation_accept",
    "invitation_create",
    "invitation_link",
    "invitation_mail_send",
    "invitation_preview",
    "invitation_remind",
    "invitation_reminders_send",
    "invitation_resend",
    "invitation_revoke",
    "invitations_due_reminder",
    "invitations_import_csv",
    "invitations_resend",
    "join_link_accept",
    "join_link_create",
    "membership_deactivate",
    "membership_role_change",
    "organization_create",
]
