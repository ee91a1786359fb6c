from channels.generic.websocket import AsyncJsonWebsocketConsumer

from notifications.groups import member_group

# WebSocket close code for "policy violation": the client is not allowed here.
CLOSE_NOT_ALLOWED = 4403


class MemberConsumer(AsyncJsonWebsocketConsumer):
    """One socket per browser tab, for a logged-in member.

    It authenticates by the session (AuthMiddlewareStack), joins the member's own
    group and relays what the server publishes there. It never writes business rows.
    """

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=CLOSE_NOT_ALLOWED)
            return
        self.groups_joined = [member_group(user.pk)]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "member": user.pk})

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict):
            return
        if content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def relay(self, event):
        """Forward a server-side message (sent with type "relay") to the browser."""
        await self.send_json(event["message"])
