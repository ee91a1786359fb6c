"""Recompute the forum's cached counters from the rows they summarise.

The services keep the counters right as they go; this is for repair after a
bulk import or a bug, and for the demo seeder. Run: manage.py recount_forum
"""

from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from forum.models import Category, Post, Thread, Visibility, Vote


def counted(queryset, field="pk"):
    """The number of rows of `queryset` (correlated by OuterRef) grouped by `field`, 0 for none."""
    return Coalesce(
        Subquery(queryset.values(field).annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()), 0
    )


@transaction.atomic
def recount_posts():
    votes = Vote.objects.filter(post=OuterRef("pk")).order_by().values("post")
    Post.objects.update(score=counted(votes, "post"))


@transaction.atomic
def recount_threads():
    visible_replies = (
        Post.objects.filter(thread=OuterRef("pk"), is_opening=False, visibility=Visibility.VISIBLE)
        .order_by()
        .values("thread")
    )
    opening_score = Post.objects.filter(thread=OuterRef("pk"), is_opening=True).values("score")[:1]
    last_post = Post.objects.filter(thread=OuterRef("pk"), visibility=Visibility.VISIBLE).order_by("-created_at", "-id")
    official = Post.objects.filter(
        thread=OuterRef("pk"), is_opening=False, is_official=True, visibility=Visibility.VISIBLE
    )
    Thread.objects.update(
        reply_count=counted(visible_replies, "thread"),
        score=Coalesce(Subquery(opening_score), 0),
        last_activity_at=Coalesce(Subquery(last_post.values("created_at")[:1]), "created_at"),
        last_poster=Subquery(last_post.values("author")[:1]),
        has_official_response=Exists(official),
        first_official_at=Subquery(official.order_by("created_at").values("created_at")[:1]),
    )


@transaction.atomic
def recount_categories():
    for category in Category.objects.all():
        threads = Thread.objects.filter(category=category, visibility=Visibility.VISIBLE).count()
        posts = Post.objects.filter(
            thread__category=category, thread__visibility=Visibility.VISIBLE, visibility=Visibility.VISIBLE
        ).count()
        Category.objects.filter(pk=category.pk).update(thread_count=threads, post_count=posts)


def recount_all():
    recount_posts()
    recount_threads()
    recount_categories()
