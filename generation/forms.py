"""Forms for the generation pages: input is validated here, never read raw from request.POST."""

from __future__ import annotations

from typing import Any

from django import forms

from teams.models import Membership

from .models import Headshot
from .selectors import review_queue


class BulkApproveForm(forms.Form):
    """The headshots HR ticked in the review queue; only the actor's own queue is offered."""

    headshots: forms.ModelMultipleChoiceField[Headshot] = forms.ModelMultipleChoiceField(
        queryset=Headshot.objects.none()
    )

    def __init__(self, *args: Any, actor: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["headshots"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = review_queue(actor=actor).select_related("member__user")

    def problem(self) -> str:
        """One sentence for the page: what went wrong with the ticked headshots."""
        if self.has_error("headshots", "required"):
            return "Tick at least one headshot to approve."
        return (
            "Some of the ticked headshots are no longer waiting for review, so nothing was approved. Reload the page."
        )


class JobRequestForm(forms.Form):
    # The page's one-time key: a double submit finds the job the first one made.
    idempotency_key = forms.CharField(required=False, max_length=100)


class RejectForm(forms.Form):
    reason = forms.CharField(required=False, max_length=500)  # the service says when one is needed


class ExportForm(forms.Form):
    department = forms.CharField(required=False, max_length=120)
