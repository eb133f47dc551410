from django.http import HttpRequest, HttpResponse

from .selectors import membership_for_user


def membership(request: HttpRequest) -> HttpResponse:
    return {"membership": membership_for_user(getattr(request, "user", None))}
