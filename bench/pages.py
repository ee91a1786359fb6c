"""In-process page timings and query counts, run inside the benchmark's site environment.

    python -m bench.pages --requests 50 > figures.json

DEBUG is off; each page is requested a few times to warm caches, then timed.
Query counts are taken on a separate request, so that counting costs nothing
in the timings.
"""

import argparse
import json
import os
import random
import statistics
import time
from datetime import timedelta

import django
from django.db.models import Sum

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from taggit.models import Tag, TaggedItem  # noqa: E402

from answering.selectors import answer_page  # noqa: E402
from api.services import create_token  # noqa: E402
from forum.models import Category, Thread  # noqa: E402
from profiles import roles  # noqa: E402
from profiles.models import Member  # noqa: E402
from reputation.models import CategoryExpertise  # noqa: E402

WARMUP = 3
# Open questions added for the measure of /answer/ (and taken away after it): a tenth of the
# full scale's 2,000 threads.
OPEN_QUESTIONS = 200


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def measure(client, url, requests):
    for _ in range(WARMUP):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    # The captured list reads Django's query log, which the next request empties: count now.
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    query_count = len(queries)
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return {
        "url": url,
        "queries": query_count,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
    }


def pages():
    big = (
        Thread.objects.filter(slug="share-your-favourite-lumio-scene").first()
        or Thread.objects.order_by("-reply_count").first()
    )
    last_page = big.reply_count // 20 + 1
    # A list of threads (an ideas category's page is the ideas' list, measured by bench/ideas.py).
    category = Category.objects.filter(access="public").exclude(kind="ideas").order_by("-thread_count").first()
    prolific = Member.objects.filter(username="prolific").first() or Member.objects.order_by("-reputation").first()
    return {
        "home": "/",
        "category": category.get_absolute_url(),
        "thread page 1": big.get_absolute_url(),
        "thread last page": f"{big.get_absolute_url()}?page={last_page}",
        # The same first page of the big thread through the JSON API (its member reads with a token).
        "api thread page 1": f"/api/v1/threads/{big.pk}",
        "profile": f"/u/{prolific.username}/",
        "search": "/search/?q=lampe",
    }


def answerer():
    """The member (not staff) with the most points answering questions: /answer/ at its fullest."""
    best = (
        CategoryExpertise.objects.filter(member__is_active=True, category__kind=Category.Kind.QUESTIONS)
        .exclude(roles.brand_staff_q("member__"))
        .values("member")
        .annotate(points=Sum("points"))
        .order_by("-points", "member")
        .first()
    )
    return Member.objects.get(pk=best["member"]) if best else None


def answer_figures(requests) -> dict | None:
    """/answer/ for the member with the most expertise, with how many open questions matched.

    The seeded forum has almost no open question (every generated thread gets its replies), so
    OPEN_QUESTIONS are added for the measure, open and tagged, and taken away after it: the
    other rows never see them.
    """
    member = answerer()
    if member is None:
        return None
    added = _open_questions(OPEN_QUESTIONS, besides=member)
    try:
        client = Client()
        client.force_login(member)
        figures = measure(client, "/answer/", requests)
        page = answer_page(member)
    finally:
        TaggedItem.objects.filter(content_type=ContentType.objects.get_for_model(Thread), object_id__in=added).delete()
        Thread.objects.filter(pk__in=added).delete()
    figures["added"] = len(added)
    figures["matches"] = page.questions.paginator.count
    figures["shown"] = len(page.questions.object_list)
    figures["areas"] = {"tags": len(page.areas.tags), "categories": len(page.areas.categories)}
    return figures


def _open_questions(count: int, *, besides) -> list[int]:
    """`count` open questions in the public question categories, asked by others over the last
    30 days, each with 1 to 3 of the forum's tags; their ids."""
    rng = random.Random(1)
    categories = list(Category.objects.filter(kind=Category.Kind.QUESTIONS, access=Category.Access.PUBLIC))
    askers = list(Member.objects.exclude(pk=besides.pk).values_list("pk", flat=True)[:200])
    tags = list(Tag.objects.values_list("pk", flat=True))
    if not categories or not askers:
        return []
    now = timezone.now()
    threads = Thread.objects.bulk_create(
        Thread(
            category=rng.choice(categories),
            title=f"Open question {n}",
            slug=f"open-question-{n}",
            author_id=rng.choice(askers),
            created_at=now - timedelta(minutes=rng.randint(1, 30 * 24 * 60)),
        )
        for n in range(count)
    )
    thread_type = ContentType.objects.get_for_model(Thread)
    TaggedItem.objects.bulk_create(
        TaggedItem(tag_id=tag, content_type=thread_type, object_id=thread.pk)
        for thread in threads
        for tag in set(rng.sample(tags, k=min(len(tags), rng.randint(1, 3))))
    )
    return [thread.pk for thread in threads]


SEARCHES = {
    "1 word": "/search/?q=lampe",
    "2 words": "/search/?q=lampe+wifi",
    "3 words": "/search/?q=halo+update+router",
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--searches-only", action="store_true", help="Only the search page's queries.")
    options = parser.parse_args()
    visitor, member = Client(), Client()
    if options.searches_only:
        print(json.dumps({name: measure(visitor, url, options.requests) for name, url in SEARCHES.items()}))
        return
    alice = Member.objects.filter(username="alice").first()
    member.force_login(alice)
    token = create_token(member=alice, name="Benchmark", scope="read")[1]
    api_member = Client(headers={"Authorization": f"Bearer {token}"})
    results = {}
    for name, url in pages().items():
        results[name] = {
            "visitor": measure(visitor, url, options.requests),
            "member": measure(api_member if url.startswith("/api/") else member, url, options.requests),
        }
    results["search queries"] = {name: measure(visitor, url, options.requests) for name, url in SEARCHES.items()}
    results["answer"] = answer_figures(options.requests)
    results["trivial view"] = measure(visitor, "/healthz", options.requests)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
