"""A bare Django project for the benchmark's second reference: the same Python, Django and
daphne as Agora, one trivial view, no middleware, no database, no apps.

    daphne bench.bare.asgi:application

What a page costs above it is Agora's own; `/healthz` through Agora's middleware is compared
with it, to keep the middleware's tax in sight (bench/run.py).
"""

import os

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bare.asgi"

from django.http import HttpResponse
from django.urls import path

SECRET_KEY = "bench-only"  # noqa: S105 (a throwaway process on the loopback address)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = __name__
MIDDLEWARE = []
INSTALLED_APPS = []
DATABASES = {}
USE_I18N = False


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("healthz", trivial)]

from django.core.asgi import get_asgi_application  # noqa: E402

application = get_asgi_application()
