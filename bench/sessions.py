"""Log members in without their passwords (for the socket benchmarks), inside the site environment.

    python -m bench.sessions --follow-big-thread alice member1 member2 ...

Prints {"sessions": {username: session key}, "thread": url of the big thread}.
"""

import argparse
import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.cached_db import SessionStore  # noqa: E402

from forum.models import Follow, Thread  # noqa: E402
from profiles.models import Member  # noqa: E402


def session_for(member) -> str:
    session = SessionStore()
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
    options = parser.parse_args()
    members = list(Member.objects.filter(username__in=options.usernames))
    if options.crowd:
        members += list(Member.objects.filter(username__startswith="member").order_by("pk")[: options.crowd])
    thread = (
        Thread.objects.filter(slug="share-your-favourite-lumio-scene").first() or Thread.objects.order_by("-pk").first()
    )
    if options.follow_big_thread:
        Follow.objects.bulk_create([Follow(thread=thread, member=m) for m in members], ignore_conflicts=True)
    print(json.dumps({"sessions": {m.username: session_for(m) for m in members}, "thread": thread.get_absolute_url()}))


if __name__ == "__main__":
    main()
