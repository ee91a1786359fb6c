"""Every change to incidents: declare, update, resolve, link or merge a thread, follow.

Each runs in one transaction: the incident's rows, the posts in the forum (through forum's
services, so counters, notifications and live replies are the forum's own), then the event.
The banner (incidents.banner) is read again and pushed to every open page after the commit.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from taggit.models import Tag

from forum import permissions as forum_permissions
from forum import services as forum_services
from forum.models import Follow, Thread
from forum.validators import clean_tags
from incidents import banner, events
from incidents.models import Incident, Link, Status, Update
from incidents.permissions import check_can_follow, check_can_manage

TITLE_MAX = 150
STATEMENT_MAX = 5000
OPEN_STATUSES = [Status.INVESTIGATING, Status.IDENTIFIED, Status.FIXING]


def _clean_line(text: str, *, limit: int) -> str:
    text = " ".join((text or "").split())
    if len(text) > limit or "\x00" in text:
        raise ValidationError(_("Write at most %(limit)d characters.") % {"limit": limit}, code="too_long")
    return text


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if len(text) > STATEMENT_MAX or "\x00" in text:
        raise ValidationError(_("Write at most %(limit)d characters.") % {"limit": STATEMENT_MAX}, code="too_long")
    return text


def _one_of(english: str, french: str, message: str, code: str):
    if not english and not french:
        raise ValidationError(message, code=code)


def _check_status(status: str, allowed) -> str:
    if status not in allowed:
        raise ValidationError(_("Choose one of the statuses offered."), code="status")
    return status


def _escape(text: str) -> str:
    """A title inside a Markdown link's text."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _statement_body(status: str, english: str, french: str) -> str:
    """The post of an update, as the thread shows it: each language written, with the status
    named in it, English first."""
    parts = []
    for code, text in (("en", english), ("fr", french)):
        if text:
            with translation.override(code):
                label = Status(status).label
                parts.append(f"**{_('Status: %(status)s') % {'status': label}}**\n\n{text}")
    return "\n\n---\n\n".join(parts)


def _note_body(incident: Incident, *, merged: bool) -> str:
    """What a linked thread is told, in both languages: where the answers are."""
    parts = []
    for code, title in (("en", incident.title or incident.title_fr), ("fr", incident.title_fr or incident.title)):
        with translation.override(code):
            link = f"[{_escape(title)}]({incident.get_absolute_url()})"
            if merged:
                text = _("This thread was merged into the incident %(link)s: the official updates are there.")
            else:
                text = _("This thread is about the incident %(link)s: follow it there for the official updates.")
            parts.append(text % {"link": link})
    return "\n\n".join(parts)


def _check_public(thread: Thread):
    if not forum_permissions.can_read_thread(AnonymousUser(), thread):
        raise ValidationError(
            _("An incident's thread must be one that visitors can read: choose a public category."), code="thread"
        )


def declare_incident(
    *,
    by,
    title: str = "",
    title_fr: str = "",
    statement: str = "",
    statement_fr: str = "",
    status: str = Status.INVESTIGATING,
    category=None,
    thread: Thread | None = None,
    categories=(),
    tags=(),
) -> Incident:
    """Declare an incident: its thread is started in `category` (or `thread` is adopted), pinned,
    and holds the statement as an official response. `categories` and `tags` (names) are those
    it concerns: new threads there are pointed to it while they are written."""
    check_can_manage(by)
    title, title_fr = _clean_line(title, limit=TITLE_MAX), _clean_line(title_fr, limit=TITLE_MAX)
    statement, statement_fr = _clean_text(statement), _clean_text(statement_fr)
    _one_of(title, title_fr, _("Give the incident a title, in English or in French."), "title")
    _one_of(statement, statement_fr, _("Write the public statement, in English or in French."), "statement")
    status = _check_status(status, OPEN_STATUSES)
    tags = clean_tags(tags)
    if thread is None and category is None:
        raise ValidationError(_("Choose the category of the incident's thread."), code="category")
    body = _statement_body(status, statement, statement_fr)
    with transaction.atomic():
        if thread is None:
            if not forum_permissions.can_read_category(AnonymousUser(), category):
                raise ValidationError(
                    _("An incident's thread must be one that visitors can read: choose a public category."),
                    code="category",
                )
            thread = forum_services.start_thread(category=category, author=by, title=title or title_fr, body=body)
            post = thread.posts.get(is_opening=True)
        else:
            thread = Thread.objects.select_for_update().select_related("category").get(pk=thread.pk)
            _check_public(thread)
            if Incident.objects.filter(thread=thread).exists() or Link.objects.filter(thread=thread).exists():
                raise ValidationError(_("This thread already belongs to an incident."), code="thread")
            post = forum_services.post_reply(thread=thread, author=by, body=body, official=True)
        now = timezone.now()
        incident = Incident.objects.create(
            title=title,
            title_fr=title_fr,
            statement=statement,
            statement_fr=statement_fr,
            status=status,
            thread=thread,
            declared_by=by,
            started_at=min(thread.created_at, now),
            declared_at=now,
            updated_at=now,
        )
        incident.categories.set(categories)
        incident.tags.set(_tags_named(tags))
        incident.thread = forum_services.pin_official_thread(thread=thread, by=by)
        update = Update.objects.create(
            incident=incident, status=status, body=statement, body_fr=statement_fr, post=post, by=by, created_at=now
        )
        events.incident_declared.send(sender=Incident, incident=incident, by=by, update=update)
        banner.changed()
    return incident


def _tags_named(names: list[str]) -> list[Tag]:
    found = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    return [found.get(name) or Tag.objects.create(name=name) for name in names]


def _locked_incident(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().select_related("thread").get(pk=incident.pk)


def post_update(*, incident: Incident, by, status: str, body: str = "", body_fr: str = "") -> Update:
    """A status update, posted in the incident's thread as an official response: its followers
    are told (live, and by email as each chose), its readers see it appear, the banner changes.
    The status `resolved` resolves the incident (see resolve_incident)."""
    check_can_manage(by)
    body, body_fr = _clean_text(body), _clean_text(body_fr)
    _one_of(body, body_fr, _("Write the update, in English or in French."), "body")
    status = _check_status(status, Status.values)
    with transaction.atomic():
        incident = _locked_incident(incident)
        if not incident.is_active:
            raise ValidationError(_("This incident is resolved: it takes no more updates."), code="resolved")
        previous = incident.status
        post = forum_services.post_reply(
            thread=incident.thread, author=by, body=_statement_body(status, body, body_fr), official=True
        )
        now = post.created_at
        incident.status, incident.updated_at = status, now
        fields = ["status", "updated_at"]
        if status == Status.RESOLVED:
            incident.resolved_at = now
            fields.append("resolved_at")
        incident.save(update_fields=fields)
        update = Update.objects.create(
            incident=incident, status=status, body=body, body_fr=body_fr, post=post, by=by, created_at=now
        )
        if status == Status.RESOLVED:
            incident.thread = forum_services.pin_official_thread(thread=incident.thread, by=by, pinned=False)
        events.incident_updated.send(sender=Incident, incident=incident, update=update, by=by, previous=previous)
        banner.changed()
    return update


def resolve_incident(*, incident: Incident, by, body: str = "", body_fr: str = "") -> Update:
    """Post the closing statement: the banner goes, the thread is unpinned, followers are told."""
    return post_update(incident=incident, by=by, status=Status.RESOLVED, body=body, body_fr=body_fr)


def link_thread(*, incident: Incident, thread: Thread, by, merge: bool = False) -> Link:
    """Point a thread to the incident in one action: an official note in it tells its author and
    followers where the answers are. Merged, it is also locked and its followers (and author)
    follow the incident's thread."""
    check_can_manage(by)
    with transaction.atomic():
        incident = _locked_incident(incident)
        thread = Thread.objects.select_for_update().select_related("category").get(pk=thread.pk)
        forum_permissions.check_can_read_thread(by, thread)
        if thread.pk == incident.thread_id:
            raise ValidationError(_("This is the incident's own thread."), code="thread")
        if Incident.objects.filter(thread=thread).exists():
            raise ValidationError(_("This thread is another incident's own thread."), code="thread")
        if Link.objects.filter(thread=thread).exists():
            raise ValidationError(_("This thread is already linked to an incident."), code="thread")
        note = forum_services.post_reply(
            thread=thread, author=by, body=_note_body(incident, merged=merge), official=True
        )
        link = Link.objects.create(incident=incident, thread=thread, merged=merge, by=by)
        if merge:
            forum_services.carry_followers(source=thread, target=incident.thread)
            Follow.objects.get_or_create(thread=incident.thread, member_id=thread.author_id)
            forum_services.lock_closed_thread(thread=thread, by=by)
        if thread.created_at < incident.started_at:
            Incident.objects.filter(pk=incident.pk).update(started_at=thread.created_at)
        events.thread_linked.send(sender=Incident, incident=incident, link=link, by=by, note=note)
    return link


def follow_incident(*, incident: Incident, member):
    """One click: the member follows the incident's thread, where every update is posted."""
    check_can_follow(member)
    forum_services.follow_thread(thread=incident.thread, member=member)


def unfollow_incident(*, incident: Incident, member):
    check_can_follow(member)
    forum_services.unfollow_thread(thread=incident.thread, member=member)
