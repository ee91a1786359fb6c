"""A member's votes, follow state and the page's authors they follow, read in one statement (forum.selectors)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from forum import selectors, services
from forum.models import Post
from reading.following import follow_member

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
            assert selectors.reader_state(reader, talk.pk, ids)[:2] == expected
    assert expected[0] == {post.pk for post in posts[1:4]} and expected[1] is not None
    # Another member's votes and follow are not the reader's.
    assert selectors.reader_state(member, talk.pk, ids)[:2] == (set(), selectors.follow_level(member, talk.pk))


def test_the_authors_a_member_follows_come_in_the_same_statement(
    talk, member, other_member, make_member, django_assert_num_queries
):
    reader = make_member("reader")
    follow_member(follower=reader, followed=other_member)
    follow_member(follower=member, followed=reader)  # someone else's follow is not the reader's
    services.cast_vote(post=Post.objects.filter(thread=talk, author=other_member).first(), voter=reader)
    authors = {member.pk, other_member.pk, reader.pk}
    ids = list(Post.objects.filter(thread=talk).values_list("pk", flat=True))

    with django_assert_num_queries(1):
        state = selectors.reader_state(reader, talk.pk, ids, authors=authors)

    assert state.followed_authors == {other_member.pk}
    assert len(state.voted) == 1 and state.follow_level is None


def test_a_visitor_and_a_page_without_posts_cost_what_they_need(talk, member, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.reader_state(AnonymousUser(), talk.pk, [1, 2], authors={1}) == (set(), None, set())
    level = selectors.follow_level(member, talk.pk)  # the author follows their thread
    with django_assert_num_queries(1):
        assert selectors.reader_state(member, talk.pk, []) == (set(), level, set())
    assert level is not None
