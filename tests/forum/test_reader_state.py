"""A member's votes and follow state on a thread page, read in one statement (forum.selectors)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from forum import selectors, services
from forum.models import Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def talk(make_thread, discussion, member, other_member, make_member):
    replies = [(other_member, f"Reply {n}") for n in range(5)] + [(make_member("carla"), "Mine too.")]
    return make_thread(category=discussion, author=member, replies=replies)


def test_it_is_the_votes_and_the_follow_state_read_apart(talk, member, make_member, django_assert_num_queries):
    reader = make_member("reader")
    posts = list(Post.objects.filter(thread=talk).order_by("pk"))
    for post in posts[1:4]:
        services.cast_vote(post=post, voter=reader)
    ids = [post.pk for post in posts]

    for following in (False, True):
        if following:
            services.follow_thread(thread=talk, member=reader)
        expected = (selectors.voted(reader, ids), selectors.follow_level(reader, talk.pk))
        with django_assert_num_queries(1):
            assert selectors.reader_state(reader, talk.pk, ids) == expected
    assert expected[0] == {post.pk for post in posts[1:4]} and expected[1] is not None
    # Another member's votes and follow are not the reader's.
    assert selectors.reader_state(member, talk.pk, ids) == (set(), selectors.follow_level(member, talk.pk))


def test_a_visitor_and_a_page_without_posts_cost_what_they_need(talk, member, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.reader_state(AnonymousUser(), talk.pk, [1, 2]) == (set(), None)
    level = selectors.follow_level(member, talk.pk)  # the author follows their thread
    with django_assert_num_queries(1):
        assert selectors.reader_state(member, talk.pk, []) == (set(), level)
    assert level is not None
