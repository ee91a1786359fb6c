from datetime import datetime

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from notifications.groups import EVERYONE, MODERATORS, STAFF, member_group, thread_group

# WebSocket close code for "policy violation": the client is not allowed here.
CLOSE_NOT_ALLOWED = 4403


@database_sync_to_async
def _missed(member, after_id, since):
    from notifications.services import as_message, missed_since, unread_count

    count = unread_count(member)
    return [as_message(n, count) for n in missed_since(member, after_id, since)], count


def _moment(value) -> datetime | None:
    """The `created` of a message this server sent, as the client echoes it; else None."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        return None
    return moment if moment is not None and timezone.is_aware(moment) else None


@database_sync_to_async
def _may_read_thread(member, thread_id) -> bool:
    from forum.models import Thread
    from forum.permissions import can_read_thread

    thread = Thread.objects.select_related("category").filter(pk=thread_id).first()
    return thread is not None and can_read_thread(member, thread)


class MemberConsumer(AsyncJsonWebsocketConsumer):
    """One socket per browser tab, for a logged-in member.

    It authenticates by the session (AuthMiddlewareStack), joins the member's own
    group (named from the server-side id only) and, on request, the group of a
    thread the member may read. It relays what the server publishes there and
    never writes business rows.

    Client messages: {"type": "resume", "after": <last notification id seen>,
    "since": <"created" of the newest notification seen, optional>},
    {"type": "subscribe", "thread": <id>}, {"type": "ping"}.
    """

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=CLOSE_NOT_ALLOWED)
            return
        self.member = user
        self.thread_group = None
        self.groups_joined = [member_group(user.pk), EVERYONE]
        if user.is_moderator or user.is_superuser:
            self.groups_joined.append(MODERATORS)
        if user.is_brand_staff or user.is_moderator or user.is_superuser:
            self.groups_joined.append(STAFF)
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "member": user.pk})

    async def disconnect(self, code):
        member = getattr(self, "member", None)
        if member is None:
            return
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        if self.thread_group:
            await self.channel_layer.group_discard(self.thread_group, self.channel_name)

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
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "resume":
            await self._resume(content.get("after"), _moment(content.get("since")))
        elif kind == "subscribe":
            await self._subscribe(content.get("thread"))

    async def _resume(self, after, since):
        after = after if isinstance(after, int) and after >= 0 else 0
        messages, count = await _missed(self.member, after, since)
        for message in messages:
            await self.send_json(message)
        await self.send_json({"type": "unread", "count": count})

    async def _subscribe(self, thread_id):
        if not isinstance(thread_id, int) or not await _may_read_thread(self.member, thread_id):
            await self.send_json({"type": "error", "error": "not-allowed"})
            return
        if self.thread_group:
            await self.channel_layer.group_discard(self.thread_group, self.channel_name)
        self.thread_group = thread_group(thread_id)
        await self.channel_layer.group_add(self.thread_group, self.channel_name)
        await self.send_json({"type": "subscribed", "thread": thread_id})

    async def relay(self, event):
        """Forward a server-side message (sent with type "relay") to the browser."""
        await self.send_json(event["message"])
