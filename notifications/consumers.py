import asyncio
from datetime import datetime
from importlib import import_module
from time import monotonic
from typing import NamedTuple

from channels.auth import get_user
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from notifications import access, liveness
from profiles import roles
from web.push import EVERYONE, MODERATORS, STAFF, category_group, member_group, tag_group, thread_group

# WebSocket close codes. Not allowed: no member behind the socket (the client stops).
CLOSE_NOT_ALLOWED = 4403
# The session ended: logged out, password changed elsewhere, account deactivated (the client stops).
CLOSE_SESSION_ENDED = 4401
# The member's roles or suspension changed: the client connects again at once and gets the
# groups and threads its member may have now.
CLOSE_ACCESS_CHANGED = 4409

# A socket checks again who it speaks for at least this often, when something is delivered to
# it: the bound on staleness if an "access.changed" control message was lost (Redis down).
ACCESS_RECHECK_SECONDS = 10


@database_sync_to_async
def _missed_pages(member, after_id, since):
    from notifications.services import as_message, missed_since, unread_count

    count = unread_count(member)
    return [[as_message(n, count) for n in page] for page in missed_since(member, after_id, since)], count


def _moment(value) -> datetime | None:
    """The `created` of a message this server sent, as the client echoes it; else None."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        return None
    return moment if moment is not None and timezone.is_aware(moment) else None


# The most rows a list page asks to hear about (a page of threads is 25; a little room).
LIST_MAX_THREADS = 100


class ListPage(NamedTuple):
    """What a list page asks to hear of: its rows (`threads`: their replies) and, when new
    threads would come first on it, what it shows (`home`, a `category`'s pk or a `tag`'s slug)."""

    threads: list[int]
    home: bool = False
    category: int | None = None
    tag: str | None = None


def _is_id(value) -> bool:
    return type(value) is int and 0 < value < 2**63


def _is_tag(value) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 100


def _list_page(content: dict) -> ListPage | None:
    """A list page's message as the client sends it, or None if it is not that:
    {"threads": [<id>, ...]} and at most one of "home": true, "category": <id>, "tag": <slug>."""
    threads = content.get("threads")
    if not isinstance(threads, list) or len(threads) > LIST_MAX_THREADS or not all(map(_is_id, threads)):
        return None
    home, category, tag = content.get("home", False), content.get("category"), content.get("tag")
    if home is not False and home is not True:
        return None
    if (category is not None and not _is_id(category)) or (tag is not None and not _is_tag(tag)):
        return None
    if home + (category is not None) + (tag is not None) > 1:
        return None
    return ListPage(threads, home, category, tag)


@database_sync_to_async
def _list_groups(member, page: ListPage) -> tuple[list[int], set[str]]:
    """The threads of the page the member may read now, and the groups that tell of them: their
    categories' (replies), with the home page's every readable category, a category page's own,
    a tag page's tag (new threads). One group per category, not per thread; at most three queries."""
    from taggit.models import Tag

    from forum import selectors
    from forum.models import Thread
    from forum.permissions import can_read_thread

    threads = Thread.objects.select_related("category").filter(pk__in=page.threads) if page.threads else []
    readable = [thread for thread in threads if can_read_thread(member, thread)]
    categories = {thread.category_id for thread in readable}
    if page.home or page.category is not None:
        shown = selectors.readable_categories(member)
        shown = shown if page.home else shown.filter(pk=page.category)
        categories.update(shown.values_list("pk", flat=True))
    groups = {category_group(pk) for pk in categories}
    if page.tag is not None:
        # Any tag's group may be joined: what it tells is checked against the reader on delivery.
        groups.update(tag_group(pk) for pk in Tag.objects.filter(slug=page.tag).values_list("pk", flat=True))
    return sorted(thread.pk for thread in readable), groups


@database_sync_to_async
def _may_read_thread(member, thread_id) -> bool:
    from forum.models import Thread
    from forum.permissions import can_read_thread

    thread = Thread.objects.select_related("category").filter(pk=thread_id).first()
    return thread is not None and can_read_thread(member, thread)


async def _member_of_session(session_key):
    """The member a session stands for now, or an anonymous user: a session that was logged
    out or expired, whose password hash is out of date, or whose account was deactivated
    stands for nobody (channels.auth.get_user checks all of it, as Django's does)."""
    if not session_key:
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    return await get_user({"session": store})


def _groups_for(member) -> list[str]:
    groups = [member_group(member.pk), EVERYONE]
    if roles.is_moderator(member):
        groups.append(MODERATORS)
    if roles.sees_staff_areas(member):
        groups.append(STAFF)
    return groups


class MemberConsumer(AsyncJsonWebsocketConsumer):
    """One socket per browser tab, for a logged-in member.

    It authenticates by the session (AuthMiddlewareStack), joins the member's own
    group (named from the server-side id only), the groups of their roles and, on
    request, the group of a thread the member may read, or those of the categories (and
    tag) of a list page. It relays what the server publishes there, each message only if
    the member may receive it when it arrives (notifications.access), and never writes
    business rows.

    Client messages: {"type": "resume", "after": <last notification id seen>,
    "since": <"created" of the newest notification seen, optional>},
    {"type": "subscribe", "thread": <id>} (the thread page's), {"type": "list", "threads":
    [<id>, ...], and one of "home": true, "category": <id>, "tag": <slug>, optional} (a list
    page's rows: it hears of their new replies, to update their read marks; and what it shows:
    it hears of new threads there), {"type": "ping"}.
    """

    member = None

    async def connect(self):
        user = self.scope.get("user")
        if not roles.is_member(user):
            await self.close(code=CLOSE_NOT_ALLOWED)
            return
        self.member, self.thread_group, self.closing = user, None, False
        self.list_groups: set[str] = set()
        self.session_key = self.scope["session"].session_key
        self.signature, self.checked_at = access.signature(user), monotonic()
        self.groups_joined = _groups_for(user)
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        liveness.register(self)  # told to resume when the channel layer is back
        await self.send_json({"type": "hello", "member": user.pk})

    async def disconnect(self, code):
        liveness.unregister(self)
        if self.member is None:
            return
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        if self.thread_group:
            await self.channel_layer.group_discard(self.thread_group, self.channel_name)
        await self._leave_list(self.list_groups)

    async def _close(self, code):
        self.closing = True
        await self.close(code=code)

    async def _recheck(self) -> bool:
        """Load the member as they are now; close the socket if it may not go on as it is."""
        member = await _member_of_session(self.session_key)
        if member is None or not roles.is_member(member) or member.pk != self.member.pk:
            await self._close(CLOSE_SESSION_ENDED)
            return False
        self.member, self.checked_at = member, monotonic()
        if access.signature(member) != self.signature:
            await self._close(CLOSE_ACCESS_CHANGED)
            return False
        return True

    async def _still_allowed(self) -> bool:
        if self.closing:
            return False
        return monotonic() - self.checked_at < ACCESS_RECHECK_SECONDS or await self._recheck()

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        """Ignore what is not a JSON text frame: a malformed frame must not crash the socket."""
        if text_data is None:
            return
        try:
            content = await self.decode_json(text_data)
        except ValueError:  # json.JSONDecodeError, and a lone surrogate in the text
            return
        await self.receive_json(content, **kwargs)

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict) or self.closing:
            return
        kind = content.get("type")
        if kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "resume":
            await self._resume(content.get("after"), _moment(content.get("since")))
        elif kind == "subscribe":
            await self._subscribe(content.get("thread"))
        elif kind == "list":
            await self._listen_to_list(content)

    async def _resume(self, after, since):
        """Everything missed, page after page, read through the member's access now."""
        if not await self._recheck():
            return
        after = after if isinstance(after, int) and after >= 0 else 0
        pages, count = await _missed_pages(self.member, after, since)
        for page in pages:
            for message in page:
                await self.send_json(message)
        await self.send_json({"type": "unread", "count": count})

    async def _subscribe(self, thread_id):
        if not await self._still_allowed():
            return
        if not isinstance(thread_id, int) or not await _may_read_thread(self.member, thread_id):
            await self.send_json({"type": "error", "error": "not-allowed"})
            return
        await self._leave_thread()
        self.thread_group = thread_group(thread_id)
        await self.channel_layer.group_add(self.thread_group, self.channel_name)
        await self.send_json({"type": "subscribed", "thread": thread_id})

    async def _listen_to_list(self, content):
        """Hear of the replies to the threads of a list page (the one the tab shows: a new list
        replaces the last), those the member may read now, and of the new threads it would show;
        each delivery is checked again."""
        if not await self._still_allowed():
            return
        page = _list_page(content)
        if page is None:
            await self.send_json({"type": "error", "error": "not-allowed"})
            return
        readable, groups = await _list_groups(self.member, page)
        await self._leave_list(self.list_groups - groups)
        await asyncio.gather(
            *(self.channel_layer.group_add(group, self.channel_name) for group in groups - self.list_groups)
        )
        self.list_groups = groups
        await self.send_json({"type": "listening", "threads": readable})

    async def _leave_list(self, groups):
        await asyncio.gather(*(self.channel_layer.group_discard(group, self.channel_name) for group in groups))
        self.list_groups = self.list_groups - set(groups)

    async def _leave_thread(self):
        if self.thread_group:
            await self.channel_layer.group_discard(self.thread_group, self.channel_name)
            self.thread_group = None

    async def relay(self, event):
        """Forward a server-side message to the browser if the member may receive it now.

        A thread the member may no longer read is left: its page is told so, a list that showed
        it hears nothing more of it."""
        if not await self._still_allowed():
            return
        group = event.get("group")
        if access.may_receive(self.member, event.get("audience")):
            if event["message"].get("type") != "thread.access":
                await self.send_json(event["message"])
        elif group is not None and group == self.thread_group:
            await self._leave_thread()
            await self.send_json({"type": "unsubscribed", "thread": event["message"].get("thread")})
        # A list's group stays: one hidden or moved thread says nothing of its category's others.

    async def access_changed(self, event):
        """The member's roles, suspension, password or sessions changed (notifications.receivers)."""
        if self.closing:
            return
        ended = event.get("ended_session")
        if ended and ended == access.session_fingerprint(self.session_key):
            await self._close(CLOSE_SESSION_ENDED)
        else:
            await self._recheck()
