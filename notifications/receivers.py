"""Who hears about what: receivers of the forum's and profiles' domain events.

Connected in NotificationsConfig.ready(); each runs inside the sender's
transaction, so a notification commits with the event that caused it.
"""

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from conversations import events as conversation_events
from conversations import live as conversation_live
from forum import events as forum_events
from forum import hooks
from forum.models import Follow, Visibility
from forum.permissions import can_read_thread
from ideas import events as idea_events
from ideas.models import IdeaVote
from moderation import events as moderation_events
from notifications import access, announcements
from notifications.access import session_fingerprint
from notifications.models import Kind
from notifications.services import Recipient, as_recipients, notify, notify_each, recipients, renotify
from profiles import events as profile_events
from profiles import roles
from profiles.models import Member
from reputation import events as reputation_events
from web import push
from web.prepared import Prepared


def _url(post):
    return reverse("forum:post", args=[post.pk])


def _people(thread, author, *also) -> Q:
    people = Q(pk__in=Follow.objects.filter(thread=thread, level=Follow.Level.FOLLOWING).values("member"))
    people |= Q(pk=author)
    for members in also:
        people |= Q(pk__in=members)
    return people


# A reply's people, read in its transaction: the SQL compiled once (web/prepared.py).
_FOLLOWERS_AND_AUTHOR = Prepared(
    lambda thread, author: Member.objects.filter(_people(thread, author)).values_list(*Recipient._fields)
)


def _thread_people(thread, *also) -> list[Recipient]:
    """The thread's followers and its author (who may have stopped following), and the members
    of the querysets `also`, in one query, with what telling them reads: their roles (may they
    read it?) and language."""
    if also:
        return recipients(Member.objects.filter(_people(thread.pk, thread.author_id, *also)))
    return as_recipients(_FOLLOWERS_AND_AUTHOR.rows(thread=thread.pk, author=thread.author_id))


def on_reply_posted(sender, post, quoted=(), mentioned=(), announces=False, **kwargs):
    """Everyone a reply concerns, each told once, in one pass (notify_each): quoted first (the
    quote button's Markdown names the quoted author, "@name wrote", which would otherwise turn
    every quote into a mention), then mentioned, then the thread's author, then its followers.
    A reply that `announces` a change leaves the author and followers to that change's event."""
    thread = post.thread
    told = [(q.author, Kind.QUOTE) for q in quoted] + [(m, Kind.MENTION) for m in mentioned]
    members = [] if announces else _thread_people(thread)
    author = [m for m in members if m.pk == thread.author_id]
    followers = [m for m in members if m.pk != thread.author_id]
    if post.is_official:
        told += [(m, Kind.OFFICIAL_RESPONSE) for m in author + followers]
    else:
        told += [(m, Kind.REPLY) for m in author] + [(m, Kind.FOLLOWED_REPLY) for m in followers]
    notify_each(kinds=told, actor=post.author, thread=thread, post=post, url=_url(post))
    _push_reply(post)


def _push_reply(post):
    """Readers of the thread see the reply appear, and its reply count change.

    The push names the post and each page fetches its article (forum:post_fragment), rendered
    for that reader as their page renders it on load: one HTML for every reader could not carry
    each one's own buttons (their vote, accept, edit, moderation). The count is the same for
    everyone: its text comes in each language of the site, and each page takes its own.
    """
    thread = post.thread
    url = reverse("forum:post_fragment", args=[post.pk])

    def build():
        # Rendered after the commit, not while the reply's transaction holds the write lock;
        # not at all when no page of the thread, nor of its category's lists, is open.
        if push.listened([push.thread_group(thread.pk), push.category_group(thread.category_id)]) == set():
            return []
        replies = {"count": thread.reply_count, "text": {}}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                replies["text"][code] = render_to_string("forum/_reply_count.html", {"thread": thread}).strip()
        message = {"type": "reply", "thread": thread.pk, "post": post.pk, "url": url, "replies": replies}
        # The thread's page, and the open lists of its category (their rows' counts and marks).
        return access.to_thread(thread.pk, message, lists=True)

    push.on_commit(build)


def on_thread_access_changed(sender, thread, **kwargs):
    """A thread moved, or its opening post hidden, deleted or restored: its open readers are
    told as it is now, and those who may no longer read it leave it (the consumer decides)."""
    push.on_commit(lambda: access.to_thread(thread.pk, {"type": "thread.access", "thread": thread.pk}))
    announcements.forget()  # the banner may link to it


def on_thread_changed(sender, thread, change, **kwargs):
    if change == "moved":
        on_thread_access_changed(sender, thread=thread)


def on_post_visibility_changed(sender, post, by, old, new, reason="", **kwargs):
    if post.is_opening:
        on_thread_access_changed(sender, thread=post.thread)
    _notify_visibility(post, by, new, reason)


def on_idea_status_changed(sender, idea, by, note, previous, **kwargs):
    """The loop ideas exist for: everyone who voted for the idea, follows it or proposed it
    hears of its new status, once each, with the note that says why (not also of the note as a
    reply: set_idea_status posts it with `announces`)."""
    voters = IdeaVote.objects.filter(idea=idea).values("member")
    _tell_status(idea, voters, by=by, note=note, data={"previous": previous}, url=_url(note))


def on_idea_merged(sender, duplicate, into, by, note, voters, change, **kwargs):
    """A duplicate merged into another idea: its author, voters (as they were: their votes have
    moved, so the event names them) and followers hear where it went, once each, as its last
    status; the link leads to the idea that now holds their votes and follows."""
    data = {"previous": change.previous, "into": into.thread.title}
    _tell_status(duplicate, voters, by=by, note=note, data=data, url=into.thread.get_absolute_url())


def _tell_status(idea, voters, *, by, note, data, url):
    notify(
        recipients=_thread_people(idea.thread, voters),
        kind=Kind.IDEA_STATUS,
        actor=by,
        thread=idea.thread,
        post=note,
        data={"status": idea.status, **data},
        url=url,
    )


def on_access_changed(sender, member, ended_session=None, **kwargs):
    """A member's roles, suspension, password or session changed: their open sockets check
    again who they speak for, and close or start over (notifications.consumers)."""
    fields = {"ended_session": session_fingerprint(ended_session)} if ended_session else {}
    push.on_commit(lambda: [push.control(push.member_group(member.pk), "access.changed", **fields)])


# Why a member asked to hear of each new thread (forum.hooks.new_thread_audiences), and the kind they are told by.
AUDIENCE_KINDS = {"watched": Kind.WATCHED_THREAD, "followed_author": Kind.FOLLOWED_MEMBER}


def on_thread_posted(sender, thread, post, mentioned=(), **kwargs):
    """The mentioned, then those who asked to hear of each new thread like it (watching its
    category or a tag, following its author), each told once; notify_each keeps those who may
    not read it out."""
    told = [(m, Kind.MENTION) for m in mentioned]
    for why, members in hooks.new_thread_audiences(thread).items():
        if why in AUDIENCE_KINDS:
            told += [(m, AUDIENCE_KINDS[why]) for m in recipients(Member.objects.filter(pk__in=members))]
    notify_each(kinds=told, actor=post.author, thread=thread, post=post, url=_url(post))
    _push_new_thread(thread)


def _push_new_thread(thread):
    """The open lists that would show a new thread (the home page and its category's, through
    the category's group; its tags' pages) count it in their "N new threads — show" notice
    (static/js/marks.js). The message says only what a list row shows; the consumer delivers
    it to those who may read the thread when it arrives (hidden since, or staff-only: nobody else)."""

    def build():
        tags = list(thread.tags.values_list("pk", "slug"))
        message = {
            "type": "thread.new",
            "thread": thread.pk,
            "category": thread.category_id,
            "tags": [slug for _pk, slug in tags],
            "author": thread.author_id,
        }
        return access.to_lists(thread.pk, message, tag_ids=[pk for pk, _slug in tags])

    push.on_commit(build)


def on_vote_cast(sender, vote, **kwargs):
    post = vote.post
    notify(recipients=[post.author], kind=Kind.HELPFUL, actor=vote.voter, thread=post.thread, post=post, url=_url(post))


def on_answer_accepted(sender, thread, post, by, **kwargs):
    notify(recipients=[post.author], kind=Kind.ANSWER_ACCEPTED, actor=by, thread=thread, post=post, url=_url(post))


def on_reply_endorsed(sender, post, by, **kwargs):
    notify(recipients=[post.author], kind=Kind.ENDORSED, actor=by, thread=post.thread, post=post, url=_url(post))


def on_badge_awarded(sender, award, badge, **kwargs):
    # The badge's page is resolved when the notification is opened (notifications.messages.target).
    notify(recipients=[award.member], kind=Kind.BADGE, data={"badge": badge.slug})


def _notify_visibility(post, by, new, reason):
    if new == Visibility.HIDDEN:
        kind = Kind.POST_HIDDEN
    elif new == Visibility.VISIBLE:
        kind = Kind.POST_RESTORED
    else:
        return
    notify(
        recipients=[post.author],
        kind=kind,
        actor=by,
        thread=post.thread,
        post=post,
        data={"reason": reason},
        url=_url(post),
    )


def on_reports_resolved(sender, reports, by, outcome, revised=False, **kwargs):
    for report in reports:
        thread, reporter = report.thread, report.reporter
        # Hiding a reported opening post hides its thread from the reporter too: they must
        # still hear the outcome, so the notification then carries only the title they reported.
        readable = thread is not None and can_read_thread(reporter, thread)
        subject = thread.title if thread is not None else report.member.name if report.member else ""
        fields = {
            "recipients": [reporter],
            "kind": Kind.REPORT_RESOLVED,
            "actor": by,
            "thread": thread if readable else None,
            "data": {"outcome": outcome, "title": subject, "report": report.pk},
        }
        # A restore after a hide: the notification that said "hidden" says the new outcome, unread again.
        if not (revised and renotify(match={"report": report.pk}, **fields)):
            notify(**fields)


def on_report_filed(sender, report, **kwargs):
    notify(
        recipients=list(Member.objects.filter(roles.moderators_q(), is_active=True)),
        kind=Kind.NEW_REPORT,
        actor=None,
        thread=report.thread,
        url=reverse("moderation:queue"),
    )


def on_member_warned(sender, member, by, reason, **kwargs):
    notify(recipients=[member], kind=Kind.WARNED, actor=by, data={"reason": reason})


def on_member_suspended(sender, member, by, until, reason, **kwargs):
    notify(recipients=[member], kind=Kind.SUSPENDED, actor=by, data={"reason": reason, "until": until.isoformat()})


def on_message_posted(sender, message, recipients, **kwargs):
    conversation = message.conversation
    notify(
        recipients=recipients,
        kind=Kind.MESSAGE,
        actor=message.author,
        url=conversation.get_absolute_url(),
        # The push goes only to who may still read the conversation when it arrives.
        audience=lambda: conversation_live.audience(conversation.pk),
    )


def on_conversation_reported(sender, report, **kwargs):
    conversation = report.conversation
    data = {"conversation": conversation.pk, "title": conversation.subject}
    if report.message_id:
        data["message"] = report.message_id
    notify(
        recipients=list(Member.objects.filter(roles.moderators_q(), is_active=True)),
        kind=Kind.NEW_REPORT,
        data=data,
        url=report.get_absolute_url(),
    )


def connect():
    uid = "notifications"
    conversation_events.message_posted.connect(on_message_posted, dispatch_uid=f"{uid}.message_posted")
    conversation_events.conversation_reported.connect(
        on_conversation_reported, dispatch_uid=f"{uid}.conversation_reported"
    )
    forum_events.reply_posted.connect(on_reply_posted, dispatch_uid=f"{uid}.reply_posted")
    forum_events.thread_posted.connect(on_thread_posted, dispatch_uid=f"{uid}.thread_posted")
    forum_events.vote_cast.connect(on_vote_cast, dispatch_uid=f"{uid}.vote_cast")
    forum_events.answer_accepted.connect(on_answer_accepted, dispatch_uid=f"{uid}.answer_accepted")
    forum_events.reply_endorsed.connect(on_reply_endorsed, dispatch_uid=f"{uid}.reply_endorsed")
    reputation_events.badge_awarded.connect(on_badge_awarded, dispatch_uid=f"{uid}.badge_awarded")
    forum_events.post_visibility_changed.connect(on_post_visibility_changed, dispatch_uid=f"{uid}.visibility")
    moderation_events.reports_resolved.connect(on_reports_resolved, dispatch_uid=f"{uid}.reports_resolved")
    moderation_events.report_filed.connect(on_report_filed, dispatch_uid=f"{uid}.report_filed")
    moderation_events.member_warned.connect(on_member_warned, dispatch_uid=f"{uid}.member_warned")
    moderation_events.member_suspended.connect(on_member_suspended, dispatch_uid=f"{uid}.member_suspended")
    idea_events.idea_status_changed.connect(on_idea_status_changed, dispatch_uid=f"{uid}.idea_status_changed")
    idea_events.idea_merged.connect(on_idea_merged, dispatch_uid=f"{uid}.idea_merged")
    forum_events.thread_changed.connect(on_thread_changed, dispatch_uid=f"{uid}.thread_changed")
    profile_events.access_changed.connect(on_access_changed, dispatch_uid=f"{uid}.access_changed")
    moderation_events.member_suspended.connect(on_access_changed, dispatch_uid=f"{uid}.suspended_access")
    moderation_events.suspension_lifted.connect(on_access_changed, dispatch_uid=f"{uid}.lifted_access")
