"""The errors services raise for input the product refuses.

No web layer here: the API maps each class to an HTTP status in one handler
(``core.api.exceptions``), and pages map them in ``teams.access.refuse``.
"""

from __future__ import annotations


class ApplicationError(Exception):
    """A request the product refuses, with a sentence a person understands.

    ``code`` is stable for clients; ``details`` carries structured extras
    (for example the bad rows of a CSV import).
    """

    default_code = "invalid"
    http_status = 400  # a plain number: this module knows nothing of the web layer

    def __init__(self, message: str, *, code: str | None = None, details: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.details = details


class NotAllowed(ApplicationError):
    """The actor's role does not allow this."""

    default_code = "not_allowed"
    http_status = 403


class NotFound(ApplicationError):
    """No such object for this actor (another organisation's objects look absent)."""

    default_code = "not_found"
    http_status = 404
