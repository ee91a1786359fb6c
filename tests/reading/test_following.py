"""Following members: from their profile, the counts on it, /following/ with what they posted
and were credited for, a notification when they start a thread; nothing of a staff-only
category for a reader who may not read it."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from forum import services as forum
from forum.models import Post
from notifications.models import Kind, Notification, Preference
from reading import following
from reading.models import MemberFollow
from reputation.models import BadgeAward
from tests.reading.clients import as_

pytestmark = pytest.mark.django_db


@pytest.fixture
def followed(make_member):
    return make_member("ines", display_name="Inès Martin")


def test_a_member_follows_another_from_their_profile(member, followed):
    client = as_(member)
    profile = client.get("/u/ines/").content.decode()
    assert 'value="follow"' in profile

    response = client.post("/u/ines/follow/", {"action": "follow"}, follow=True)

    assert MemberFollow.objects.filter(follower=member, followed=followed).exists()
    html = response.content.decode()
    assert "You follow Inès Martin" in html
    assert 'value="unfollow"' in html and "<strong>1</strong> follower" in html


def test_a_member_stops_following(member, followed):
    following.follow_member(follower=member, followed=followed)

    as_(member).post("/u/ines/follow/", {"action": "unfollow"})

    assert not MemberFollow.objects.exists()


def test_the_profile_counts_followers_and_following(member, other_member, followed, carol):
    following.follow_member(follower=member, followed=followed)
    following.follow_member(follower=other_member, followed=followed)
    following.follow_member(follower=followed, followed=carol)

    html = Client().get("/u/ines/").content.decode()

    assert "<strong>2</strong> followers" in html and "Follows <strong>1</strong> member" in html


def test_nobody_follows_themselves_and_visitors_follow_nobody(client, member, followed):
    assert 'value="follow"' not in as_(member).get(f"/u/{member.username}/").content.decode()
    assert as_(member).post(f"/u/{member.username}/follow/", {"action": "follow"}).status_code == 403
    assert 'value="follow"' not in client.get("/u/ines/").content.decode()
    assert client.post("/u/ines/follow/", {"action": "follow"}).status_code == 302  # to log in
    assert not MemberFollow.objects.exists()


def test_following_is_a_post_with_an_action(member, followed):
    assert as_(member).get("/u/ines/follow/").status_code == 405
    assert as_(member).post("/u/ines/follow/", {"action": "adore"}).status_code == 400
    assert as_(member).post("/u/nobody-here/follow/", {"action": "follow"}).status_code == 404
    assert not MemberFollow.objects.exists()


def test_members_sharing_a_profile_each_see_their_own_follow_button(settings, member, other_member, followed):
    settings.PAGE_CACHE = True
    following.follow_member(follower=member, followed=followed)
    assert 'value="unfollow"' in as_(member).get("/u/ines/").content.decode()

    second = as_(other_member).get("/u/ines/")

    assert second.get("X-Page-Cache") == "hit"
    assert 'value="follow"' in second.content.decode()


def test_the_feed_shows_threads_replies_accepted_answers_and_badges(
    member, followed, other_member, questions, make_thread
):
    following.follow_member(follower=member, followed=followed)
    started = make_thread(category=questions, author=followed, title="Which hub for a flat?")
    asked = make_thread(category=questions, author=other_member, title="Why does my lamp blink?")
    answer = forum.post_reply(thread=asked, author=followed, body="Its firmware is updating.")
    forum.accept_answer(post=answer, by=other_member)

    html = as_(member).get("/following/").content.decode()

    assert "started" in html and f'href="/p/{started.posts.get().pk}/"' in html
    assert "replied in" in html and "Its firmware is updating." in html
    assert "had their answer accepted in" in html
    assert "earned the badge" in html and "First answer" in html  # awarded for the answer


def test_the_feed_leaves_out_staff_only_threads_and_hidden_posts(
    member, staff_member, discussion, staff_category, make_thread, moderator
):
    following.follow_member(follower=member, followed=staff_member)
    make_thread(category=staff_category, author=staff_member, title="Plans only staff may read")
    public = make_thread(category=discussion, author=staff_member, title="A public announcement")
    hidden = forum.post_reply(thread=public, author=staff_member, body="A reply moderators hid.")
    forum.set_post_visibility(post=hidden, by=moderator, visibility="hidden", reason="off topic")

    html = as_(member).get("/following/").content.decode()

    assert "A public announcement" in html
    assert "Plans only staff may read" not in html
    assert "A reply moderators hid." not in html


def test_a_moderator_following_staff_sees_their_staff_only_threads(
    moderator, staff_member, staff_category, make_thread
):
    following.follow_member(follower=moderator, followed=staff_member)
    make_thread(category=staff_category, author=staff_member, title="Plans only staff may read")

    assert "Plans only staff may read" in as_(moderator).get("/following/").content.decode()


def test_the_feed_of_a_member_following_nobody_says_how_to_start(member):
    html = as_(member).get("/following/").content.decode()

    assert "You follow nobody yet" in html


def test_the_feed_is_for_members(client):
    assert client.get("/following/").status_code == 302


@pytest.fixture
def busy_followed(make_member, discussion, member):
    """12 followed members, 60 posts between them over the last hours, and a badge each."""
    members = [make_member(f"writer{n}") for n in range(12)]
    for writer in members:
        following.follow_member(follower=member, followed=writer)
        BadgeAward.objects.create(member=writer, badge="helpful")
    thread = forum.start_thread(category=discussion, author=members[0], title="A long chat", body="Hello")
    now = timezone.now()
    Post.objects.bulk_create(
        Post(
            thread=thread,
            author=members[n % 12],
            body=f"Reply {n}",
            body_html=f"<p>Reply {n}</p>",
            created_at=now - timedelta(minutes=n),
        )
        for n in range(60)
    )
    return members


@pytest.mark.parametrize("page", [1, 2, 3])
def test_the_feed_takes_at_most_10_queries_per_page(member, busy_followed, page, django_assert_max_num_queries):
    client = as_(member)
    client.get("/following/")

    with django_assert_max_num_queries(10):
        response = client.get(f"/following/?page={page}")

    assert response.status_code == 200
    shown = response.content.decode().count('class="activity-item')
    assert shown == (25 if page < 3 else 61 + 12 - 50)  # 61 posts and 12 badges


def test_a_followed_member_starting_a_thread_notifies_the_follower(member, followed, discussion, make_thread):
    following.follow_member(follower=member, followed=followed)

    thread = make_thread(category=discussion, author=followed, title="My new lamp setup")

    told = Notification.objects.get(recipient=member, kind=Kind.FOLLOWED_MEMBER)
    assert told.thread == thread
    assert (
        "Inès Martin, whom you follow, started “My new lamp setup”"
        in as_(member).get("/notifications/").content.decode()
    )


def test_the_notification_is_optional_and_never_for_a_staff_only_thread(
    member, other_member, staff_member, staff_category, discussion, make_thread
):
    following.follow_member(follower=member, followed=staff_member)
    following.follow_member(follower=other_member, followed=staff_member)
    Preference.objects.create(member=other_member, kind=Kind.FOLLOWED_MEMBER, on_site=False)

    make_thread(category=staff_category, author=staff_member)
    make_thread(category=discussion, author=staff_member)

    assert Notification.objects.filter(recipient=member, kind=Kind.FOLLOWED_MEMBER).count() == 1
    assert not Notification.objects.filter(recipient=other_member, kind=Kind.FOLLOWED_MEMBER).exists()
