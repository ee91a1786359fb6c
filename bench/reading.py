"""What is new for members, at a community's size, in-process.

    python -m bench.reading --requests 50 --members 16 --seconds 10 > figures.json

Runs inside the benchmark's site after seed_demo. A reader is given read states on the
recent threads (a third of those read have replies since); then:

- the member home with unread counts: its queries and p50 / p95, rendered each time (page
  cache off) and served from the copy members share (its marks filled per reader), and
  rendered for a member who tracks a category (its new and unread threads counted);
- read positions under load: as many members as `--members`, each in its own thread, read
  (a page's report every 0.2 s, through reading.tracker as the beacon view calls it) and post
  (a reply every 2 s) at once for `--seconds`: the reports each was handled in, the replies,
  the writes of the buffer (at most one per READING_FLUSH_SECONDS) and the positions they
  left, checked against the furthest post each member reported.

Prints JSON.
"""

import argparse
import itertools
import json
import os
import random
import statistics
import threading
import time
from datetime import timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from forum import services as forum  # noqa: E402
from forum.models import Category, Post, Thread, Visibility  # noqa: E402
from moderation import limits  # noqa: E402
from profiles.models import Member  # noqa: E402
from reading import services, watching  # noqa: E402
from reading.models import ReadState, Watch  # noqa: E402
from reading.tracker import tracker  # noqa: E402


def figures(samples: list[float], digits: int = 1) -> dict:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered), digits),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], digits),
    }


def give_reader_news(reader, rng) -> dict:
    """Read states on the 600 most recent threads but one in three, a third of them behind."""
    threads = list(
        Thread.objects.filter(visibility=Visibility.VISIBLE, category__access=Category.Access.PUBLIC)
        .order_by("-last_activity_at")
        .values_list("pk", "reply_count", "last_activity_at")[:600]
    )
    states = []
    for n, (pk, replies, last) in enumerate(threads):
        if n % 3 == 2:
            continue  # never opened: new if recent
        behind = rng.randint(1, max(1, replies)) if n % 3 == 1 and replies else 0
        states.append(
            ReadState(
                member=reader,
                thread_id=pk,
                read_at=last - timedelta(minutes=behind),
                replies_read=replies - behind,
            )
        )
    ReadState.objects.bulk_create(states, ignore_conflicts=True)
    Watch.objects.filter(member=reader).delete()  # the demo's: the first figures are of unread counts alone
    return {"read_states": ReadState.objects.filter(member=reader).count(), "threads": Thread.objects.count()}


def member_home(reader, requests: int) -> dict:
    client = Client()
    client.force_login(reader)
    result = {}
    cases = (("rendered", False), ("shared copy", True), ("rendered, tracking a category", False))
    for name, shared in cases:
        settings.PAGE_CACHE = shared
        if name.endswith("tracking a category"):
            category = Category.objects.order_by("pk").first()
            watching.set_watch(member=reader, level=watching.Level.TRACKING, category=category)
        client.get("/")
        times, counts = [], []
        for _ in range(requests):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get("/")
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
            counts.append(len(queries))
        html = response.content.decode()
        result[name] = {
            **figures(times),
            "queries": max(counts),
            "unread_marks": html.count("badge-unread"),
            "new_marks": html.count("badge-new"),
            "served_from_copy": response.get("X-Page-Cache") == "hit",
        }
    return result


def reading_and_posting(members: list, seconds: float, rng: random.Random) -> dict:
    """Each member reads (a report every 0.2 s) and replies (every 2 s) in a thread of its own."""
    threads = list(Thread.objects.filter(visibility=Visibility.VISIBLE).order_by("-reply_count")[: len(members)])
    posts = {t.pk: list(Post.objects.filter(thread=t).values_list("pk", flat=True)) for t in threads}
    report_times, reply_times, furthest, failed = [], [], {}, []
    flushes = []
    lock = threading.Lock()
    original = services.record_reads

    def counted(positions):
        started = time.perf_counter()
        original(positions)
        with lock:
            flushes.append((time.monotonic(), len(positions), (time.perf_counter() - started) * 1000))

    services.record_reads = counted
    stop = time.monotonic() + seconds

    def member_loop(member, thread):
        own_rng = random.Random(rng.random())
        next_reply = time.monotonic() + own_rng.uniform(0, 2)
        try:
            while time.monotonic() < stop:
                post = own_rng.choice(posts[thread.pk])
                started = time.perf_counter()
                tracker.record(member_pk=member.pk, thread_pk=thread.pk, post_pk=post)
                with lock:
                    report_times.append((time.perf_counter() - started) * 1000)
                    key = (member.pk, thread.pk)
                    furthest[key] = max(furthest.get(key, 0), post)
                if time.monotonic() >= next_reply:
                    started = time.perf_counter()
                    with limits.exempt():
                        forum.post_reply(thread=thread, author=member, body="Same here, thanks.")
                    with lock:
                        reply_times.append((time.perf_counter() - started) * 1000)
                    next_reply += 2
                time.sleep(0.2)
        except Exception as error:  # counted, not raised: the run goes on for the others
            failed.append(repr(error))
        finally:
            close_old_connections()

    workers = [threading.Thread(target=member_loop, args=pair) for pair in zip(members, threads, strict=False)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    tracker.flush()
    services.record_reads = original
    gaps = [later[0] - earlier[0] for earlier, later in itertools.pairwise(flushes)]
    states = {
        (m, t): p for m, t, p in ReadState.objects.filter(member__in=members).values_list("member", "thread", "post_id")
    }
    behind = sum(1 for key, post in furthest.items() if (states.get(key) or 0) < post)
    return {
        "members": len(members),
        "seconds": seconds,
        "reports": len(report_times),
        "report": figures(report_times, digits=3),
        "replies": len(reply_times),
        "reply": figures(reply_times) if reply_times else {},
        "writes": len(flushes),
        "write": figures([ms for _at, _n, ms in flushes]) if flushes else {},
        "positions_per_write": round(statistics.mean(n for _at, n, _ms in flushes), 1) if flushes else 0,
        "shortest_gap_s": round(min(gaps), 2) if gaps else None,
        "interval_s": settings.READING_FLUSH_SECONDS,
        "positions_behind": behind,
        "failed": failed,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--members", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10)
    options = parser.parse_args()
    rng = random.Random(18)
    # alice, as the pages' figures read as her; members with no role read and post.
    reader = Member.objects.get(username="alice")
    writers = list(
        Member.objects.filter(
            is_active=True, suspended_until__isnull=True, is_brand_staff=False, is_moderator=False, is_superuser=False
        )
        .exclude(pk=reader.pk)
        .order_by("pk")[: options.members]
    )
    Member.objects.filter(pk__in=[m.pk for m in writers]).update(date_joined=timezone.now() - timedelta(days=400))
    result = {"sizes": give_reader_news(reader, rng)}
    result["member home"] = member_home(reader, options.requests)
    result["reading and posting"] = reading_and_posting(writers, options.seconds, rng)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
