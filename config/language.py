"""Switching the interface language without a form token, so that visitors' pages can be cached.

Choosing a language changes only the chooser's own cookie; there is nothing for
another site to forge. A logged-in member's choice is also kept on their profile,
and their browser is given it again at each log-in (profiles/receivers.py).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import check_for_language

from web.redirects import redirect_back


def remember_language(response, code: str) -> None:
    """The browser that gets `response` speaks `code` from its next page on: the one cookie
    the language switch, a saved profile and a log-in all set."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )


def switch_language(request):
    code = request.GET.get("language", "")
    response = redirect_back(request, "/")
    if code in dict(settings.LANGUAGES) and check_for_language(code):
        remember_language(response, code)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language != code:
            get_user_model().objects.filter(pk=user.pk).update(language=code)
    return response
