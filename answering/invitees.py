"""Who is invited to answer a question: the members who know its tags best, active lately.

choose_invitees reads the expertise rows the ledger keeps (reputation.expertise) through their
indexes, a few queries whatever the size of the forum, and never scans posts:

- the points a member earned under the question's tags in its category (TagExpertise), or in
  the category when the question has no tags (CategoryExpertise); the second round adds the
  category's experts after the tags' ones;
- each member's points weigh less as their latest gain gets older (half of it after
  ANSWERING_HALF_LIFE_DAYS), so that who answers now ranks above who answered years ago;
- only members who may take part now and read the category (profiles.roles and
  forum.permissions decide), seen in the last ANSWERING_ACTIVE_DAYS, not brand staff (who
  answer from their own queue), not the asker, not already invited to or replying in the
  question, not opted out, whose chosen tags (if any) include one of the question's, and
  under their daily cap of invitations.
"""

from datetime import datetime, timedelta

from django.db.models import Count, Exists, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan
from django.utils import timezone

from answering import conf
from answering.models import AnsweringPreference, Invitation, Round
from forum import permissions
from forum.models import Post, Thread
from profiles import roles
from profiles.models import Member
from reputation.models import CategoryExpertise, TagExpertise

POOL = 4  # candidates read per place to fill: the ranking by recency and the role checks choose among them
POOL_MIN = 20
NOTIFIED_FIELDS = ("username", "display_name", "email", "language")


def choose_invitees(thread: Thread, *, round: int, now: datetime | None = None) -> list[Member]:
    """The members to invite in this round, best first (at most conf.invitees(round)).

    `thread` comes with its category; its tags are read unless prefetched as `tag_list`
    (forum.selectors.with_tags). The members come with their roles and language loaded,
    what notifying them reads.
    """
    now = now or timezone.now()
    category = thread.category
    wanted = conf.invitees(round)
    if not category.is_questions or wanted <= 0:
        return []
    tags = _tags(thread)
    pool = max(POOL_MIN, wanted * POOL)
    eligible = _eligible(thread, tags, now)
    rows = (
        TagExpertise.objects.filter(tag__in=tags, category=category, points__gt=0)
        .filter(eligible)
        .values("member")
        .annotate(points=Sum("points"), last=Max("last_earned_at"))
        .order_by("-points", "member")
    )
    ranked = _by_weight(rows[:pool], now) if tags else []
    if not tags or round == Round.WIDER:
        by_category = (
            CategoryExpertise.objects.filter(category=category, points__gt=0)
            .filter(eligible)
            .values("member", "points", last=F("last_earned_at"))
            .order_by("-points", "member")
        )
        ranked += [pk for pk in _by_weight(by_category[:pool], now) if pk not in ranked]
    return _may_answer(ranked, thread)[:wanted]


def _tags(thread: Thread) -> list[int]:
    if hasattr(thread, "tag_list"):
        return [tag.pk for tag in thread.tag_list]
    return list(thread.tags.values_list("pk", flat=True))


def _eligible(thread: Thread, tags: list[int], now: datetime) -> Q:
    """The conditions on an expertise row's member, as one filter (see the module's docstring)."""
    member = OuterRef("member")
    preference = AnsweringPreference.objects.filter(member=member)
    chosen = AnsweringPreference.tags.through.objects.filter(answeringpreference__member=member)
    recent = (
        Invitation.objects.filter(member=member, sent_at__gt=now - timedelta(days=1))
        .values("member")
        .annotate(n=Count("pk"))
        .values("n")
    )
    cap = Coalesce(Subquery(preference.values("daily_cap")), Value(conf.daily_cap()), output_field=IntegerField())
    return (
        roles.can_post_q("member__")
        & ~roles.brand_staff_q("member__")
        & permissions.category_readers_q(thread.category, prefix="member__")
        & Q(member__last_seen__gte=now - timedelta(days=conf.active_days()))
        & ~Q(member=thread.author_id)
        & ~Q(member__in=Post.objects.filter(thread=thread).values("author"))
        & ~Q(member__in=Invitation.objects.filter(thread=thread).values("member"))
        & ~Exists(preference.filter(invitations=False))
        & (~Exists(chosen) | (Exists(chosen.filter(tag__in=tags)) if tags else Q(pk__in=[])))
        & Q(LessThan(Coalesce(Subquery(recent), Value(0), output_field=IntegerField()), cap))
    )


def _by_weight(rows: QuerySet, now: datetime) -> list[int]:
    """Member ids by points weighed by the recency of their latest gain, best first."""
    half_life = conf.half_life_days()

    def weight(row) -> float:
        age_days = max((now - row["last"]).total_seconds(), 0) / 86400
        return row["points"] * 0.5 ** (age_days / half_life)

    return [row["member"] for row in sorted(rows, key=lambda row: (-weight(row), row["member"]))]


def _may_answer(ranked: list[int], thread: Thread) -> list[Member]:
    """The ranked members, in their order, who may post and read the thread: the rules of
    profiles.roles and forum.permissions, on each member as loaded (one query)."""
    found = Member.objects.filter(pk__in=ranked).only(
        *roles.ROLE_FIELDS, "username", "display_name", "email", "language"
    )
    members = {member.pk: member for member in found}
    return [
        members[pk]
        for pk in ranked
        if pk in members and roles.can_post(members[pk]) and permissions.can_read_thread(members[pk], thread)
    ]
