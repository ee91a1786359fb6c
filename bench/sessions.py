"""Log members in without their passwords (for the socket benchmarks), inside the site environment.

    python -m bench.sessions --follow-big-thread alice member1 member2 ...
    python -m bench.sessions --crowd 116 --can-post --follow-big-thread   # the reply benchmark:
        # 116 members who may post follow the big thread; 16 of them reply, 100 only follow

Prints {"sessions": {username: session key}, "thread": url of the big thread, "api_token": a read
token of the first member named, for the API's rows}.
"""

import argparse
import json
import os
from importlib import import_module

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.middleware.csrf import get_token  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.utils import timezone  # noqa: E402

from api.services import create_token  # noqa: E402
from forum.models import Follow, Thread  # noqa: E402
from profiles.models import Member  # noqa: E402


def session_for(member) -> str:
    # The site's own engine, so that the benchmark reads sessions the way the site does.
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(member.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = member.get_session_auth_hash()
    session.create()
    return session.session_key


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("usernames", nargs="*")
    parser.add_argument("--crowd", type=int, default=0, help="Also log in this many generated members.")
    parser.add_argument("--follow-big-thread", action="store_true")
    parser.add_argument(
        "--can-post", action="store_true", help="Leave out suspended members (the reply benchmark's posters)."
    )
    options = parser.parse_args()
    members = list(Member.objects.filter(username__in=options.usernames))
    if options.crowd:
        crowd = Member.objects.filter(username__startswith="member")
        if options.can_post:
            crowd = crowd.filter(is_active=True).exclude(suspended_until__gt=timezone.now())
        members += list(crowd.order_by("pk")[: options.crowd])
    thread = (
        Thread.objects.filter(slug="share-your-favourite-lumio-scene").first() or Thread.objects.order_by("-pk").first()
    )
    if options.follow_big_thread:
        Follow.objects.bulk_create([Follow(thread=thread, member=m) for m in members], ignore_conflicts=True)
    sessions = {m.username: session_for(m) for m in members}
    token = create_token(member=members[0], name="Benchmark", scope="read")[1] if members else None
    print(
        json.dumps(
            {"sessions": sessions, "csrftoken": csrf_cookie(), "thread": thread.get_absolute_url(), "api_token": token}
        )
    )


def csrf_cookie() -> str:
    """A CSRF cookie as a member's browser holds one after its first page (a page with a form
    otherwise sets a new one on each answer)."""
    request = RequestFactory().get("/")
    get_token(request)
    return request.META["CSRF_COOKIE"]


if __name__ == "__main__":
    main()
