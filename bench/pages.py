"""In-process page timings and query counts, run inside the benchmark's site environment.

    python -m bench.pages --requests 50 > figures.json

DEBUG is off; each page is requested a few times to warm caches, then timed.
Query counts are taken on a separate request, so that counting costs nothing
in the timings.
"""

import argparse
import json
import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from forum.models import Category, Thread  # noqa: E402
from profiles.models import Member  # noqa: E402

WARMUP = 3


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
        "profile": f"/u/{prolific.username}/",
        "search": "/search/?q=lampe",
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50)
    options = parser.parse_args()
    visitor, member = Client(), Client()
    member.force_login(Member.objects.filter(username="alice").first())
    results = {}
    for name, url in pages().items():
        results[name] = {
            "visitor": measure(visitor, url, options.requests),
            "member": measure(member, url, options.requests),
        }
    searches = {
        "1 word": "/search/?q=lampe",
        "2 words": "/search/?q=lampe+wifi",
        "3 words": "/search/?q=halo+update+router",
    }
    results["search queries"] = {name: measure(visitor, url, options.requests) for name, url in searches.items()}
    results["trivial view"] = measure(visitor, "/healthz", options.requests)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
