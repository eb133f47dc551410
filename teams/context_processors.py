from .selectors import membership_for_user


def membership(request):
    return {"membership": membership_for_user(getattr(request, "user", None))}
