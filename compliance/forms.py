"""The consent and privacy pages' forms: input is validated here, the services decide."""

from __future__ import annotations

from django import forms


class ConsentForm(forms.Form):
    # The version and hash come back from the page: they are what this member was shown.
    agree = forms.BooleanField(error_messages={"required": "Tick the box to confirm that you give your consent."})
    text_version = forms.CharField(required=False, max_length=40)
    text_sha256 = forms.CharField(required=False, max_length=64)


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField()


class EraseAccountForm(forms.Form):
    """The member types the phrase: erasing an account cannot be undone."""

    PHRASE = "erase my account"
    confirm = forms.CharField(required=False, strip=False)

    def clean_confirm(self) -> str:
        if self.cleaned_data["confirm"] != self.PHRASE:
            raise forms.ValidationError(f"Type “{self.PHRASE}” to confirm.")
        return self.cleaned_data["confirm"]
