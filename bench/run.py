"""Measure Agora at a real community's size and print every figure beside its target.

    make bench                 # about 2,000 threads, 100,000 posts, 1,000 members
    make bench SCALE=small     # a quick run
    python -m bench.run --scale tiny --quick   # the smoke run that `make test` does
    python -m bench.run --only redis-sockets   # one row: 5,000 sockets on one daphne with Redis
    python -m bench.run --only ideas           # /ideas/ and /roadmap/: 10,000 ideas, 200,000 votes
    python -m bench.run --only answering       # choosing whom to invite to answer, at the scale's size
    BENCH_DATABASE_URL=postgres://… python -m bench.run --only postgres-search   # search on PostgreSQL
    python -m bench.run --only reading         # the member home with unread counts; read positions under load
    python -m bench.run --only replies         # members replying at once to the big thread its followers follow

Everything runs in a temporary folder: a fresh database seeded with seed_demo,
a fresh Whoosh index, daphne processes on loopback ports. Pages under load are
shown as a share of /healthz measured around them on the same server, beside a
bare Django project's /healthz (bench/bare). The table is printed and written as
JSON under bench/results/ (latest-<scale>.json and a dated copy).
"""

import argparse
import asyncio
import json
import os
import platform
import re
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import redis

from bench import load, replies, sockets
from bench.env import (
    ROOT,
    Site,
    bare_django,
    cpu_seconds,
    open_descriptors,
    raise_open_file_limit,
    rss_mb,
    tcp_connections_to,
)

SCALES = {
    "full": {
        "members": 1000,
        "threads": 2000,
        "replies": 48,
        "big_thread": 100,
        "prolific": 5000,
        "sockets": 1000,
        "redis_sockets": 5000,
        "followers": 100,
        "repliers": 16,
        "requests": 50,
        "load_seconds": 20,
        "rounds": 10,
        "ideas": 10000,
        "idea_votes": 200000,
        "idea_voters": 10000,
        "new_questions": 50,
    },
    "small": {
        "members": 200,
        "threads": 300,
        "replies": 20,
        "big_thread": 100,
        "prolific": 500,
        "sockets": 200,
        "redis_sockets": 1000,
        "followers": 50,
        "repliers": 16,
        "requests": 20,
        "load_seconds": 5,
        "rounds": 5,
        "ideas": 2000,
        "idea_votes": 40000,
        "idea_voters": 1000,
        "new_questions": 20,
    },
    "tiny": {
        "members": 12,
        "threads": 10,
        "replies": 3,
        "big_thread": 10,
        "prolific": 30,
        "sockets": 5,
        "redis_sockets": 50,
        "followers": 5,
        "repliers": 4,
        "requests": 3,
        "load_seconds": 1,
        "rounds": 2,
        "ideas": 100,
        "idea_votes": 500,
        "idea_voters": 50,
        "new_questions": 5,
    },
}

TARGETS = {
    "thread_queries": 12,
    "list_queries": 10,
    "profile_queries": 20,
    "thread_p50_ms": 40,
    "profile_p50_ms": 20,
    # Requests per second under load, as a share of /healthz on the same server.
    "throughput_ratio": 0.35,  # the visitor's thread page, from the page cache
    "member_ratio": 0.40,  # a member's thread, home and category pages
    "profile_ratio": 0.30,  # a member viewing the profile of the member with the most posts
    "miss_ratio": 0.25,  # the visitor's thread page, rendered (page cache off)
    "middleware_ratio": 0.60,  # /healthz through Agora's middleware, as a share of the bare project's
    "replies_per_s": 40,
    "replies_p95_ms": 500,
    "sockets": 1000,
    "redis_connections": 4,
    "notification_p95_ms": 200,
    "rebuild_posts_per_s": 1000,
    "search_p50_ms": 30,
    "ideas_p50_ms": 30,  # /ideas/ sorted by top and by trending, 10,000 ideas and 200,000 votes
    "ideas_queries": 8,
    "answer_p50_ms": 30,  # /answer/ for the member with the most expertise
    "answer_queries": 8,
    "invitees_ms": 20,  # choosing whom to invite to answer a new question, p95 (1,000 members, 100,000 posts)
    "invitees_queries": 4,
    "search_p95_ms": 100,
    # Search on PostgreSQL (SEARCH_ENGINE=postgres): the page, whichever words, within this.
    "postgres_search_p95_ms": 50,
    "reading_home_queries": 8,  # a member's home with their unread counts and new marks
    "reading_home_p50_ms": 40,  # as the member's thread page
    "seed_seconds_per_100k": 120,
    "server_mb": 500,
}


class Report:
    def __init__(self):
        self.rows = []
        self.data = {}

    def add(self, figure, value, target="", met=None, unit=""):
        shown = f"{value}{unit}" if value is not None else "—"
        verdict = "" if met is None else ("met" if met else "MISSED")
        self.rows.append((figure, shown, target, verdict))

    def print(self):
        widths = [max(len(str(row[i])) for row in [*self.rows, ("figure", "value", "target", "")]) for i in range(4)]
        line = "  ".join(f"{{:<{w}}}" for w in widths)
        print(line.format("figure", "value", "target", ""))
        print(line.format(*("-" * w for w in widths)))
        for row in self.rows:
            print(line.format(*row))


def seed(site, scale, report):
    site.manage("migrate", "--noinput")
    start = time.perf_counter()
    result = site.python(
        "bench.measure_seed",
        "--members",
        str(scale["members"]),
        "--threads",
        str(scale["threads"]),
        "--replies",
        str(scale["replies"]),
        "--big-thread",
        str(scale["big_thread"]),
        "--prolific-member",
        str(scale["prolific"]),
    )
    seconds = time.perf_counter() - start
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    posts, rebuild = figures["posts"], figures["rebuild"]
    rate = posts / seconds
    report.data["seed"] = {**figures, "seconds": round(seconds, 1), "posts_per_s": round(rate)}
    per_100k = seconds * 100_000 / max(posts, 1)
    report.add(
        f"seed {posts:,} posts (incl. index)",
        f"{seconds:.0f} s, {rate:,.0f} posts/s",
        f"100k in < {TARGETS['seed_seconds_per_100k']} s",
        per_100k < TARGETS["seed_seconds_per_100k"],
    )
    report.add(
        "seeding process peak memory",
        round(figures["peak_mb"]),
        f"< {TARGETS['server_mb']} MB",
        figures["peak_mb"] < TARGETS["server_mb"],
        " MB",
    )
    report.add(
        "index rebuild",
        f"{rebuild['posts_per_s']:,} posts/s",
        f">= {TARGETS['rebuild_posts_per_s']:,}",
        rebuild["posts_per_s"] >= TARGETS["rebuild_posts_per_s"],
    )
    report.add(
        "index rebuild peak memory",
        round(rebuild["peak_mb"]),
        f"< {TARGETS['server_mb']} MB",
        rebuild["peak_mb"] < TARGETS["server_mb"],
        " MB",
    )


# The in-process p50 budgets, by page (the member's view).
P50_BUDGETS = {
    "thread page 1": "thread_p50_ms",
    "thread last page": "thread_p50_ms",
    "api thread page 1": "thread_p50_ms",
    "profile": "profile_p50_ms",
}


def pages(site, scale, report):
    # Rendered every time: the figures are the pages' own cost, not the visitors' page cache.
    site.env["PAGE_CACHE"] = "false"
    figures = json.loads(site.python("bench.pages", "--requests", str(scale["requests"])).stdout)
    site.env["PAGE_CACHE"] = "true"
    report.data["pages"] = figures
    budgets = {
        "home": "list_queries",
        "category": "list_queries",
        "thread page 1": "thread_queries",
        "thread last page": "thread_queries",
        "api thread page 1": "thread_queries",
        "profile": "profile_queries",
        "search": "list_queries",
    }
    for name, budget in budgets.items():
        visitor, member = figures[name]["visitor"], figures[name]["member"]
        worst = max(visitor["queries"], member["queries"])
        report.add(
            f"{name}: queries (visitor / member)",
            f"{visitor['queries']} / {member['queries']}",
            f"<= {TARGETS[budget]}",
            worst <= TARGETS[budget],
        )
        budget = TARGETS.get(P50_BUDGETS.get(name, ""))
        target = f"p50 < {budget} ms" if budget else ""
        met = member["p50_ms"] < budget if budget else None
        report.add(f"{name}: member p50 / p95", f"{member['p50_ms']} / {member['p95_ms']} ms", target, met)
    for name, figure in figures["search queries"].items():
        report.add(
            f"search, {name}: p50 / p95",
            f"{figure['p50_ms']} / {figure['p95_ms']} ms",
            f"< {TARGETS['search_p50_ms']} / < {TARGETS['search_p95_ms']} ms",
            figure["p50_ms"] < TARGETS["search_p50_ms"] and figure["p95_ms"] < TARGETS["search_p95_ms"],
        )
    _answer_rows(report, figures.get("answer"))


def postgres_search(site, scale, report):
    """The rebuild and the search page's queries on PostgreSQL's full-text search, beside Whoosh's rows."""
    if not site.env["DATABASE_URL"].startswith("postgres"):
        raise SystemExit("Search on PostgreSQL needs a PostgreSQL database: set BENCH_DATABASE_URL=postgres://…")
    site.env["PAGE_CACHE"] = "false"
    whoosh = json.loads(site.python("bench.pages", "--requests", str(scale["requests"]), "--searches-only").stdout)
    site.env["SEARCH_ENGINE"] = "postgres"
    try:
        start = time.perf_counter()
        output = site.manage("rebuild_index").stdout
        seconds = time.perf_counter() - start
        indexed = int(re.search(r"Indexed ([\d,]+) posts in", output).group(1).replace(",", ""))
        site.env["PAGE_CACHE"] = "false"
        searches = json.loads(
            site.python("bench.pages", "--requests", str(scale["requests"]), "--searches-only").stdout
        )
    finally:
        site.env["PAGE_CACHE"] = "true"
        del site.env["SEARCH_ENGINE"]
    rate = round(indexed / seconds)
    report.data["postgres search"] = {"rebuild": {"posts": indexed, "seconds": round(seconds, 1), "posts_per_s": rate}}
    report.data["postgres search"]["queries"] = searches
    report.data["postgres search"]["whoosh queries"] = whoosh
    report.add(
        "index rebuild, PostgreSQL",
        f"{rate:,} posts/s",
        f">= {TARGETS['rebuild_posts_per_s']:,}",
        rate >= TARGETS["rebuild_posts_per_s"],
    )
    for name, figure in searches.items():
        report.add(
            f"search, {name}, PostgreSQL: p50 / p95",
            f"{figure['p50_ms']} / {figure['p95_ms']} ms (Whoosh {whoosh[name]['p50_ms']} / {whoosh[name]['p95_ms']})",
            f"p95 < {TARGETS['postgres_search_p95_ms']} ms",
            figure["p95_ms"] < TARGETS["postgres_search_p95_ms"],
        )


def _answer_rows(report, figure):
    """/answer/ (open questions in a member's areas), for the member with the most expertise."""
    if figure is None:
        report.add("/answer/: member p50 / p95", "skipped: no member has expertise")
        return
    shown = f"{figure['shown']} of {figure['matches']:,} matches, {figure['added']} open questions added"
    report.add(
        f"/answer/ ({shown}): queries",
        figure["queries"],
        f"<= {TARGETS['answer_queries']}",
        figure["queries"] <= TARGETS["answer_queries"],
    )
    report.add(
        "/answer/: member p50 / p95",
        f"{figure['p50_ms']} / {figure['p95_ms']} ms",
        f"p50 < {TARGETS['answer_p50_ms']} ms",
        figure["p50_ms"] < TARGETS["answer_p50_ms"],
    )


# The ideas' pages that have a p50 budget; the others are shown beside them.
IDEAS_BUDGETED = ("top", "trending")


def ideas(site, scale, report):
    """/ideas/ and /roadmap/ at the scale's number of ideas and votes, in-process, page cache off."""
    site.env["PAGE_CACHE"] = "false"
    figures = json.loads(
        site.python(
            "bench.ideas",
            *("--ideas", str(scale["ideas"]), "--votes", str(scale["idea_votes"])),
            *("--voters", str(scale["idea_voters"]), "--requests", str(scale["requests"])),
        ).stdout
    )
    site.env["PAGE_CACHE"] = "true"
    report.data["ideas"] = figures
    sizes = figures["sizes"]
    for name, figure in figures["pages"].items():
        visitor, member = figure["visitor"], figure["member"]
        label = f"ideas, {name} ({sizes['ideas']:,} ideas, {sizes['votes']:,} votes)"
        worst = max(visitor["queries"], member["queries"])
        report.add(
            f"{label}: queries (visitor / member)",
            f"{visitor['queries']} / {member['queries']}",
            f"<= {TARGETS['ideas_queries']}",
            worst <= TARGETS["ideas_queries"],
        )
        budgeted = name in IDEAS_BUDGETED
        slowest = max(visitor["p50_ms"], member["p50_ms"])
        report.add(
            f"{label}: p50 (visitor / member)",
            f"{visitor['p50_ms']} / {member['p50_ms']} ms",
            f"< {TARGETS['ideas_p50_ms']} ms" if budgeted else "",
            slowest < TARGETS["ideas_p50_ms"] if budgeted else None,
        )


def answering(site, scale, report):
    """Choosing whom to invite to answer a new question, on the seeded site, in-process.

    Run last: it tags the seeded questions and rebuilds the expertise rows, which the pages'
    rows must not see."""
    figures = json.loads(site.python("bench.answering", "--questions", str(scale["new_questions"])).stdout)
    report.data["answering"] = figures
    sizes = figures["sizes"]
    where = f"{sizes['members']:,} members, {sizes['posts']:,} posts, {sizes['tag_expertise_rows']:,} tag rows"
    for number, name in ((1, "first round"), (2, "wider round")):
        figure = figures[f"round {number}"]
        report.add(
            f"choosing invitees, {name} ({where}): queries",
            figure["queries"],
            f"<= {TARGETS['invitees_queries']}",
            figure["queries"] <= TARGETS["invitees_queries"],
        )
        report.add(
            f"choosing invitees, {name} ({where}): p50 / p95",
            f"{figure['p50_ms']} / {figure['p95_ms']} ms",
            f"p95 < {TARGETS['invitees_ms']} ms",
            figure["p95_ms"] < TARGETS["invitees_ms"],
        )
    due = figures["due"]
    report.add("questions due for a round of invitations: p50 / p95", f"{due['p50_ms']} / {due['p95_ms']} ms")


def reading(site, scale, report):
    """The member home with unread counts, and read positions while members read and post at once."""
    figures = json.loads(
        site.python(
            "bench.reading",
            *("--requests", str(scale["requests"]), "--members", str(scale["repliers"])),
            *("--seconds", str(scale["load_seconds"])),
        ).stdout
    )
    report.data["reading"] = figures
    sizes = figures["sizes"]
    where = f"{sizes['threads']:,} threads, {sizes['read_states']:,} read"
    for name, figure in figures["member home"].items():
        # Tracking a category adds the one query that counts its new and unread threads.
        budget = TARGETS["reading_home_queries"] + name.endswith("tracking a category")
        report.add(
            f"member home with unread counts, {name} ({where}): queries",
            figure["queries"],
            f"<= {budget}",
            figure["queries"] <= budget,
        )
        report.add(
            f"member home with unread counts, {name}: p50 / p95",
            f"{figure['p50_ms']} / {figure['p95_ms']} ms",
            f"p50 < {TARGETS['reading_home_p50_ms']} ms",
            figure["p50_ms"] < TARGETS["reading_home_p50_ms"],
        )
    load = figures["reading and posting"]
    interval = load["interval_s"]
    spaced = load["shortest_gap_s"] is None or load["shortest_gap_s"] >= interval * 0.9
    report.add(
        f"read positions, {load['members']} members reading and posting for {load['seconds']:g} s: writes",
        f"{load['writes']} writes of {load['positions_per_write']} positions "
        f"(shortest gap {load['shortest_gap_s']} s), "
        f"{load['reports']} reports, {load['positions_behind']} behind, {len(load['failed'])} failed",
        f"<= 1 per {interval} s, 0 behind, 0 failed",
        spaced and load["positions_behind"] == 0 and not load["failed"],
    )
    report.add(
        "read positions: a report handled in p50 / p95", f"{load['report']['p50_ms']} / {load['report']['p95_ms']} ms"
    )
    if load["reply"]:
        report.add(
            f"read positions: replies meanwhile ({load['replies']}) p50 / p95",
            f"{load['reply']['p50_ms']} / {load['reply']['p95_ms']} ms",
            f"p95 < {TARGETS['replies_p95_ms']} ms",
            load["reply"]["p95_ms"] < TARGETS["replies_p95_ms"],
        )


@dataclass
class Page:
    """One address put under load, as the row names it, and the ratio of /healthz it must reach."""

    key: str
    figure: str
    url: str
    cookie: str = ""
    target: str = ""  # a key of TARGETS
    authorization: str = ""  # an API token's header value


def server(site, scale, report):
    sessions = json.loads(
        site.python("bench.sessions", "alice", "--crowd", str(scale["followers"]), "--follow-big-thread").stdout
    )
    thread_url = sessions["thread"]
    alice = sessions["sessions"]["alice"]
    # The API's rows read with alice's token, far more often than a token may by default.
    site.env["API_REQUESTS_PER_MINUTE"] = str(10**9)
    api = (f"/api/v1/threads/{thread_url.rstrip('/').rsplit('/', 1)[1]}", f"Bearer {sessions['api_token']}")
    followers = [key for name, key in sessions["sessions"].items() if name != "alice"]
    # Alice's browser: her session, and the CSRF cookie it got with its first page.
    browser = f"sessionid={alice}; csrftoken={sessions['csrftoken']}"
    missed = page_cache_miss(site, scale, thread_url, browser)
    url = site.start_server()
    _throughput_rows(report, pages_under_load(url, scale, report, thread_url, browser, api), missed)
    held, fanout = asyncio.run(
        _held_then_fan_out(site, scale, thread_url, alice, followers, idle_seconds=min(10, scale["load_seconds"] * 2))
    )
    report.data["sockets"] = held
    report.add(
        f"sockets held by one daphne ({held['asked']} asked)",
        f"{held['open_after_idle']} open at {held['server_mb']} MB",
        f"{TARGETS['sockets']:,} held",
        held["open_after_idle"] >= min(TARGETS["sockets"], held["asked"]),
    )
    report.data["notifications"] = fanout
    figure = f"notification to {fanout['followers']} followers, {held['asked']:,} other sockets open"
    _fan_out_row(report, figure, fanout)
    _current, peak = site.server_memory()
    report.data["server_peak_mb"] = round(peak)
    report.add("server peak memory", round(peak), f"< {TARGETS['server_mb']} MB", peak < TARGETS["server_mb"], " MB")
    site.stop_server()
    reply_burst(site, scale, report, thread_url, following=set(sessions["sessions"]))
    scaled_out(site, scale, report, thread_url, alice, followers)


def page_cache_miss(site, scale, thread_url, browser) -> dict:
    """The thread page rendered on every request, for a visitor and for a member (what the first
    reader after a change waits for): a server of its own, page cache off."""
    site.env["PAGE_CACHE"] = "false"
    url = site.start_server()
    pages = [
        Page("thread_miss", "thread page (visitor, page-cache miss)", f"{url}{thread_url}", target="miss_ratio"),
        Page("thread_member_miss", "thread page (member, rendered each time)", f"{url}{thread_url}", browser),
    ]
    missed = bracketed(url, pages, scale["load_seconds"])
    site.stop_server()
    site.env["PAGE_CACHE"] = "true"
    return missed


def pages_under_load(url, scale, report, thread_url, member, api) -> dict:
    """The pages under load on the server at `url`, and the bare Django project's /healthz beside
    it (its daphne idles while Agora's pages are measured). Read-only: run before anything posts.

    Members' pages are the copy shared by members with no role, filled for the reader
    (web/pagecache.py); `member` is the member's cookies. `api` is the big thread's address in
    the JSON API and the member's token: its first page, beside the HTML one (never cached)."""
    category, profile = (url + report.data["pages"][name]["member"]["url"] for name in ("category", "profile"))
    prolific = f"profile of the {scale['prolific']:,}-post member (member)"
    with bare_django() as bare_url:
        pages = [
            Page("bare", "/healthz, bare Django", f"{bare_url}/healthz"),
            Page("thread", "thread page (visitor)", f"{url}{thread_url}", target="throughput_ratio"),
            Page("thread_member", "thread page (member)", f"{url}{thread_url}", member, "member_ratio"),
            Page("home_member", "home (member)", f"{url}/", member, "member_ratio"),
            Page("category_member", "category (member)", category, member, "member_ratio"),
            Page("profile_member", prolific, profile, member, "profile_ratio"),
            Page("api_thread", "API thread, first page (visitor)", f"{url}{api[0]}", target="member_ratio"),
            Page(
                "api_thread_member",
                "API thread, first page (member's token)",
                f"{url}{api[0]}",
                target="member_ratio",
                authorization=api[1],
            ),
        ]
        return bracketed(url, pages, scale["load_seconds"])


def bracketed(url, pages, seconds) -> dict:
    """Each page under load between two /healthz runs on the same server, in turn.

    The machine is small and shared: a page is compared with the mean of the /healthz runs
    just before and just after it, not with one taken minutes earlier.
    """
    healthz = [load.requests_per_second(f"{url}/healthz", seconds=seconds)]
    figures = {}
    for page in pages:
        measured = load.requests_per_second(
            page.url, seconds=seconds, cookie=page.cookie, authorization=page.authorization
        )
        healthz.append(load.requests_per_second(f"{url}/healthz", seconds=seconds))
        reference = (healthz[-2].rate + healthz[-1].rate) / 2
        figures[page.key] = {
            "page": page,
            "load": measured,
            "healthz_rps": [round(healthz[-2].rate), round(healthz[-1].rate)],
            "ratio": measured.rate / reference if reference else 0.0,
        }
    return {"healthz": healthz, "pages": figures}


def _throughput_rows(report, measured, missed):
    """/healthz, the bare project beside it, then each page as a share of the /healthz around it."""
    healthz = measured["healthz"] + missed["healthz"]
    bare = measured["pages"].pop("bare")
    pages = {**measured["pages"], **missed["pages"]}
    rates = [run.rate for run in healthz]
    failed = sum(run.failures for run in healthz)
    report.add(
        f"throughput, /healthz ({healthz[0].tool}, 16 connections, one daphne)",
        f"{statistics.mean(rates):,.0f} req/s ({min(rates):,.0f}–{max(rates):,.0f} over {len(rates)} runs), "
        f"{failed} failed",
        "0 failed",
        not failed,
    )
    _bare_rows(report, bare)
    for figures in pages.values():
        page, load_run, ratio = figures["page"], figures["load"], figures["ratio"]
        target = TARGETS.get(page.target)
        report.add(
            f"throughput, {page.figure}",
            f"{load_run.rate:,.0f} req/s ({ratio:.0%} of /healthz), {load_run.failures} failed",
            f">= {target:.0%} of /healthz" if target else "0 failed",
            (ratio >= target if target else True) and not load_run.failures,
        )
    report.data["throughput"] = {
        "tool": healthz[0].tool,
        "connections": 16,
        "trivial_rps": round(statistics.mean(rates)),
        "trivial_runs": [run.as_dict() for run in healthz],
        "thread_rps": round(pages["thread"]["load"].rate),
        "thread_member_rps": round(pages["thread_member"]["load"].rate),
        "ratio": round(pages["thread"]["ratio"], 2),
        "pages": {key: _page_figures(figures) for key, figures in pages.items()},
    }


def _bare_rows(report, bare):
    """The bare project's /healthz, and Agora's (the runs around it) as a share of it."""
    agora = statistics.mean(bare["healthz_rps"])
    share = agora / bare["load"].rate if bare["load"].rate else 0.0
    report.add(
        "throughput, /healthz in a bare Django project (no middleware, one daphne)",
        f"{bare['load'].rate:,.0f} req/s, {bare['load'].failures} failed",
    )
    report.add(
        "/healthz through Agora's middleware vs the bare project",
        f"{share:.0%} ({agora:,.0f} vs {bare['load'].rate:,.0f} req/s)",
        f">= {TARGETS['middleware_ratio']:.0%} of bare",
        share >= TARGETS["middleware_ratio"] and not bare["load"].failures,
    )
    report.data["bare"] = {**bare["load"].as_dict(), "agora_healthz_rps": bare["healthz_rps"], "ratio": round(share, 3)}


def _page_figures(figures) -> dict:
    page = figures["page"]
    return {
        "url": urlsplit(page.url).path,
        "member": bool(page.cookie or page.authorization),
        **figures["load"].as_dict(),
        "healthz_rps": figures["healthz_rps"],
        "ratio": round(figures["ratio"], 3),
        "target": TARGETS.get(page.target),
    }


def replies_only(site, scale, report):
    """The reply burst alone, as server() leaves it: alice and the scale's crowd follow the big thread."""
    sessions = json.loads(
        site.python("bench.sessions", "alice", "--crowd", str(scale["followers"]), "--follow-big-thread").stdout
    )
    reply_burst(site, scale, report, sessions["thread"], following=set(sessions["sessions"]))


def reply_burst(site, scale, report, thread_url, following: set[str]):
    """Members who do not follow the big thread reply to it at once, on a fresh server (it writes).

    The members logged in by server() follow it, so each reply notifies all of them.
    """
    crowd = json.loads(
        site.python("bench.sessions", "--crowd", str(len(following) + scale["repliers"]), "--can-post").stdout
    )["sessions"]
    writers = [key for name, key in crowd.items() if name not in following][: scale["repliers"]]
    url = site.start_server()
    cpu_before = cpu_seconds(site.servers[0].pid)
    burst = replies.reply_burst(url, thread_url, writers, seconds=scale["load_seconds"])
    # The server's CPU per reply: what one process can do, whatever else runs on the machine.
    burst["server_cpu_ms_per_post"] = round(
        (cpu_seconds(site.servers[0].pid) - cpu_before) * 1000 / max(burst["posts"], 1), 1
    )
    site.stop_server()
    report.data["replies"] = {**burst, "followers": len(following)}
    met = (
        burst["posts_per_s"] >= TARGETS["replies_per_s"]
        and burst["p95_ms"] is not None
        and burst["p95_ms"] < TARGETS["replies_p95_ms"]
        and not burst["failures"]
    )
    report.add(
        f"{burst['members']} members replying at once, {len(following)} followers ({machine()['database']})",
        f"{burst['posts_per_s']} posts/s, p50 / p95 {burst['p50_ms']} / {burst['p95_ms']} ms, "
        f"{burst['failures']} failed, server CPU {burst['server_cpu_ms_per_post']} ms a reply",
        f">= {TARGETS['replies_per_s']} posts/s, p95 < {TARGETS['replies_p95_ms']} ms",
        met,
    )


async def _held_then_fan_out(site, scale, thread_url, poster, followers, idle_seconds):
    """Hold the idle sockets, count them, then fan out to the followers while they stay open."""
    idle = await sockets.open_many(site.urls, [poster] * scale["sockets"])
    try:
        await asyncio.sleep(idle_seconds)
        alive = await sockets.count_alive(idle)
        current, _peak = site.server_memory()
        held = {"asked": scale["sockets"], "opened": len(idle), "open_after_idle": alive, "server_mb": round(current)}
        listening = await sockets.open_many(site.urls, followers)
        try:
            fanout = await sockets.fan_out(site.urls[0], thread_url, poster, listening, rounds=scale["rounds"])
        finally:
            await sockets.close_all(listening)
    finally:
        await sockets.close_all(idle)
    return held, fanout


def _fan_out_row(report, figure, fanout):
    met = fanout["p95_ms"] is not None and fanout["p95_ms"] < TARGETS["notification_p95_ms"]
    report.add(
        f"{figure}: p50 / p95",
        f"{fanout['p50_ms']} / {fanout['p95_ms']} ms ({fanout['received']}/{fanout['expected']} received)",
        f"p95 < {TARGETS['notification_p95_ms']} ms",
        met,
    )


def scaled_out(site, scale, report, thread_url, poster, followers):
    """The same sockets and fan-out over two daphne processes sharing Redis (README, "Scaling out").

    The reply is posted through the first process; the sockets are spread over both.
    Skipped, and said so, when no Redis answers at BENCH_REDIS_URL.
    """
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    figure = "notification, Redis layer, 2 daphne processes"
    prefix = f"agora-bench-{os.getpid()}-{int(time.time())}"
    try:
        client = redis.Redis.from_url(redis_url, socket_connect_timeout=2)
        client.ping()
    except redis.RedisError:
        report.add(figure, None, f"skipped: no Redis at {redis_url}")
        return
    site.env.update(REDIS_URL=redis_url, CACHE_PREFIX=prefix, CHANNEL_PREFIX=prefix)
    try:
        site.start_server()
        site.start_server()
        held, fanout = asyncio.run(_held_then_fan_out(site, scale, thread_url, poster, followers, idle_seconds=1))
    finally:
        site.stop_server()
        for key in ("REDIS_URL", "CACHE_PREFIX", "CHANNEL_PREFIX"):
            site.env.pop(key)
        for key in client.scan_iter(f"{prefix}*"):  # the cache's keys; pub/sub leaves none
            client.delete(key)
    report.data["notifications_redis"] = {**fanout, "processes": 2, "other_sockets": held["open_after_idle"]}
    _fan_out_row(report, f"{figure}, {fanout['followers']} followers, {held['asked']:,} other sockets", fanout)


def sockets_on_redis(site, scale, report):
    """Many idle sockets on one daphne with REDIS_URL set: what each costs the process and Redis.

    Redis connections are counted from the daphne process's side (/proc), so other clients of
    the same Redis server do not count. Skipped, and said so, when no Redis answers.
    """
    asked = scale["redis_sockets"]
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    figure = f"sockets held by one daphne with Redis ({asked:,} asked): RSS, Redis conn., descriptors"
    try:
        client = redis.Redis.from_url(redis_url, socket_connect_timeout=2)
        client.ping()
    except redis.RedisError:
        report.add(figure, None, f"skipped: no Redis at {redis_url}")
        return
    session = json.loads(site.python("bench.sessions", "alice").stdout)["sessions"]["alice"]
    prefix = f"agora-bench-{os.getpid()}-{int(time.time())}"
    site.env.update(REDIS_URL=redis_url, CACHE_PREFIX=prefix, CHANNEL_PREFIX=prefix)
    try:
        site.start_server()
        held = asyncio.run(
            _hold_and_count(site, asked, session, client.connection_pool.connection_kwargs.get("port", 6379))
        )
    finally:
        site.stop_server()
        for key in ("REDIS_URL", "CACHE_PREFIX", "CHANNEL_PREFIX"):
            site.env.pop(key)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
    report.data["redis_sockets"] = held
    report.add(
        figure,
        f"{held['held']:,} held, {held['server_mb']} MB, {held['redis_connections']} Redis conn., {held['fds']:,} fds",
        f"{asked:,} held, <= {TARGETS['redis_connections']} Redis conn.",
        held["held"] == asked and held["redis_connections"] <= TARGETS["redis_connections"],
    )


async def _hold_and_count(site, asked, session, redis_port, seconds_per_thousand=60):
    """Open `asked` sockets (within a time bound), keep them a moment, and count what the server holds.

    One socket is opened first, so that the "before" figures include the process's own
    Redis connections (subscriber, cache) and only the sockets' cost is the difference.
    """
    pid = site.servers[0].pid
    first = await sockets.open_many(site.urls, [session])

    def counts():
        return open_descriptors(pid), tcp_connections_to(pid, redis_port), round(rss_mb(pid, "VmRSS"))

    fds_before, redis_before, mb_before = counts()
    opened, started = list(first), time.monotonic()
    deadline = started + max(30, asked * seconds_per_thousand / 1000)
    try:
        while len(opened) < asked and time.monotonic() < deadline:
            opened += await sockets.open_many(site.urls, [session] * min(500, asked - len(opened)))
        seconds = time.monotonic() - started
        await asyncio.sleep(2)
        alive = await sockets.count_alive(opened)
        fds, redis_connections, server_mb = counts()
    finally:
        await sockets.close_all(opened)
    return {
        "asked": asked,
        "held": alive,
        "seconds_to_open": round(seconds, 1),
        "server_mb": server_mb,
        "server_mb_before": mb_before,
        "redis_connections": redis_connections,
        "redis_connections_before": redis_before,
        "fds": fds,
        "fds_before": fds_before,
        "fds_per_socket": round((fds - fds_before) / max(alive - 1, 1), 2),
        "kb_per_socket": round((server_mb - mb_before) * 1024 / max(alive - 1, 1), 1),
    }


def machine() -> dict:
    memory = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(int(memory.group(1)) / 1024 / 1024) if memory else None,
        "python": platform.python_version(),
        "database": "PostgreSQL" if os.environ.get("BENCH_DATABASE_URL", "").startswith("postgres") else "SQLite",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=SCALES, default=os.environ.get("SCALE", "full"))
    parser.add_argument("--quick", action="store_true", help="Skip the server figures (smoke test).")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folder.")
    parser.add_argument(
        "--only",
        choices=["redis-sockets", "ideas", "answering", "reading", "postgres-search", "replies"],
        help="Only these rows, on a minimal site (the scale sets its size).",
    )
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    options = parser.parse_args()
    scale = SCALES[options.scale]
    report = Report()
    raise_open_file_limit()  # thousands of sockets, on the client side and in the servers it starts
    site = Site(keep=options.keep)
    started = datetime.now(UTC)
    try:
        if options.only == "answering":
            seed(site, scale, report)  # the expertise and the members of a community of the scale's size
            answering(site, scale, report)
        elif options.only == "postgres-search":
            seed(site, scale, report)  # with Whoosh's rebuild, to compare
            postgres_search(site, scale, report)
        elif options.only == "reading":
            seed(site, scale, report)  # the threads and members of a community of the scale's size
            reading(site, scale, report)
        elif options.only == "replies":
            seed(site, scale, report)  # the big thread and its members, in a database of the scale's size
            replies_only(site, scale, report)
        elif options.only:
            seed(site, SCALES["tiny"], Report())  # members and sessions; the rows read no other content
            {"redis-sockets": sockets_on_redis, "ideas": ideas}[options.only](site, scale, report)
        else:
            seed(site, scale, report)
            pages(site, scale, report)
            if site.env["DATABASE_URL"].startswith("postgres"):
                postgres_search(site, scale, report)
            ideas(site, scale, report)
            if not options.quick:
                server(site, scale, report)
                sockets_on_redis(site, scale, report)
            reading(site, scale, report)
            answering(site, scale, report)
    finally:
        site.close()
    print(f"\nAgora benchmark, scale {options.scale}, {started:%Y-%m-%d %H:%M} UTC, {machine()}\n")
    report.print()
    result = {
        "scale": options.scale,
        "date": started.isoformat(),
        "machine": machine(),
        "figures": report.data,
        "rows": [dict(zip(("figure", "value", "target", "verdict"), row, strict=True)) for row in report.rows],
    }
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    if options.only:
        (out / f"latest-{options.scale}-{options.only}.json").write_text(json.dumps(result, indent=2))
    elif not options.quick:
        (out / f"{options.scale}-{started:%Y%m%d-%H%M}.json").write_text(json.dumps(result, indent=2))
        (out / f"latest-{options.scale}.json").write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
