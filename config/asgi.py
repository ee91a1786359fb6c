"""ASGI entry point: HTTP goes to Django, /ws/ to Channels."""

import gc
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.core.asgi import get_asgi_application

# Django must be set up before anything imports models (the consumers do).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from config.concurrency import BoundedConcurrency  # noqa: E402
from notifications.routing import websocket_urlpatterns  # noqa: E402

http_app = (
    BoundedConcurrency(django_asgi_app, settings.HTTP_CONCURRENCY, settings.HTTP_WRITE_CONCURRENCY)
    if settings.HTTP_CONCURRENCY
    else django_asgi_app
)
application = ProtocolTypeRouter(
    {
        "http": http_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

# What is loaded by now lives as long as the process: leave it out of the collector's
# full passes, and collect less often (see GC_THRESHOLD in settings.py).
gc.freeze()
gc.set_threshold(*settings.GC_THRESHOLD)
