"""Starting threads, replying and editing."""

import functools
import re

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify

from forum import events, hooks, permissions
from forum.models import Category, Follow, Post, PostRevision, Thread
from forum.validators import clean_body, clean_tags, clean_title
from profiles import roles
from profiles.models import Member
from profiles.services import mark_seen
from web.markdown import Rendered, render_markdown
from web.prepared import Prepared, PreparedUpdate

QUOTE_LINK = re.compile(r"\]\(/p/(\d+)/\)")

# The thread as a reply checks it, before its transaction and locked inside it, with its SQL
# compiled once (web/prepared.py): through the ORM, each read cost a reply more than a dozen
# of its statements take SQLite to run.
_THREAD = Prepared(lambda thread: Thread.objects.select_related("category").filter(pk=thread))
_LOCKED_THREAD = Prepared(
    lambda thread: Thread.objects.select_for_update().select_related("category").filter(pk=thread)
)


def _replied(thread: int, at, poster: int, *, official: bool):
    """A thread's counters as a reply changes them."""
    changes = {"reply_count": F("reply_count") + 1, "last_activity_at": at, "last_poster": poster}
    if official:
        changes.update(has_official_response=True, first_official_at=Coalesce("first_official_at", at))
    return Thread.objects.filter(pk=thread), changes


# Its writes too, by whether the reply is official.
_REPLIED = {official: PreparedUpdate(functools.partial(_replied, official=official)) for official in (False, True)}
_FOLLOW = Prepared(lambda thread, member: Follow.objects.filter(thread=thread, member=member).values_list("pk"))
_POSTED_IN = PreparedUpdate(
    lambda category: (Category.objects.filter(pk=category), {"post_count": F("post_count") + 1})
)


def _thread(prepared: Prepared, pk: int) -> Thread:
    found = prepared.objects(thread=pk)
    if not found:
        raise Thread.DoesNotExist
    return found[0]


def _resolve_mentions(candidates: set[str]) -> dict[str, str]:
    usernames = Member.objects.filter(is_active=True, username__iregex=_any_of(candidates)).values_list(
        "username", flat=True
    )
    return {name.lower(): name for name in usernames}


def _any_of(names: set[str]) -> str:
    return r"^(" + "|".join(re.escape(name) for name in sorted(names)[:50]) + r")$"


def render_body(body: str) -> Rendered:
    """A message as posts show it: with its @mentions and the site's own pictures (forum.hooks)."""
    return render_markdown(body, resolve_mentions=_resolve_mentions, resolve_images=hooks.pictures)


def _mentioned_members(rendered: Rendered, author) -> list[Member]:
    if not rendered.mentions:
        return []
    return list(Member.objects.filter(username__in=rendered.mentions, is_active=True).exclude(pk=author.pk))


def _quoted_posts(body: str, author) -> list[Post]:
    ids = {int(pk) for pk in QUOTE_LINK.findall(body)[:20]}
    if not ids:
        return []
    return list(Post.objects.filter(pk__in=ids).exclude(author=author).select_related("author", "thread"))


def _follow_if_new(thread, member):
    if not _FOLLOW.rows(thread=thread.pk, member=member.pk):
        Follow.objects.get_or_create(thread=thread, member=member)


def start_thread(*, category: Category, author: Member, title: str, body: str, tags=()) -> Thread:
    """Create a thread with its opening post; the author follows it."""
    title, body, tags = clean_title(title), clean_body(body), clean_tags(tags)
    permissions.check_can_start_thread(author, category)
    rendered = render_body(body)
    with transaction.atomic():
        events.post_attempted.send(sender=Thread, member=author, action="thread", body=body)
        now = timezone.now()
        thread = Thread.objects.create(
            category=category,
            title=title,
            slug=slugify(title)[:80].strip("-") or "t",
            author=author,
            last_poster=author,
            created_at=now,
            last_activity_at=now,
        )
        post = Post.objects.create(
            thread=thread,
            author=author,
            is_opening=True,
            body=body,
            body_html=rendered.html,
            is_official=roles.is_brand_staff(author),
            created_at=now,  # the thread's last activity: recount_forum derives it from this
        )
        if tags:
            thread.tags.set(tags)
        Category.objects.filter(pk=category.pk).update(
            thread_count=F("thread_count") + 1, post_count=F("post_count") + 1
        )
        _follow_if_new(thread, author)
        mark_seen(author)
        events.thread_posted.send(
            sender=Thread,
            thread=thread,
            post=post,
            mentioned=_mentioned_members(rendered, author),
        )
    return thread


def post_reply(
    *, thread: Thread, author: Member, body: str, official: bool | None = None, announces: bool = False
) -> Post:
    """Reply to a thread; the author follows it.

    `official`: None lets the role decide (a staff reply is an official response);
    False is staff replying personally, not as the brand: the reply is then not
    official and counts neither for the thread's official response nor for the
    first response time. Only brand staff can reply officially: True from anyone
    else is a plain reply.

    `announces`: the reply is the public note of a change that its own event announces (an
    idea's new status): the thread's author and followers are told of that change, once, not
    also of one more reply. The caller sends that event in the same transaction.
    """
    body = clean_body(body)
    rendered = render_body(body)
    # Checked (on the thread as it is now), limited and read before the transaction: on SQLite
    # it holds the site's one write lock, so it does the writes and nothing else.
    permissions.check_can_reply(author, _thread(_THREAD, thread.pk))
    events.post_attempted.send(sender=Post, member=author, action="reply", body=body)
    quoted, mentioned = _quoted_posts(body, author), _mentioned_members(rendered, author)
    with transaction.atomic():
        thread = _thread(_LOCKED_THREAD, thread.pk)
        permissions.check_can_reply(author, thread)  # again, as the locked row says (locked, moved since)
        official = roles.is_brand_staff(author) and official is not False
        post = Post.objects.create(
            thread=thread, author=author, body=body, body_html=rendered.html, is_official=official
        )
        _REPLIED[official].run(thread=thread.pk, at=post.created_at, poster=author.pk)
        _POSTED_IN.run(category=thread.category_id)
        # The row is locked until the commit: what the update wrote is known without reading it back.
        thread.reply_count += 1
        thread.last_activity_at, thread.last_poster = post.created_at, author
        if official:
            thread.has_official_response = True
            thread.first_official_at = thread.first_official_at or post.created_at
        _follow_if_new(thread, author)
        mark_seen(author)
        post.thread = thread
        events.reply_posted.send(sender=Post, post=post, quoted=quoted, mentioned=mentioned, announces=announces)
    return post


def edit_post(*, post: Post, editor: Member, body: str, title: str | None = None, tags=None) -> Post:
    """Change a post's text (and, for an opening post, the thread's title and tags), keeping a revision."""
    body = clean_body(body)
    title = clean_title(title) if title is not None else None
    tags = clean_tags(tags) if tags is not None else None
    rendered = render_body(body)
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("thread", "thread__category").get(pk=post.pk)
        permissions.check_can_edit(editor, post)
        thread = post.thread
        new_title = title if (title is not None and post.is_opening) else thread.title
        if body == post.body and new_title == thread.title and tags is None:
            return post
        revision = PostRevision.objects.create(
            post=post,
            editor=editor,
            old_title=thread.title if post.is_opening else "",
            new_title=new_title if post.is_opening else "",
            old_body=post.body,
            new_body=body,
        )
        post.body, post.body_html = body, rendered.html
        post.edited_at = revision.created_at
        post.edit_count = F("edit_count") + 1
        post.save(update_fields=["body", "body_html", "edited_at", "edit_count"])
        post.refresh_from_db(fields=["edit_count"])
        old_tags = None
        if post.is_opening:
            if new_title != thread.title:
                thread.title = new_title
                thread.slug = slugify(new_title)[:80].strip("-") or "t"
                thread.save(update_fields=["title", "slug"])
            if tags is not None:
                old_tags = list(thread.tags.all())
                thread.tags.set(tags)
        events.post_edited.send(sender=Post, post=post, editor=editor, revision=revision, old_tags=old_tags)
    return post
