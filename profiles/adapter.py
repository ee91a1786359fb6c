from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    """Remember the language a member signed up in, so emails and pages follow it."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        language = translation.get_language() or ""
        user.language = language[:2] if language[:2] in {"en", "fr"} else ""
        if commit:
            user.save()
        return user
