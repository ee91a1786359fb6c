"""The ideas' lists at a large community's size, timed in-process inside the benchmark's site.

    python -m bench.ideas --ideas 10000 --votes 200000 --requests 50 > figures.json

Adds ideas categories (two public, one staff-only), their ideas in every status and votes
spread over six months (more of them lately for some ideas, so that trending and top differ),
written in bulk as the demo's generated threads are; then times /ideas/ by each sort, with
filters, and /roadmap/, for a visitor and a member, with the page cache off. Prints JSON.
"""

import argparse
import json
import os
import random
from datetime import timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.text import slugify  # noqa: E402

from bench.pages import measure  # noqa: E402
from forum.models import Category, Post, Thread  # noqa: E402
from ideas.models import Idea, IdeaVote, Status  # noqa: E402
from profiles.models import Member  # noqa: E402

BATCH = 2000
WORDS = [
    "scenes",
    "dimmer",
    "sunrise",
    "schedule",
    "widget",
    "offline",
    "mode",
    "colour",
    "presets",
    "travel",
    "lamp",
    "routines",
    "voice",
    "energy",
    "report",
    "away",
    "mode",
    "groups",
    "firmware",
    "notes",
    "calendar",
    "music",
    "sync",
]
STATUS_WEIGHTS = {
    Status.NEW: 60,
    Status.UNDER_REVIEW: 12,
    Status.PLANNED: 8,
    Status.IN_PROGRESS: 5,
    Status.DONE: 8,
    Status.DECLINED: 5,
    Status.DUPLICATE: 2,
}


def seed(count: int, votes: int, voters: int, rng: random.Random) -> dict:
    if Category.objects.filter(slug="bench-ideas").exists():
        return {"ideas": Idea.objects.count(), "votes": IdeaVote.objects.count()}
    categories = [
        Category.objects.create(slug="bench-ideas", name="Ideas", kind=Category.Kind.IDEAS, position=90),
        Category.objects.create(slug="bench-idees", name="Idées", kind=Category.Kind.IDEAS, position=91),
        Category.objects.create(
            slug="bench-team-ideas", name="Team ideas", kind=Category.Kind.IDEAS, access="staff", position=92
        ),
    ]
    members = _voters(voters)
    now = timezone.now()
    statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    threads = []
    for start in range(0, count, BATCH):
        batch = []
        for n in range(start, min(count, start + BATCH)):
            title = f"{' '.join(rng.sample(WORDS, 4)).capitalize()} ({n})"
            created = now - timedelta(days=rng.uniform(1, 720))
            category = categories[2] if rng.random() < 0.05 else rng.choice(categories[:2])
            batch.append(
                Thread(
                    category=category,
                    title=title,
                    slug=slugify(title)[:80],
                    author=rng.choice(members),
                    created_at=created,
                    last_activity_at=created + timedelta(days=rng.uniform(0, 30)),
                )
            )
        batch = Thread.objects.bulk_create(batch)
        Post.objects.bulk_create(
            Post(thread=t, author=t.author, body="An idea.", body_html="<p>An idea.</p>", is_opening=True)
            for t in batch
        )
        Idea.objects.bulk_create(
            Idea(
                thread=t,
                status=(status := rng.choices(statuses, weights)[0]),
                status_changed_at=None if status == Status.NEW else t.created_at + timedelta(days=rng.uniform(1, 60)),
            )
            for t in batch
        )
        threads += batch
    _votes(threads, members, votes, now, rng)
    return {"ideas": Idea.objects.count(), "votes": IdeaVote.objects.count()}


def _voters(count: int) -> list[Member]:
    members = Member.objects.bulk_create(
        Member(username=f"ideafan{n}", email=f"ideafan{n}@example.com") for n in range(count)
    )
    EmailAddress.objects.bulk_create(EmailAddress(user=m, email=m.email, verified=True, primary=True) for m in members)
    return members


def _votes(threads, members, total, now, rng):
    """`total` votes, each idea's share drawn from a long tail (a few ideas gather most votes);
    a sixth of the ideas gather theirs lately (the trending ones)."""
    shares = [rng.paretovariate(1.2) for _ in threads]
    scale = total / sum(shares)
    wanted = [min(len(members), round(share * scale)) for share in shares]
    # What the cap (one vote per member) and rounding left out goes to ideas with room for it.
    short = total - sum(wanted)
    while short > 0:
        for i in range(len(wanted)):
            if short and wanted[i] < len(members):
                wanted[i] += 1
                short -= 1
    rows, counts = [], {}
    for thread, n in zip(threads, wanted, strict=True):
        recent = rng.random() < 1 / 6
        for member in rng.sample(members, n):
            days = rng.uniform(0, 25) if recent else rng.uniform(0, 180)
            rows.append(IdeaVote(idea_id=thread.pk, member=member, created_at=now - timedelta(days=days)))
        counts[thread.pk] = n
        if len(rows) >= BATCH:
            IdeaVote.objects.bulk_create(rows)
            rows = []
    IdeaVote.objects.bulk_create(rows)
    for idea_id, n in counts.items():
        if n:
            Idea.objects.filter(pk=idea_id).update(votes=n)
    # Written in bulk, so counted here as each vote would have counted them (the trending bound).
    for idea in Idea.objects.filter(votes__gt=0).iterator():
        idea.count_recent_votes(now)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ideas", type=int, default=10000)
    parser.add_argument("--votes", type=int, default=200000)
    parser.add_argument("--voters", type=int, default=10000)
    parser.add_argument("--requests", type=int, default=50)
    options = parser.parse_args()
    sizes = seed(options.ideas, options.votes, options.voters, random.Random(7))
    visitor, member = Client(), Client()
    member.force_login(Member.objects.get(username="ideafan1"))  # a member with no role
    pages = {
        "top": "/ideas/",
        "trending": "/ideas/?sort=trending",
        "newest": "/ideas/?sort=newest",
        "planned, by votes": "/ideas/?status=planned",
        "one category, trending": "/ideas/?category=bench-idees&sort=trending",
        "roadmap": "/roadmap/",
    }
    figures = {
        name: {"visitor": measure(visitor, url, options.requests), "member": measure(member, url, options.requests)}
        for name, url in pages.items()
    }
    print(json.dumps({"sizes": sizes, "pages": figures}))


if __name__ == "__main__":
    main()
