"""One page of a list, so no page grows with the team."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PER_PAGE = 25


class PageForm(forms.Form):
    page = forms.IntegerField(min_value=1, required=False)


def page_number(data: Any) -> int:
    """The page a request (GET, or a POST's hidden field) asks for; 1 when absent or bad."""
    form = PageForm(data)
    return (form.cleaned_data.get("page") or 1) if form.is_valid() else 1


def page_of(request: HttpRequest, items: Any, *, per_page: int = PER_PAGE) -> Page:
    """``items`` (an ordered queryset) cut to the requested page; past the end gives the last."""
    return Paginator(items, per_page).get_page(page_number(request.GET))
