from typing import Any

from django.http import HttpRequest

from .selectors import membership_for_user


def membership(request: HttpRequest) -> dict[str, Any]:
    return {"membership": membership_for_user(getattr(request, "user", None))}
