"""/following/: what the members one follows posted (threads started, replies), and what they
were credited for (accepted answers, badges), newest first.

Built from the rows themselves, never from a copy: one UNION of the three kinds of activity
gives the page's keys in order (with its count for the pagination), and each kind on the
page is then read in one query. Each part keeps to what the reader may read now, so a
thread moved to a staff-only category, a hidden post or thread leave the feed at once.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.paginator import Page
from django.db.models import CharField, F, Q, Value

from forum import permissions
from forum.models import Post, Thread, Visibility
from forum.selectors import paginate
from reading.models import MemberFollow
from reputation.badges import BY_SLUG
from reputation.models import BadgeAward

POSTED, ACCEPTED, BADGE = "post", "accepted", "badge"


@dataclass
class Activity:
    kind: str  # POSTED, ACCEPTED or BADGE
    at: datetime
    member: object
    post: Post | None = None
    badge: object = None


def _readable_posts_q(reader, prefix: str = "") -> Q:
    return Q(**{f"{prefix}visibility": Visibility.VISIBLE}) & permissions.readable_threads_q(
        reader, prefix=f"{prefix}thread__"
    )


def _keys(reader):
    """(kind, at, key) of every activity of the members `reader` follows, as one UNION."""
    followed = MemberFollow.objects.filter(follower=reader).values("followed")

    def shaped(queryset, kind, at, key):
        return (
            queryset.annotate(activity=Value(kind, output_field=CharField()), activity_at=F(at), activity_key=F(key))
            .order_by()
            .values_list("activity", "activity_at", "activity_key")
        )

    posts = Post.objects.filter(_readable_posts_q(reader), author__in=followed)
    accepted = Thread.objects.filter(
        permissions.readable_threads_q(reader),
        accepted_answer__author__in=followed,
        accepted_answer__visibility=Visibility.VISIBLE,
    )
    badges = BadgeAward.objects.filter(member__in=followed).filter(
        Q(post__isnull=True) | _readable_posts_q(reader, prefix="post__")
    )
    return (
        shaped(posts, POSTED, "created_at", "pk")
        .union(
            shaped(accepted, ACCEPTED, "accepted_at", "accepted_answer_id"),
            shaped(badges, BADGE, "awarded_at", "pk"),
            all=True,
        )
        .order_by("-activity_at", "-activity_key")
    )


def following_feed(reader, page_number=1) -> Page:
    """A page of the activity, each item an Activity."""
    page = paginate(_keys(reader), page_number, settings.THREADS_PER_PAGE)
    keys = list(page.object_list)
    post_ids = [key for kind, _at, key in keys if kind in (POSTED, ACCEPTED)]
    award_ids = [key for kind, _at, key in keys if kind == BADGE]
    posts = Post.objects.select_related("author", "thread__category").in_bulk(post_ids) if post_ids else {}
    awards = BadgeAward.objects.select_related("member", "post__thread").in_bulk(award_ids) if award_ids else {}
    items = []
    for kind, at, key in keys:
        if kind == BADGE and key in awards:
            award = awards[key]
            items.append(Activity(kind, at, award.member, post=award.post, badge=BY_SLUG.get(award.badge)))
        elif kind != BADGE and key in posts:
            items.append(Activity(kind, at, posts[key].author, post=posts[key]))
    page.object_list = items
    return page


def followed_members(reader, limit: int = 12) -> list:
    """Some of the members the reader follows (most recently followed first), and how many in all."""
    follows = MemberFollow.objects.filter(follower=reader).select_related("followed").order_by("-created_at", "-pk")
    return [follow.followed for follow in follows[:limit]]
