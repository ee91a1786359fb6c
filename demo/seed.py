"""Fill an empty forum with the Lumio demo community.

Curated threads go through the services (so every reaction runs); the bulk
of generated threads is written with bulk_create and the counters are then
recomputed, which keeps a large seed fast.
"""

import random
import sys
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from contributions import tally
from demo import content
from forum import services
from forum.counters import recount_all
from forum.models import Category, Follow, Post, Thread, Vote
from forum.services.staff import awaiting_official_response
from ideas import services as idea_services
from incidents import services as incident_services
from moderation import actions as moderation
from moderation import limits, reports
from notifications import announcements
from profiles.models import Member
from profiles.services import grant_role
from reading import bookmarks, following, watching
from reading import services as reading
from reputation import badges, expertise, ledger
from web.markdown import render_markdown

BATCH = 2000


class Progress:
    """A one-line progress bar on a terminal, plain lines otherwise."""

    def __init__(self, stream, label: str, total: int):
        self.stream, self.label, self.total, self.done = stream, label, max(total, 1), 0
        self.tty = getattr(stream, "isatty", lambda: False)()
        self._last_shown = -1

    def advance(self, n: int = 1):
        self.done += n
        percent = min(100, self.done * 100 // self.total)
        if percent == self._last_shown or (not self.tty and percent not in (100,)):
            return
        self._last_shown = percent
        bar = "#" * (percent // 4) + "." * (25 - percent // 4)
        end = "\n" if percent == 100 else ""
        self.stream.write(f"\r{self.label:<22} [{bar}] {percent:3d}%{end}")
        self.stream.flush()


@dataclass
class Options:
    members: int = 40
    threads: int = 60
    replies: int = 6
    seed: int = 1
    big_thread: int = 0  # a thread with this many replies, each from a different member
    prolific_member: int = 0  # one member with this many posts


def is_seeded() -> bool:
    return Category.objects.exists()


def seed_forum(options: Options, stream=sys.stdout):
    rng = random.Random(options.seed)
    with limits.exempt(), transaction.atomic():
        cast = _create_cast(stream)
        categories = _create_categories()
        _create_curated_threads(cast, categories, stream)
        _create_ideas(cast, categories, stream)
    crowd = _create_crowd(options.members, rng, stream)
    _create_generated_threads(options, rng, list(cast.values()) + crowd, categories, stream)
    _create_bench_shapes(options, rng, crowd, categories, stream)
    idea_services.add_missing_ideas()  # generated threads in the ideas category are ideas too
    with transaction.atomic():
        recount_all()
        ledger.repair_totals()
        badges.award(badges.CATALOGUE, None)
        tally.rebuild()  # the profiles' contribution rows, which bulk_create did not keep
        expertise.rebuild()  # the members' expertise rows, which ledger.backfill did not keep
    with limits.exempt(), transaction.atomic():
        _create_moderation_history(cast, crowd, rng)
        _create_staff_workspace(cast)
        _create_incident(cast, categories)
        _create_waiting_questions(cast, categories)
        _create_reading(cast, categories)


def _create_cast(stream) -> dict[str, Member]:
    progress = Progress(stream, "Members", len(content.PEOPLE))
    password = make_password(content.PASSWORD)  # hashed once: hashing is slow on purpose
    cast = {}
    for username, name, role, title, language in content.PEOPLE:
        member = Member.objects.create(
            username=username,
            email=f"{username}@lumio.example",
            password=password,
            display_name=name,
            language=language,
            # Long-standing members: the new-account posting limits do not apply to the cast.
            date_joined=timezone.now() - timedelta(days=400 + 30 * len(cast)),
        )
        EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
        if role != "member":
            member = grant_role(member=member, role=role, title=title or None)
        cast[username] = member
        progress.advance()
    return cast


def _create_categories() -> dict[str, Category]:
    return {
        slug: Category.objects.create(
            slug=slug,
            name=english[0],
            description=english[1],
            name_fr=french[0],
            description_fr=french[1],
            colour=colour,
            kind=kind,
            access=access,
            position=index,
            response_target_hours=target,
        )
        for index, (slug, english, french, colour, kind, access, target) in enumerate(content.CATEGORIES)
    }


def _create_curated_threads(cast, categories, stream):
    progress = Progress(stream, "Curated threads", len(content.THREADS))
    now = timezone.now()
    for index, spec in enumerate(content.THREADS):
        thread = _start_thread(spec, cast, categories)
        posts = [services.post_reply(thread=thread, author=cast[a], body=b) for a, b in spec["replies"]]
        opening = thread.posts.get(is_opening=True)
        for target, voters in spec["votes"].items():
            post = opening if target == -1 else posts[target]
            for voter in voters:
                if voter != post.author.username:
                    services.cast_vote(post=post, voter=cast[voter])
        if spec["accepted"] is not None:
            services.accept_answer(post=posts[spec["accepted"]], by=cast[spec["author"]])
        if spec["endorsed"] is not None:
            staff = next(m for m in cast.values() if m.is_brand_staff)
            services.endorse_reply(post=posts[spec["endorsed"]], by=staff)
        _spread_in_time(thread, [opening, *posts], start=now - timedelta(days=2 + index * 3, hours=index))
        progress.advance()


def _start_thread(spec, cast, categories) -> Thread:
    """A hand-written thread of content.py, started through the forum's service."""
    return services.start_thread(
        category=categories[spec["category"]],
        author=cast[spec["author"]],
        title=spec["title"],
        body=spec["body"],
        tags=spec["tags"],
    )


def _create_ideas(cast, categories, stream):
    """Ideas in every status: voted for, answered by the team with a note, one merged as a duplicate."""
    progress = Progress(stream, "Ideas", len(content.IDEAS) + 1)
    holiday = Thread.objects.get(title__startswith="Un mode « vacances »")
    _vote_and_answer(
        holiday,
        cast,
        ["alice", "hugo", "chloe", "farid", "ines", "david", "emma"],
        ("planned", "james", "Planned for the spring update, with a time window you choose, as Alice suggested."),
    )
    progress.advance()
    ideas = {}
    for spec in content.IDEAS:
        thread = services.start_thread(
            category=categories["idees"],
            author=cast[spec["author"]],
            title=spec["title"],
            body=spec["body"],
            tags=spec["tags"],
        )
        _vote_and_answer(thread, cast, spec["voters"], spec.get("status"))
        if spec.get("merge_into"):
            idea_services.merge_idea(duplicate=thread, into=ideas[spec["merge_into"]], by=cast["marc"])
        ideas[spec["title"]] = thread
        progress.advance()


def _vote_and_answer(thread, cast, voters, status):
    for voter in voters:
        idea_services.vote_for_idea(thread=thread, member=cast[voter])
    if status:
        value, by, note = status
        idea_services.set_idea_status(thread=thread, by=cast[by], status=value, note=note)


def _spread_in_time(thread, posts, start):
    """Curated threads happened over the past weeks, not all this second."""
    for offset, post in enumerate(posts):
        Post.objects.filter(pk=post.pk).update(created_at=start + timedelta(hours=offset * 3, minutes=offset * 7))
    Thread.objects.filter(pk=thread.pk).update(created_at=start)
    if thread.accepted_answer_id:
        Thread.objects.filter(pk=thread.pk).update(accepted_at=start + timedelta(hours=len(posts) * 3))


def _create_crowd(count, rng, stream) -> list[Member]:
    if count <= 0:
        return []
    progress = Progress(stream, "More members", count)
    password = make_password(content.PASSWORD)  # hashed once: hashing is slow on purpose
    first = [
        "Léa",
        "Lucas",
        "Manon",
        "Nathan",
        "Camille",
        "Jules",
        "Sarah",
        "Tom",
        "Olivia",
        "Noah",
        "Zoé",
        "Ethan",
        "Mia",
        "Liam",
    ]
    last = [
        "Girard",
        "Roux",
        "Fournier",
        "Mercier",
        "Smith",
        "Brown",
        "Taylor",
        "Nguyen",
        "Garcia",
        "Müller",
        "Rossi",
        "Dubois",
    ]
    start = Member.objects.filter(username__startswith="member").count()
    members = []
    for n in range(start + 1, start + count + 1):
        members.append(
            Member(
                username=f"member{n}",
                email=f"member{n}@lumio.example",
                password=password,
                display_name=f"{rng.choice(first)} {rng.choice(last)}",
                language=rng.choice(["fr", "en"]),
                date_joined=timezone.now() - timedelta(days=rng.randint(1, 700)),
            )
        )
    created = []
    for i in range(0, len(members), BATCH):
        batch = Member.objects.bulk_create(members[i : i + BATCH])
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=m, email=m.email, verified=True, primary=True) for m in batch]
        )
        created += batch
        progress.advance(len(batch))
    return created


@lru_cache(maxsize=512)
def _html(body: str) -> str:
    return render_markdown(body).html


def _create_generated_threads(options, rng, members, categories, stream):
    if options.threads <= 0:
        return
    public = [c for c in categories.values() if not c.is_staff_only]
    progress = Progress(stream, "Generated threads", options.threads)
    now = timezone.now()
    for start in range(0, options.threads, 200):
        count = min(200, options.threads - start)
        threads, openings, posts, follows = [], [], [], []
        for _ in range(count):
            category = rng.choice(public)
            french = category.slug in {"questions", "idees"} or rng.random() < 0.3
            title, body = rng.choice(content.TOPICS_FR if french else content.TOPICS_EN)
            product = rng.choice(content.PRODUCTS)
            created = now - timedelta(days=rng.uniform(1, 365))
            title = title.format(p=product)
            threads.append(
                Thread(
                    category=category,
                    title=title[:150],
                    slug=slugify(title)[:80].strip("-") or "t",
                    author=rng.choice(members),
                    created_at=created,
                    last_activity_at=created,
                )
            )
            openings.append((body.format(p=product), content.REPLIES_FR if french else content.REPLIES_EN))
        threads = Thread.objects.bulk_create(threads)
        for thread, (opening_body, pool) in zip(threads, openings, strict=True):
            posts.append(_post(thread, thread.author, opening_body, thread.created_at, opening=True))
            follows.append(Follow(thread=thread, member=thread.author))
            when = thread.created_at
            for _ in range(max(0, round(rng.gauss(options.replies, options.replies / 3)))):
                when = when + timedelta(minutes=rng.randint(5, 60 * 24))
                if when > now:
                    break
                replier = rng.choice(members)
                posts.append(_post(thread, replier, rng.choice(pool), when, official=replier.is_brand_staff))
        posts = Post.objects.bulk_create(posts, batch_size=BATCH)
        Follow.objects.bulk_create(follows, ignore_conflicts=True)
        _generated_votes_and_answers(rng, threads, posts, members)
        progress.advance(count)


def _post(thread, author, body, when, *, opening=False, official=False):
    return Post(
        thread=thread,
        author=author,
        body=body,
        body_html=_html(body),
        created_at=when,
        is_opening=opening,
        is_official=official,
    )


def _generated_votes_and_answers(rng, threads, posts, members):
    votes = []
    by_thread: dict[int, list[Post]] = {}
    for post in posts:
        by_thread.setdefault(post.thread_id, []).append(post)
        for voter in rng.sample(members, k=min(len(members), rng.choice([0, 0, 1, 1, 2, 3, 5, 8]))):
            if voter.pk != post.author_id:
                votes.append(Vote(post=post, voter=voter, created_at=post.created_at))
    votes = Vote.objects.bulk_create(votes, batch_size=BATCH)
    solved = []
    for thread in threads:
        replies = [p for p in by_thread.get(thread.pk, []) if not p.is_opening and p.author_id != thread.author_id]
        if thread.category.is_questions and replies and rng.random() < 0.45:
            answer = rng.choice(replies)
            thread.accepted_answer, thread.accepted_at = answer, answer.created_at + timedelta(hours=rng.randint(1, 48))
            solved.append(thread)
    Thread.objects.bulk_update(solved, ["accepted_answer", "accepted_at"], batch_size=BATCH)
    ledger.backfill(votes, solved)


def _create_moderation_history(cast, crowd, rng):
    """Open and resolved reports, a hidden post, a warning and a suspended member, for the moderators' pages."""
    if len(crowd) < 4:
        return
    moderator = cast["marc"]
    spam = services.post_reply(
        thread=Thread.objects.filter(category__slug="help").order_by("pk").first(),
        author=crowd[0],
        body="Great deals on lamps at https://example.com/cheap-lamps !!! Best prices, click now",
    )
    for reporter in ("alice", "david"):
        reports.file_report(reporter=cast[reporter], post=spam, reason="spam")
    rude = services.post_reply(
        thread=Thread.objects.filter(category__slug="questions").order_by("pk").first(),
        author=crowd[1],
        body="Franchement, lisez le manuel avant de poser des questions aussi bêtes.",
    )
    reports.file_report(reporter=cast["bruno"], post=rude, reason="abuse", text="Ton méprisant envers un nouveau.")
    moderation.hide_post(post=rude, by=moderator, reason="Restez courtois : tout le monde a débuté un jour.")
    off_topic = Post.objects.filter(is_opening=False, author=crowd[2]).order_by("pk").first()
    if off_topic:
        reports.file_report(reporter=cast["emma"], post=off_topic, reason="off_topic")
        moderation.dismiss_reports(target=f"post:{off_topic.pk}", by=moderator, reason="On topic enough.")
    moderation.warn_member(member=crowd[1], by=moderator, reason="Merci de rester courtois avec les nouveaux membres.")
    moderation.suspend_member(
        member=crowd[0], by=moderator, until=timezone.now() + timedelta(days=7), reason="Publicité répétée."
    )


def _create_staff_workspace(cast):
    """Assigned and unassigned questions, one past its target, and a live announcement."""
    waiting = list(awaiting_official_response().order_by("created_at")[:6])
    for thread, who in zip(waiting[:3], ("sophie", "james", "sophie"), strict=False):
        services.assign_thread(thread=thread, by=cast[who], to=cast[who])
    if waiting:
        # The newest waiting curated question is recent: make it just late, for the "past target" flag.
        late = waiting[-1]
        Thread.objects.filter(pk=late.pk).update(created_at=timezone.now() - timedelta(hours=30))
    bridge = Thread.objects.filter(title__startswith="Bridge not found").first()
    announcements.publish(
        by=cast["sophie"],
        message="Mise à jour 2.4.1 en cours de déploiement : le clignotement des Halo est corrigé. / Update 2.4.1 is rolling out.",
        thread=Thread.objects.filter(title__startswith="Ma lampe Halo").first() or bridge,
        expires_at=timezone.now() + timedelta(days=3),
    )


def _create_incident(cast, categories):
    """A resolved incident, written by the team in both languages, with the Halo thread linked to it."""
    team = cast["sophie"]
    incident = incident_services.declare_incident(
        by=team,
        title="Halo lamps blink after update 2.4",
        title_fr="Les lampes Halo clignotent après la mise à jour 2.4",
        statement="Some Halo lamps blink every few minutes since update 2.4. We are investigating.",
        statement_fr="Certaines lampes Halo clignotent toutes les deux minutes depuis la mise à jour 2.4. Nous cherchons pourquoi.",
        # Not a questions category: the thread is the team's news, not a question waiting for answers.
        category=categories["show-and-tell"],
        categories=[categories["questions"], categories["help"]],
        tags=["halo", "firmware"],
    )
    halo = Thread.objects.filter(title__startswith="Ma lampe Halo").first()
    if halo is not None:
        incident_services.link_thread(incident=incident, thread=halo, by=team)
    incident_services.post_update(
        incident=incident,
        by=team,
        status="identified",
        body="A firmware timer misfires on Wi-Fi reconnection. A fix is in testing.",
        body_fr="Une minuterie du micrologiciel se déclenche à tort à la reconnexion Wi-Fi. Un correctif est en test.",
    )
    incident_services.resolve_incident(
        incident=incident,
        by=team,
        body="Update 2.4.1 fixes the blinking: update from the app. Thank you for your reports!",
        body_fr="La mise à jour 2.4.1 corrige le clignotement : mettez à jour depuis l’application. Merci pour vos signalements !",
    )


def _create_reading(cast, categories):
    """What is new for alice: threads she read partway (unread replies since), members she
    follows, a category she watches and one she tracks, a bookmark with a reminder."""
    alice = cast["alice"]
    for thread in Thread.objects.filter(reply_count__gte=3).exclude(author=alice).order_by("-last_activity_at")[:6]:
        first_reply = thread.posts.filter(is_opening=False).order_by("created_at", "pk").first()
        reading.advance(
            member_pk=alice.pk, thread_pk=thread.pk, post_pk=first_reply.pk, read_at=first_reply.created_at, replies=1
        )
    for followed in ("david", "chloe", "sophie"):
        following.follow_member(follower=alice, followed=cast[followed])
    following.follow_member(follower=cast["bruno"], followed=alice)
    watching.set_watch(member=alice, level=watching.Level.WATCHING, category=categories["help"])
    watching.set_watch(member=alice, level=watching.Level.TRACKING, category=categories["questions"])
    kept = Thread.objects.filter(category=categories["help"]).order_by("created_at").first()
    if kept is not None:
        bookmarks.save_bookmark(
            member=alice,
            thread=kept,
            note="À relire avant la mise à jour",
            remind_at=timezone.now() + timedelta(days=2),
        )


def _create_waiting_questions(cast, categories):
    """Questions nobody has answered yet (content.WAITING), asked long enough ago that the first run
    of invite_answerers invites the members who know their tags. Invitations go only to members
    seen lately: the named members took part in the last hours."""
    now = timezone.now()
    for spec in content.WAITING:
        thread = _start_thread(spec, cast, categories)
        asked = now - timedelta(minutes=spec["minutes_ago"])
        Thread.objects.filter(pk=thread.pk).update(created_at=asked, last_activity_at=asked)
        Post.objects.filter(thread=thread).update(created_at=asked)
    members = [username for username, _name, role, _title, _language in content.PEOPLE if role == "member"]
    for hours, username in enumerate(members, start=1):
        Member.objects.filter(pk=cast[username].pk).update(last_seen=now - timedelta(hours=hours))


def _create_bench_shapes(options, rng, crowd, categories, stream):
    """The shapes the benchmarks measure: one long thread, one very active member."""
    public = [c for c in categories.values() if not c.is_staff_only]
    now = timezone.now()
    if options.big_thread:
        repliers = (crowd * (options.big_thread // max(1, len(crowd)) + 1))[1 : options.big_thread + 1]
        start = now - timedelta(days=30)
        thread = Thread.objects.create(
            category=categories["help"],
            title="Share your favourite Lumio scene",
            slug="share-your-favourite-lumio-scene",
            author=crowd[0],
            created_at=start,
            last_activity_at=start,
        )
        posts = [_post(thread, crowd[0], "Which scene do you use the most, and why?", start, opening=True)]
        pool = content.REPLIES_EN + content.REPLIES_FR
        posts += [
            _post(thread, member, rng.choice(pool), start + timedelta(minutes=10 * (i + 1)))
            for i, member in enumerate(repliers)
        ]
        Post.objects.bulk_create(posts, batch_size=BATCH)
    if options.prolific_member:
        member = crowd[-1]
        Member.objects.filter(pk=member.pk).update(username="prolific", display_name="Paula Prolific")
        threads = list(Thread.objects.filter(category__in=public).order_by("?")[:500])
        progress = Progress(stream, "Prolific member", options.prolific_member)
        posts = []
        for i in range(options.prolific_member):
            thread = threads[i % len(threads)]
            posts.append(
                _post(
                    thread, member, rng.choice(content.REPLIES_EN), thread.created_at + timedelta(minutes=i % 5000 + 1)
                )
            )
        for i in range(0, len(posts), BATCH):
            Post.objects.bulk_create(posts[i : i + BATCH])
            progress.advance(len(posts[i : i + BATCH]))
