"""The badge catalogue and how badges are awarded.

Each badge is declared once below: its tier, whether it is earned once or
once per post, which domain events may earn it, and a query that lists who
qualifies (optionally limited to some members). The same query serves the
event receivers (limited to the members an event touched, inside the event's
transaction) and `manage.py award_badges` (everyone, for a rule added later).
"""

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from forum.models import Post, Thread, Visibility, Vote
from ideas.models import IdeaVote, StatusChange
from profiles.models import Member
from reputation.idea_credits import PLANNED_OR_LATER
from reputation.models import BadgeAward
from web.prepared import Prepared

BRONZE, SILVER, GOLD = "bronze", "silver", "gold"
TIERS = (GOLD, SILVER, BRONZE)
TIER_NAMES = {GOLD: _("Gold"), SILVER: _("Silver"), BRONZE: _("Bronze")}
TIER_FIELD = {GOLD: "gold_badges", SILVER: "silver_badges", BRONZE: "bronze_badges"}

NEWCOMER_DAYS = 30  # a "newcomer's first thread" is one started within a month of joining
POPULAR_IDEA_VOTES = 50  # votes from other members that make an idea a crowd favourite
IDEAS_BACKED = 10  # different ideas a member votes for to be a voice of the community

# Qualifying rows are (member_id, post_id or None).
Qualifier = Callable[[list[int] | None], Iterable[tuple[int, int | None]]]


@dataclass(frozen=True)
class Badge:
    slug: str
    name: str
    description: str
    tier: str
    triggers: tuple[str, ...]
    qualifies: Qualifier
    per_post: bool = False
    family: str = "participation"


def _limit(queryset: QuerySet, field: str, members: list[int] | None) -> QuerySet:
    return queryset if members is None else queryset.filter(**{f"{field}__in": members})


def _others_replies() -> QuerySet[Post]:
    """Visible replies to someone else's thread (official responses are the brand's job, not advocacy)."""
    return Post.objects.filter(is_opening=False, is_official=False, visibility=Visibility.VISIBLE).exclude(
        author=F("thread__author")
    )


def _accepted_on_others() -> QuerySet[Thread]:
    return Thread.objects.filter(accepted_answer__isnull=False, accepted_answer__is_official=False).exclude(
        accepted_answer__author=F("author")
    )


def _members_with_at_least(queryset, field, members, count):
    rows = _limit(queryset, field, members).values(field).annotate(n=Count("pk")).filter(n__gte=count)
    return [(row[field], None) for row in rows]


def first_answer(members):
    return _members_with_at_least(_others_replies(), "author", members, 1)


def first_helpful(members):
    helpful = _others_replies().filter(score__gte=1)
    return _members_with_at_least(helpful, "author", members, 1)


def accepted(count):
    def qualifies(members):
        return _members_with_at_least(_accepted_on_others(), "accepted_answer__author", members, count)

    return qualifies


def newcomer_helper(members):
    """Useful answers (accepted or marked helpful) to 5 newcomers' first threads."""
    earlier = Thread.objects.filter(author=OuterRef("author"), created_at__lt=OuterRef("created_at"))
    newcomer_threads = Thread.objects.filter(
        created_at__lte=F("author__date_joined") + timedelta(days=NEWCOMER_DAYS)
    ).exclude(Exists(earlier))
    useful = (
        _others_replies().filter(thread__in=newcomer_threads).filter(Q(score__gte=1) | Q(accepted_in__isnull=False))
    )
    rows = _limit(useful, "author", members).values("author").annotate(n=Count("thread", distinct=True))
    return [(row["author"], None) for row in rows.filter(n__gte=5)]


def fast_answerer(members):
    """5 accepted answers posted within an hour of the question."""
    delay = ExpressionWrapper(F("accepted_answer__created_at") - F("created_at"), output_field=DurationField())
    fast = _accepted_on_others().annotate(delay=delay).filter(delay__lte=timedelta(hours=1))
    return _members_with_at_least(fast, "accepted_answer__author", members, 5)


def reply_score(score):
    def qualifies(members):
        replies = _limit(_others_replies().filter(score__gte=score), "author", members)
        return list(replies.values_list("author", "pk"))

    return qualifies


def complete_profile(members):
    complete = Member.objects.exclude(display_name="").exclude(bio="").exclude(location="").exclude(avatar="")
    return [(pk, None) for pk in _limit(complete, "pk", members).values_list("pk", flat=True)]


def first_vote(members):
    return _members_with_at_least(Vote.objects.all(), "voter", members, 1)


def conversation_starter(members, threads=None):
    """A thread that drew replies from at least 5 other members (per thread).

    For some members, only their own threads that have not earned it yet are counted (of
    `threads` only, when an event names those it changed), read first by their indexes:
    counting every thread's repliers would read every post of the forum, inside the
    transaction of each reply."""
    counted = Thread.objects.filter(visibility=Visibility.VISIBLE)
    if members is not None:
        candidates = _unearned(members, threads)
        if not candidates:
            return []
        counted = counted.filter(pk__in=candidates)
    counted = counted.annotate(
        others=Count(
            "posts__author",
            distinct=True,
            filter=Q(posts__is_opening=False, posts__visibility=Visibility.VISIBLE) & ~Q(posts__author=F("author")),
        )
    ).filter(others__gte=5)
    openings = Post.objects.filter(is_opening=True, thread__in=counted)
    return list(_limit(openings, "author", members).values_list("author", "pk"))


def _unearned_threads(members, threads=None) -> QuerySet[Thread]:
    """The members' threads (of `threads`, if given) that have not earned conversation starter."""
    earned = BadgeAward.objects.filter(badge="conversation-starter", member__in=members).values("post__thread")
    candidates = Thread.objects.filter(author__in=members)
    if threads is not None:
        candidates = candidates.filter(pk__in=threads)
    return candidates.exclude(pk__in=earned)


# Read in the transaction of every reply, its SQL compiled once (web/prepared.py).
_UNEARNED_OF = Prepared(lambda members, threads: _unearned_threads(members, threads).values_list("pk"))


def _unearned(members, threads) -> list[int]:
    if threads is None:
        return list(_unearned_threads(members).values_list("pk", flat=True))
    return [pk for (pk,) in _UNEARNED_OF.rows(members=members, threads=threads)]


def endorsed(members):
    endorsed_replies = Post.objects.filter(endorsed_by__isnull=False, is_official=False)
    return _members_with_at_least(endorsed_replies, "author", members, 1)


def _members_ideas() -> QuerySet[Post]:
    """Ideas' opening posts, but brand staff's: the brand taking up its own idea rewards nobody."""
    return Post.objects.filter(is_opening=True, is_official=False, thread__idea__isnull=False)


def idea_planned(members):
    """An idea that someone other than its author set to planned or later (from an earlier status),
    even if it moved back since: the changes that earned, or earn, the ledger's planned credit."""
    taken_up = (
        StatusChange.objects.filter(status__in=PLANNED_OR_LATER)
        .exclude(previous__in=PLANNED_OR_LATER)
        .exclude(by=F("idea__thread__author"))
    )
    ideas = _members_ideas().filter(thread__idea__in=taken_up.values("idea"))
    return _members_with_at_least(ideas, "author", members, 1)


def popular_idea(members):
    """An idea that POPULAR_IDEA_VOTES members other than its author voted for (per idea).

    For some members, only their ideas that may qualify are counted: those whose vote counter
    (the author's own vote included) has reached the threshold and that have not earned it yet.
    """
    ideas = _members_ideas()
    if members is not None:
        earned = BadgeAward.objects.filter(badge="crowd-favourite", member__in=members).values("post")
        ideas = ideas.filter(author__in=members, thread__idea__votes__gte=POPULAR_IDEA_VOTES).exclude(pk__in=earned)
    others = Count("thread__idea__idea_votes", filter=~Q(thread__idea__idea_votes__member=F("author")))
    rows = ideas.values("author", "pk").annotate(others=others).filter(others__gte=POPULAR_IDEA_VOTES)
    return [(row["author"], row["pk"]) for row in rows]


def ideas_backed(members):
    """Votes standing on IDEAS_BACKED different ideas (one vote per idea): a vote taken back no longer counts."""
    return _members_with_at_least(IdeaVote.objects.all(), "member", members, IDEAS_BACKED)


# Who answered an invitation to answer (the answering app, above this one, provides the rule at
# start-up: answering.badges); without it, nobody qualifies.
_answered_invitations: Qualifier | None = None


def provide_answered_invitations(qualifies: Qualifier):
    """qualifies(members) -> (member_id, None) for each member (of `members`, or anyone) whose
    answer to a question they were invited to answer was accepted."""
    global _answered_invitations
    _answered_invitations = qualifies
    return qualifies


def came_to_help(members):
    return [] if _answered_invitations is None else list(_answered_invitations(members))


REPLY, VOTE, ACCEPT, ENDORSE, PROFILE, THREAD = "reply", "vote", "accept", "endorse", "profile", "thread"
# A thread drew a reply: its author may earn through it (the event names the thread).
REPLIED_TO = "replied_to"
IDEA_VOTE, IDEA_STATUS = "idea_vote", "idea_status"

CATALOGUE: tuple[Badge, ...] = (
    # Advocates: answering others
    Badge(
        "first-answer", _("First answer"), _("Answered someone else's thread."),
        BRONZE, (REPLY,), first_answer, family="advocate",
    ),
    Badge(
        "helpful", _("Helpful"), _("A reply to someone else was marked helpful."),
        BRONZE, (VOTE,), first_helpful, family="advocate",
    ),
    Badge(
        "solver", _("Solver"), _("A first answer accepted on someone else's question."),
        BRONZE, (ACCEPT,), accepted(1), family="advocate",
    ),
    Badge(
        "problem-solver", _("Problem solver"), _("10 accepted answers on others' questions."),
        SILVER, (ACCEPT,), accepted(10), family="advocate",
    ),
    Badge(
        "guru", _("Guru"), _("50 accepted answers on others' questions."),
        GOLD, (ACCEPT,), accepted(50), family="advocate",
    ),
    Badge(
        "welcomer", _("Welcomer"), _("Useful answers to 5 newcomers' first threads."),
        SILVER, (VOTE, ACCEPT), newcomer_helper, family="advocate",
    ),
    Badge(
        "quick-draw", _("Quick draw"), _("5 accepted answers posted within an hour of the question."),
        SILVER, (ACCEPT,), fast_answerer, family="advocate",
    ),
    Badge(
        "good-answer", _("Good answer"), _("A reply reached a score of 10."),
        SILVER, (VOTE,), reply_score(10), per_post=True, family="advocate",
    ),
    Badge(
        "great-answer", _("Great answer"), _("A reply reached a score of 25."),
        GOLD, (VOTE,), reply_score(25), per_post=True, family="advocate",
    ),
    Badge(
        "endorsed", _("Endorsed"), _("Brand staff endorsed one of your replies."),
        BRONZE, (ENDORSE,), endorsed, family="advocate",
    ),
    Badge(
        "came-to-help", _("Came to help"), _("Your answer to a question you were invited to answer was accepted."),
        BRONZE, (ACCEPT,), came_to_help, family="advocate",
    ),
    # Participation
    Badge(
        "autobiographer", _("Autobiographer"), _("Completed the profile: name, bio, location and avatar."),
        BRONZE, (PROFILE,), complete_profile,
    ),
    Badge(
        "supporter", _("Supporter"), _("Marked a first post helpful."),
        BRONZE, (VOTE,), first_vote,
    ),
    Badge(
        "conversation-starter", _("Conversation starter"), _("Started a thread that drew replies from 5 members."),
        BRONZE, (REPLIED_TO,), conversation_starter, per_post=True,
    ),
    # Ideas
    Badge(
        "visionary", _("Visionary"), _("An idea of yours was planned by the brand."),
        BRONZE, (IDEA_STATUS,), idea_planned,
    ),
    Badge(
        "crowd-favourite", _("Crowd favourite"),
        format_lazy(_("An idea of yours won the votes of {count} other members."), count=POPULAR_IDEA_VOTES),
        SILVER, (IDEA_VOTE,), popular_idea, per_post=True,
    ),
    Badge(
        "voice-of-the-community", _("Voice of the community"),
        format_lazy(_("Voted for {count} different ideas."), count=IDEAS_BACKED),
        BRONZE, (IDEA_VOTE,), ideas_backed,
    ),
)  # fmt: skip

BY_SLUG = {badge.slug: badge for badge in CATALOGUE}


def award(badges: Iterable[Badge], members: list[int] | None, *, threads: list[int] | None = None) -> list[BadgeAward]:
    """Award every badge in `badges` that a member (of `members`, or anyone) now qualifies for.

    `threads`: the threads an event changed, for the badges earned through a thread (those of
    REPLIED_TO, whose qualifier takes them): only these are counted. Each badge is awarded once
    (or once per post); the caller holds the transaction.
    """
    created = []
    for badge in badges:
        created += _insert(_owed(badge, members, threads))
    if created:
        recount_badges({award.member_id for award in created})
    return created


# Who holds a badge among the members an event touched: read in the transaction of every reply
# and vote, its SQL compiled once (web/prepared.py).
_HOLDERS = Prepared(
    lambda badge, members: BadgeAward.objects.filter(badge=badge, member__in=members).values_list("member")
)


def _owed(badge: Badge, members: list[int] | None, threads: list[int] | None = None) -> list[BadgeAward]:
    """The awards of one badge that qualifying members do not hold yet.

    A badge earned once is looked up first for the members an event touched: those who hold
    it (after their first reply, nearly everyone) cost no qualifying query.
    """
    qualifies = badge.qualifies if threads is None else functools.partial(badge.qualifies, threads=threads)
    if members is not None and not badge.per_post:
        holders = {member for (member,) in _HOLDERS.rows(badge=badge.slug, members=members)}
        members = sorted(set(members) - holders)
        if not members:
            return []
        rows, held = set(qualifies(members)), set()
    else:
        rows = set(qualifies(members))
        if not rows:
            return []
        holders = None if members is None else [m for m, _ in rows]  # everyone: no list of ids to send
        held = set(_limit(BadgeAward.objects.filter(badge=badge.slug), "member", holders).values_list("member", "post"))
    return [
        BadgeAward(member_id=member_id, badge=badge.slug, post_id=post_id if badge.per_post else None)
        for member_id, post_id in sorted(rows, key=lambda r: (r[0], r[1] or 0))
        if (member_id, post_id if badge.per_post else None) not in held
    ]


def _insert(awards: list[BadgeAward]) -> list[BadgeAward]:
    """Write the awards and return those written, with their ids.

    An award that a concurrent transaction wrote meanwhile is skipped, so it is
    neither duplicated nor announced twice (ignore_conflicts would hide which
    rows were written and leave every award without an id).
    """
    if not awards:
        return []
    try:
        with transaction.atomic():
            return BadgeAward.objects.bulk_create(awards, batch_size=1000)
    except IntegrityError:
        for award in awards:
            award.pk = None  # a batch written before the conflict was rolled back with it
        return [award for award in awards if _insert_one(award)]


def _insert_one(award: BadgeAward) -> bool:
    try:
        with transaction.atomic():
            award.save(force_insert=True)
    except IntegrityError:
        award.pk = None
        return False
    return True


def recount_badges(member_ids: Iterable[int] | None = None):
    """Set the cached gold/silver/bronze counts from the awards (of some members, or all)."""
    members = Member.objects.all() if member_ids is None else Member.objects.filter(pk__in=list(member_ids))
    totals = {pk: dict.fromkeys(TIERS, 0) for pk in members.values_list("pk", flat=True)}
    rows = BadgeAward.objects.filter(member__in=list(totals)).values("member", "badge").annotate(n=Count("pk"))
    for row in rows:
        badge = BY_SLUG.get(row["badge"])
        if badge is not None:
            totals[row["member"]][badge.tier] += row["n"]
    for pk, counts in totals.items():
        Member.objects.filter(pk=pk).update(**{TIER_FIELD[tier]: n for tier, n in counts.items()})


def triggered_by(trigger: str) -> list[Badge]:
    return [badge for badge in CATALOGUE if trigger in badge.triggers]
