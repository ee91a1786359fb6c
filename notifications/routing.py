from django.urls import path

from notifications.consumers import MemberConsumer

websocket_urlpatterns = [
    path("ws/", MemberConsumer.as_asgi()),
]
