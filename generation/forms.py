"""Forms for the generation pages: input is validated here, never read raw from request.POST."""

from __future__ import annotations

from typing import Any

from django import forms

from teams.models import Membership

from .selectors import review_queue


class BulkApproveForm(forms.Form):
    """The headshots HR ticked in the review queue; only the actor's own queue is offered."""

    headshots = forms.ModelMultipleChoiceField(queryset=None)

    def __init__(self, *args: Any, actor: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["headshots"].queryset = review_queue(actor=actor).select_related("member__user")

    def problem(self) -> str:
        """One sentence for the page: what went wrong with the ticked headshots."""
        if self.has_error("headshots", "required"):
            return "Tick at least one headshot to approve."
        return (
            "Some of the ticked headshots are no longer waiting for review, so nothing was approved. Reload the page."
        )
