"""What each kind of notification says, in the reader's language, at display time."""

from datetime import datetime

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ideas.models import Status
from notifications.models import Kind


def _actor(notification):
    return notification.actor.name if notification.actor else _("Someone")


def _title(notification):
    return notification.thread.title if notification.thread else ""


def target(notification) -> str:
    """Where opening the notification leads."""
    if notification.url:
        return notification.url
    if notification.kind == Kind.BADGE and notification.data.get("badge"):
        try:
            return reverse("reputation:badge", args=[notification.data["badge"]])
        except NoReverseMatch:
            pass
    return reverse("profiles:profile", args=[notification.recipient.username])


def _badge_name(slug) -> str:
    from reputation.badges import BY_SLUG  # the catalogue knows the translated names

    badge = BY_SLUG.get(slug)
    return str(badge.name) if badge else slug


def text(notification) -> str:
    """One sentence; plain text (templates escape it)."""
    kind, n = notification.kind, notification.count
    params = {"actor": _actor(notification), "title": _title(notification), "count": n, "others": n - 1}
    params.update({k: v for k, v in notification.data.items() if isinstance(v, str | int)})
    if kind == Kind.BADGE:
        params["badge_name"] = _badge_name(notification.data.get("badge", ""))
    elif kind == Kind.REPORT_RESOLVED:
        from moderation.outcomes import outcome_label

        params["outcome"] = outcome_label(notification.data.get("outcome", ""))
    elif kind == Kind.IDEA_STATUS:
        status = notification.data.get("status", "")
        params["status"] = Status(status).label if status in Status.values else status
    elif kind == Kind.SUSPENDED and notification.data.get("until"):
        until = datetime.fromisoformat(notification.data["until"])
        params["until"] = date_format(timezone.localtime(until), "DATETIME_FORMAT")
    if kind == Kind.REPLY:
        # One reply names who wrote it; several are counted: two sentences, not two plural forms.
        if n == 1:
            message = _("%(actor)s replied to “%(title)s”")
        else:
            message = ngettext("%(count)d new reply to “%(title)s”", "%(count)d new replies to “%(title)s”", n)
    elif kind == Kind.FOLLOWED_REPLY:
        if n == 1:
            message = _("%(actor)s replied in “%(title)s”")
        else:
            message = ngettext("%(count)d new reply in “%(title)s”", "%(count)d new replies in “%(title)s”", n)
    elif kind == Kind.MENTION:
        message = _("%(actor)s mentioned you in “%(title)s”")
    elif kind == Kind.QUOTE:
        message = _("%(actor)s quoted you in “%(title)s”")
    elif kind == Kind.ANSWER_ACCEPTED:
        message = _("Your answer in “%(title)s” was accepted")
    elif kind == Kind.HELPFUL:
        if n == 1:
            message = _("%(actor)s found your post in “%(title)s” helpful")
        else:
            message = ngettext(
                "%(count)d member found your post in “%(title)s” helpful",
                "%(count)d members found your post in “%(title)s” helpful",
                n,
            )
    elif kind == Kind.BADGE:
        message = _("You earned the badge “%(badge_name)s”")
    elif kind == Kind.OFFICIAL_RESPONSE:
        message = _("%(actor)s gave an official response in “%(title)s”")
    elif kind == Kind.ENDORSED:
        message = _("%(actor)s endorsed your reply in “%(title)s”")
    elif kind == Kind.POST_HIDDEN:
        message = _("Moderators hid your post in “%(title)s”: %(reason)s")
    elif kind == Kind.POST_RESTORED:
        message = _("Moderators restored your post in “%(title)s”")
    elif kind == Kind.REPORT_RESOLVED:
        message = _("Your report on “%(title)s” was handled: %(outcome)s")
    elif kind == Kind.SUSPENDED:
        message = _("Your account is suspended until %(until)s: %(reason)s")
    elif kind == Kind.WARNED:
        message = _("A moderator warned you: %(reason)s")
    elif kind == Kind.ASSIGNED:
        message = _("%(actor)s assigned “%(title)s” to you")
    elif kind == Kind.TARGET_BREACHED:
        message = _("“%(title)s” has waited longer than its response target")
    elif kind == Kind.IDEA_STATUS and notification.data.get("status") == Status.DUPLICATE and params.get("into"):
        message = _("“%(title)s” was merged into “%(into)s”")
    elif kind == Kind.IDEA_STATUS:
        message = _("New status for “%(title)s”: %(status)s")
    elif kind == Kind.HELP_INVITE:
        message = _("Can you help? “%(title)s” is waiting for an answer")
    elif kind == Kind.WATCHED_THREAD:
        message = _("%(actor)s started “%(title)s”, where you watch new threads")
    elif kind == Kind.FOLLOWED_MEMBER:
        message = _("%(actor)s, whom you follow, started “%(title)s”")
    elif kind == Kind.BOOKMARK_REMINDER and params.get("note"):
        message = _("Reminder: “%(title)s” (%(note)s)")
    elif kind == Kind.BOOKMARK_REMINDER:
        message = _("Reminder: “%(title)s”")
    elif kind == Kind.MESSAGE:
        # Never the message, nor the subject: the notification's email and push say only who wrote.
        message = _("%(actor)s sent you a private message")
    elif kind == Kind.NEW_REPORT and notification.data.get("message"):
        message = _("A message was reported in a private conversation: “%(title)s”")
    elif kind == Kind.NEW_REPORT and notification.data.get("conversation"):
        message = _("A private conversation was reported: “%(title)s”")
    elif kind == Kind.NEW_REPORT:
        message = ngettext(
            "New report on “%(title)s”",
            "%(count)d new reports on “%(title)s”",
            n,
        )
    else:
        message = _("Something happened")
    try:
        return message % params
    except (KeyError, ValueError, TypeError):
        return message.split("%(")[0].strip(" :") or _("Something happened")
