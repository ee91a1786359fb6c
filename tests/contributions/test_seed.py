"""The demo seeder writes most posts in bulk, without events: its last steps must leave the rows right."""

import io

from django.contrib.auth.models import AnonymousUser

from demo.seed import Options, seed_forum
from forum.models import Post
from profiles import roles
from profiles.models import Member
from tests.contributions.truth import assert_rows_match_posts


def test_the_demo_seed_leaves_every_member_s_rows_right(db):
    seed_forum(Options(members=8, threads=8, replies=3, big_thread=5, prolific_member=40), stream=io.StringIO())

    writers = list(Member.objects.filter(pk__in=Post.objects.values("author")).order_by("pk"))
    staff = Member.objects.filter(roles.brand_staff_q()).first()
    assert len(writers) > 10 and Member.objects.filter(username="prolific").exists()
    assert_rows_match_posts(writers, [AnonymousUser(), staff])
