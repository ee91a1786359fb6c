from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import filter_users_by_username
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

    def authenticate(self, request, **credentials):
        """One password hash per log-in by email, whether or not the address is registered.

        allauth also tries an address as a username (for usernames that look like one), so
        a registered address had its password checked twice by allauth's backend and hashed
        once more by Django's ModelBackend: three hashes against two for an unknown address,
        a difference anyone can time. Without the username, Django's backend steps aside and
        allauth's checks the password once, or hashes it once for an unknown address.
        Usernames are public (/u/<username>/), so looking one up tells nothing new.
        """
        login = credentials.get("email")
        if login and credentials.get("username") == login and not filter_users_by_username(login).exists():
            credentials = {key: value for key, value in credentials.items() if key != "username"}
        return super().authenticate(request, **credentials)
