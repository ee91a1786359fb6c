"""Choosing whom to invite to answer a new question, at a community's size, in-process.

    python -m bench.answering --questions 50 > figures.json

Runs inside the benchmark's site after seed_demo (1,000 members, 100,000 posts at full
scale). The seeded questions get tags (1 to 3 each, a few tags far more common than the
rest, as on a real forum), and the expertise rows are rebuilt from the ledger; members were
seen over the last 90 days (most within the last 30), some turned invitations off, chose
tags or their own cap, and some received invitations in the last day. Then new questions are
asked, tagged alike, and choose_invitees is timed for each (the first round and the wider
one), as invite_answerers calls it: with the thread and its category, its tags not yet read.
Also timed: finding the questions due for a round (rounds.due). Prints JSON.
"""

import argparse
import json
import os
import random
import statistics
import time
from datetime import timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from taggit.models import Tag, TaggedItem  # noqa: E402

from answering import rounds  # noqa: E402
from answering.invitees import choose_invitees  # noqa: E402
from answering.models import AnsweringPreference, Invitation  # noqa: E402
from forum.models import Category, Post, Thread  # noqa: E402
from profiles.models import Member  # noqa: E402
from reputation import expertise  # noqa: E402
from reputation.models import CategoryExpertise, TagExpertise  # noqa: E402

BATCH = 2000
TAGS = [
    "wifi", "bluetooth", "app", "firmware", "halo", "strip", "bulb", "dimmer", "scenes", "routines",
    "voice", "alexa", "google-home", "homekit", "matter", "zigbee", "bridge", "colour", "white",
    "schedule", "away-mode", "energy", "widget", "update", "reset", "pairing", "router", "garden",
    "outdoor", "sensor", "motion", "remote", "battery", "warranty", "delivery", "install", "sync",
    "music", "sleep", "sunrise",
]  # fmt: skip


def seed(rng: random.Random, now) -> dict:
    """Tags on the seeded questions, expertise rebuilt, members' activity and choices."""
    questions = list(Category.objects.filter(kind=Category.Kind.QUESTIONS))
    tags = [Tag.objects.get_or_create(name=name, defaults={"slug": name})[0] for name in TAGS]
    weights = [1 / (n + 1) for n in range(len(tags))]  # a long tail: "wifi" on far more threads than "sunrise"
    thread_type = ContentType.objects.get_for_model(Thread)
    tagged = set(TaggedItem.objects.filter(content_type=thread_type).values_list("object_id", flat=True))
    items = []
    for thread_id in Thread.objects.filter(category__in=questions).values_list("pk", flat=True):
        if thread_id in tagged:
            continue  # the demo's curated threads keep their own tags
        for tag in set(rng.choices(tags, weights, k=rng.randint(1, 3))):
            items.append(TaggedItem(tag=tag, content_type=thread_type, object_id=thread_id))
    TaggedItem.objects.bulk_create(items, batch_size=BATCH)
    started = time.perf_counter()
    expertise.rebuild()
    rebuild_s = time.perf_counter() - started
    members = list(Member.objects.values_list("pk", flat=True))
    _activity(members, rng, now)
    _choices(members, tags, rng)
    _recent_invitations(members, questions, rng, now)
    return {
        "members": len(members),
        "posts": Post.objects.count(),
        "question_threads": Thread.objects.filter(category__in=questions).count(),
        "tagged_items": len(items),
        "tag_expertise_rows": TagExpertise.objects.count(),
        "category_expertise_rows": CategoryExpertise.objects.count(),
        "expertise_rebuild_s": round(rebuild_s, 1),
    }


def _activity(members, rng, now):
    """Most members seen within the last 30 days, the others up to 90 days ago."""
    by_day = {}
    for pk in members:
        by_day.setdefault(rng.randint(0, 29) if rng.random() < 0.7 else rng.randint(30, 90), []).append(pk)
    for days, pks in by_day.items():
        Member.objects.filter(pk__in=pks).update(last_seen=now - timedelta(days=days, minutes=rng.randint(0, 1400)))


def _choices(members, tags, rng):
    """5% turned invitations off, 10% chose a few tags, 5% set their own cap."""
    rows, chosen = [], []
    for pk in rng.sample(members, len(members) // 5):
        draw = rng.random()
        if draw < 0.25:
            rows.append(AnsweringPreference(member_id=pk, invitations=False))
        elif draw < 0.75:
            rows.append(AnsweringPreference(member_id=pk))
            chosen.append((pk, rng.sample(tags, rng.randint(1, 4))))
        else:
            rows.append(AnsweringPreference(member_id=pk, daily_cap=rng.randint(0, 10)))
    AnsweringPreference.objects.bulk_create(rows)
    ids = dict(AnsweringPreference.objects.values_list("member", "pk"))
    through = AnsweringPreference.tags.through
    through.objects.bulk_create(
        through(answeringpreference_id=ids[pk], tag_id=tag.pk) for pk, picked in chosen for tag in picked
    )


def _recent_invitations(members, questions, rng, now):
    """Invitations sent over the last two days, so that daily caps are reached by some."""
    threads = list(Thread.objects.filter(category__in=questions).values_list("pk", flat=True)[:2000])
    seen, rows = set(), []
    for _ in range(3000):
        key = (rng.choice(threads), rng.choice(members))
        if key not in seen:
            seen.add(key)
            sent = now - timedelta(hours=rng.uniform(0, 48))
            rows.append(Invitation(thread_id=key[0], member_id=key[1], round=1, sent_at=sent))
    Invitation.objects.bulk_create(rows, batch_size=BATCH)


def ask(count: int, rng: random.Random, now) -> list[int]:
    """New questions, tagged as the seeded ones, asked half an hour ago."""
    questions = list(Category.objects.filter(kind=Category.Kind.QUESTIONS, access=Category.Access.PUBLIC))
    askers = list(Member.objects.filter(is_brand_staff=False).values_list("pk", flat=True))
    tags = list(Tag.objects.filter(name__in=TAGS))
    weights = [1 / (n + 1) for n in range(len(tags))]
    asked = now - timedelta(minutes=31)
    with transaction.atomic():
        threads = Thread.objects.bulk_create(
            Thread(
                category=rng.choice(questions),
                title=f"A new question number {n}",
                slug=f"a-new-question-number-{n}",
                author_id=rng.choice(askers),
                created_at=asked,
                last_activity_at=asked,
            )
            for n in range(count)
        )
        Post.objects.bulk_create(
            Post(thread=t, author_id=t.author_id, body="Help?", body_html="<p>Help?</p>", is_opening=True)
            for t in threads
        )
        thread_type = ContentType.objects.get_for_model(Thread)
        TaggedItem.objects.bulk_create(
            TaggedItem(tag=tag, content_type=thread_type, object_id=t.pk)
            for t in threads
            for tag in set(rng.choices(tags, weights, k=rng.randint(1, 3)))
        )
    return [t.pk for t in threads]


def timed(call) -> tuple[float, int, object]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = call()
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, len(queries), result


def figures(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 1),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=50)
    options = parser.parse_args()
    rng, now = random.Random(11), timezone.now()
    sizes = seed(rng, now)
    ids = ask(options.questions, rng, now)
    result = {"sizes": sizes}
    for number in (1, 2):
        times, queries, chosen = [], [], []
        for pk in ids:
            thread = Thread.objects.select_related("category").get(pk=pk)

            def choose(thread=thread, number=number):
                return choose_invitees(thread, round=number, now=now)

            elapsed, count, members = timed(choose)
            times.append(elapsed)
            queries.append(count)
            chosen.append(len(members))
        result[f"round {number}"] = {
            **figures(times),
            "queries": max(queries),
            "invitees_mean": round(statistics.mean(chosen), 1),
        }
    times = [timed(lambda: rounds.due(now))[0] for _ in range(min(options.questions, 20))]
    result["due"] = {**figures(times), "found": len(rounds.due(now))}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
