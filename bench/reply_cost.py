"""What one reply to the big thread costs, in-process: the figures a loaded server hides.

    python -m bench.run --scale full --only replies --keep      # leaves /tmp/agora-bench-XXXX
    S=/tmp/agora-bench-XXXX; VAR_DIR=$S DATABASE_URL=sqlite:///$S/db.sqlite3 SEARCH_PATH=$S/whoosh \
        POSTING_LIMITS=false RATE_LIMITS=false EMAIL_URL=memory:// python -m bench.reply_cost --replies 60
    ... python -m bench.reply_cost --replies 60 --profile reply.prof   # and a cProfile of them

It writes replies: run it on a copy of the kept folder to compare two versions of the code.

Runs inside the benchmark's site after seed_demo and bench.sessions --follow-big-thread (its
followers are the thread's). Members who do not follow the big thread post replies to it one
after the other through the reply form (the test client: the same view, middleware and
after-commit work as under daphne, without the network). For each reply: the wall and CPU
time of the request, the time SQLite's write lock was held (from BEGIN IMMEDIATE to COMMIT:
what serializes every writer of the site; in wall time and in the thread's CPU time, which
other processes on the machine do not inflate), and the SQL statements run inside and outside the
transaction. Prints JSON: p50 / p95 of each figure, and the statements of the last reply.
"""

import argparse
import cProfile
import json
import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from forum.models import Follow, Thread  # noqa: E402
from profiles.models import Member  # noqa: E402

BODY = (
    "Reply {n}: I tried this **again** this morning, with the lamp on the *second* channel.\n\n"
    "- the scene starts\n- the colours hold for a while\n- then it drifts\n\nDoes anyone else see that?"
)


class Watch:
    """The write transaction's span and the statements run in and out of it, on one connection."""

    def __init__(self):
        self.began = self.lock_ms = self.lock_cpu_ms = None
        self.inside, self.outside = [], []
        wrapper = connections["default"].__class__
        start, commit = wrapper._start_transaction_under_autocommit, wrapper._commit
        watch = self

        def timed_start(self):
            start(self)
            watch.began, watch.began_cpu = time.perf_counter(), time.thread_time()

        def timed_commit(self):
            try:
                return commit(self)
            finally:
                if watch.began is not None:
                    watch.lock_ms = (watch.lock_ms or 0) + (time.perf_counter() - watch.began) * 1000
                    watch.lock_cpu_ms = (watch.lock_cpu_ms or 0) + (time.thread_time() - watch.began_cpu) * 1000
                    watch.began = None

        wrapper._start_transaction_under_autocommit, wrapper._commit = timed_start, timed_commit

    def __call__(self, execute, sql, params, many, context):
        (self.inside if connection.in_atomic_block else self.outside).append(sql)
        return execute(sql, params, many, context)

    def reset(self):
        self.began = self.lock_ms = self.lock_cpu_ms = None
        self.inside, self.outside = [], []


def summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "p50": round(statistics.median(ordered), 2),
        "p95": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 2),
        "mean": round(statistics.mean(ordered), 2),
    }


def kind(sql: str) -> str:
    """A statement's verb and table, e.g. 'INSERT notifications_notification'."""
    words = sql.replace('"', "").split()
    verb = words[0].upper()
    if verb == "INSERT":
        return f"INSERT {words[2]}"
    if verb == "UPDATE":
        return f"UPDATE {words[1]}"
    if verb in ("SELECT", "DELETE"):
        tables = [words[i + 1] for i, w in enumerate(words[:-1]) if w.upper() == "FROM"]
        return f"{verb} {tables[0] if tables else '?'}"
    return verb


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=40)
    parser.add_argument("--profile", help="Write a cProfile of the timed replies to this file (it slows them).")
    options = parser.parse_args()
    thread = Thread.objects.filter(slug="share-your-favourite-lumio-scene").first() or Thread.objects.last()
    following = Follow.objects.filter(thread=thread).values("member")
    writers = list(
        Member.objects.filter(username__startswith="member", is_active=True)
        .exclude(pk__in=following)
        .exclude(pk=thread.author_id)
        .exclude(suspended_until__gt=timezone.now())
        .order_by("pk")[:16]
    )
    clients = []
    for member in writers:
        client = Client()
        client.force_login(member)
        clients.append(client)
    url = f"/t/{thread.slug}/{thread.pk}/reply/"
    watch = Watch()
    wall, cpu, lock, lock_cpu, inside, outside = [], [], [], [], [], []
    profile = cProfile.Profile() if options.profile else None
    with connection.execute_wrapper(watch):
        # The first reply of each member warms its client (its middleware) and makes it a follower.
        for n in range(len(clients) + options.replies):
            client = clients[n % len(clients)]
            watch.reset()
            timed = n >= len(clients)
            if timed and profile:
                profile.enable()
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.post(url, {"body": BODY.format(n=n)})
            ended, ended_cpu = time.perf_counter(), time.process_time()
            if timed and profile:
                profile.disable()
            if response.status_code != 302:
                raise SystemExit(f"reply {n}: {response.status_code}")
            if timed:
                wall.append((ended - started) * 1000)
                cpu.append((ended_cpu - started_cpu) * 1000)
                lock.append(watch.lock_ms or 0.0)
                lock_cpu.append(watch.lock_cpu_ms or 0.0)
                inside.append(len(watch.inside))
                outside.append(len(watch.outside))
    if profile:
        profile.dump_stats(options.profile)
    kinds, outside_kinds = {}, {}
    for statements, counted in ((watch.inside, kinds), (watch.outside, outside_kinds)):
        for sql in statements:
            counted[kind(sql)] = counted.get(kind(sql), 0) + 1
    followers = Follow.objects.filter(thread=thread, level=Follow.Level.FOLLOWING).count()
    print(
        json.dumps(
            {
                "replies": options.replies,
                "followers": followers,
                "wall_ms": summary(wall),
                "cpu_ms": summary(cpu),
                "write_lock_ms": summary(lock),
                "write_lock_cpu_ms": summary(lock_cpu),
                "statements_in_transaction": max(inside),
                "statements_outside": max(outside),
                "last_reply_in_transaction": kinds,
                "last_reply_outside": outside_kinds,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
