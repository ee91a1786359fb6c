"""The profiles app reacts to sign-in events (connected in ProfilesConfig.ready()): what a
member may see changes with their sessions and password (profiles.events.access_changed), and
the language they chose follows them to every browser they log in on."""

from allauth.account.signals import password_changed, password_reset, password_set, user_logged_in
from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.utils import translation

from config.language import remember_language
from profiles import events as profile_events
from profiles.models import Member


def on_logged_in(sender, request, response, user, **kwargs):
    """Every log-in through allauth (password, a confirmed email, an identity provider) sends
    this with the response that ends it: the browser gets the member's language from there on,
    and the rest of this request (the "signed in" message) speaks it already."""
    if user.language in dict(settings.LANGUAGES):
        translation.activate(user.language)
        remember_language(response, user.language)


def on_logged_out(sender, request, user, **kwargs):
    """Sent before the session is flushed: its key still names it."""
    session = getattr(request, "session", None)
    if user is not None and user.is_authenticated and session is not None:
        profile_events.access_changed.send(sender=Member, member=user, ended_session=session.session_key)


def on_password_changed(sender, request, user, **kwargs):
    """Every session opened with the old password ends; the one that changed it goes on under
    a new key (Django cycles it), so sockets opened before, this tab's too, start over."""
    profile_events.access_changed.send(sender=Member, member=user)


def connect():
    uid = "profiles"
    user_logged_in.connect(on_logged_in, dispatch_uid=f"{uid}.logged_in")
    user_logged_out.connect(on_logged_out, dispatch_uid=f"{uid}.logged_out")
    password_changed.connect(on_password_changed, dispatch_uid=f"{uid}.password_changed")
    password_set.connect(on_password_changed, dispatch_uid=f"{uid}.password_set")
    password_reset.connect(on_password_changed, dispatch_uid=f"{uid}.password_reset")
