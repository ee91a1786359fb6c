from types import SimpleNamespace
from urllib.parse import urlencode, urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import filter_users_by_username
from django.conf import settings
from django.utils import translation

from web.redirects import is_same_site


class AccountAdapter(DefaultAccountAdapter):
    """allauth as Agora wants it: the language a member signed up in is remembered, so emails and
    pages follow it; `next` obeys the site's one rule; emails speak for SITE_NAME at SITE_URL."""

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

    def is_open_for_signup(self, request):
        """Sign-up with a password, unless LOCAL_SIGNUP turned it off (log-in stays; providers'
        accounts still come in: profiles/sso.py)."""
        return settings.LOCAL_SIGNUP

    def is_safe_url(self, url):
        """`next` follows the site's one rule (web/redirects.py): this site's own addresses only."""
        return bool(url) and self.request is not None and is_same_site(self.request, url)

    def get_email_confirmation_url(self, request, emailconfirmation):
        """The link carries the page the visitor signed up from: opened in the browser that signed
        up, confirming signs them in and takes them back there (the pending log-in remembers it);
        opened elsewhere, it still takes them back there once confirmed."""
        url = super().get_email_confirmation_url(request, emailconfirmation)
        back = (request.POST.get("next") or request.GET.get("next") or "") if request else ""
        if back and is_same_site(request, back):
            url += "?" + urlencode({"next": back})
        return url

    def send_mail(self, template_prefix, email, context):
        """allauth's emails in the recipient's language, signed with SITE_NAME, and with links on
        SITE_URL: allauth builds them from the host the request came in by, which is not the
        public address behind a proxy or in the demo ("Hello from 127.0.0.1:8000!")."""
        member = context.get("user")
        language = getattr(member, "language", "") or translation.get_language() or settings.LANGUAGE_CODE
        site_url = urlsplit(settings.SITE_URL)
        context = {
            **context,
            **{key: _on_site(value, self.request) for key, value in context.items() if key.endswith("_url")},
            "current_site": SimpleNamespace(name=settings.SITE_NAME, domain=site_url.netloc),
        }
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    def send_notification_mail(self, template_prefix, user, context=None, email=None):
        """Security notices (password changed, email changed) in the member's language too."""
        super().send_notification_mail(template_prefix, user, {"user": user, **(context or {})}, email)


def _on_site(url, request):
    """The same address on SITE_URL, for an absolute URL allauth built on this request's host."""
    if not isinstance(url, str) or request is None:
        return url
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or parts.netloc != request.get_host():
        return url
    return settings.SITE_URL + parts.path + (f"?{parts.query}" if parts.query else "")
