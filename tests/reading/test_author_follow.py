"""Following a member from the card beside each of their posts on a thread page: the reader's
own button in the copy members share (a slot per post, filled from the one statement of the
reader's state), none on their own cards and none for visitors, a form that comes back to the
post without JavaScript and answers JSON to the page's script."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from forum.models import Post
from reading import following
from reading.models import MemberFollow
from tests.forum.test_member_page_cache import page, part
from tests.reading.clients import as_

pytestmark = pytest.mark.django_db

FOLLOW_INES = 'action="/u/ines/follow/"'


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE = True


@pytest.fixture
def ines(make_member):
    return make_member("ines", display_name="Inès Martin")


@pytest.fixture
def talk(make_thread, discussion, ines, other_member):
    return make_thread(
        category=discussion, author=ines, replies=[(other_member, "Try the reset."), (ines, "It worked.")]
    )


def cards(html: str, thread) -> dict[int, str]:
    """Each post's author card, by post."""
    return {pk: part(html, f"post-{pk}").split("post-body")[0] for pk in thread.posts.values_list("pk", flat=True)}


def test_a_member_sees_follow_on_every_card_of_another_member_and_none_on_their_own(talk, member, ines, other_member):
    html = page(as_(member), talk.get_absolute_url())
    of_ines = list(talk.posts.filter(author=ines).values_list("pk", flat=True))

    for pk, card in cards(html, talk).items():
        assert ('value="follow"' in card) and (f"post-{pk}-follow" in card)
    assert all(FOLLOW_INES in cards(html, talk)[pk] for pk in of_ines)

    own = page(as_(ines), talk.get_absolute_url())
    assert FOLLOW_INES not in own and 'action="/u/bruno/follow/"' in own


def test_members_share_the_copy_and_each_sees_whom_they_follow(talk, member, carol, ines):
    following.follow_member(follower=carol, followed=ines)
    mine = page(as_(member), talk.get_absolute_url(), shared=False)
    hers = page(as_(carol), talk.get_absolute_url(), shared=True)

    opening = Post.objects.get(thread=talk, is_opening=True).pk
    assert 'value="follow"' in cards(mine, talk)[opening] and 'aria-pressed="true"' not in cards(mine, talk)[opening]
    assert 'value="unfollow"' in cards(hers, talk)[opening] and 'aria-pressed="true"' in cards(hers, talk)[opening]
    # Bruno's card, whom carol does not follow, still offers to follow him.
    assert hers.count('value="follow"') >= 1


def test_visitors_see_no_follow_button_and_share_one_copy(client, talk, member):
    following.follow_member(follower=member, followed=talk.author)
    as_(member).get(talk.get_absolute_url())  # a member's copy is not the visitors'
    first = client.get(talk.get_absolute_url())
    second = as_(None).get(talk.get_absolute_url())

    assert second.get("X-Page-Cache") == "hit" and first.content == second.content
    html = first.content.decode()
    assert not re.search(r"/u/[^/]+/follow/", html) and "\x00" not in html


@pytest.mark.parametrize("role", ["member", "staff", "moderator", "suspended"])
def test_every_member_whatever_their_role_follows_from_the_card(talk, make_member, role):
    options = {
        "member": {},
        "staff": {"staff": True, "title": "Support"},
        "moderator": {"moderator": True},
        "suspended": {"suspended_until": timezone.now() + timedelta(days=2)},
    }[role]
    reader = make_member(f"reader{role}", **options)
    client = as_(reader)
    assert FOLLOW_INES in page(client, talk.get_absolute_url())

    response = client.post("/u/ines/follow/", {"action": "follow", "next": "/p/1/"})

    assert response.status_code == 302 and MemberFollow.objects.filter(follower=reader, followed=talk.author).exists()


def test_following_from_a_card_without_javascript_comes_back_to_the_post(talk, member, ines):
    reply = Post.objects.filter(thread=talk, author=ines, is_opening=False).get()
    client = as_(member)

    response = client.post("/u/ines/follow/", {"action": "follow", "next": reply.get_absolute_url()}, follow=True)

    assert response.redirect_chain[0][0] == f"/p/{reply.pk}/"
    assert response.redirect_chain[-1][0].endswith(f"#post-{reply.pk}")
    html = response.content.decode()
    assert "You follow Inès Martin" in html
    of_ines = talk.posts.filter(author=ines).values_list("pk", flat=True)
    assert all('value="unfollow"' in cards(html, talk)[pk] for pk in of_ines)


def test_a_next_address_on_another_site_goes_back_to_the_profile(talk, member):
    response = as_(member).post("/u/ines/follow/", {"action": "follow", "next": "https://evil.example/"})

    assert response["Location"] == "/u/ines/"


def test_the_page_script_gets_the_new_state_as_json_and_no_message_for_later(talk, member, ines):
    client = as_(member)
    headers = {"Accept": "application/json"}

    followed = client.post("/u/ines/follow/", {"action": "follow", "next": "/p/1/"}, headers=headers)
    left = client.post("/u/ines/follow/", {"action": "unfollow", "next": "/p/1/"}, headers=headers)

    assert followed.json() == {"ok": True, "following": True} and left.json() == {"ok": True, "following": False}
    assert not MemberFollow.objects.exists()
    assert "You follow" not in page(client, talk.get_absolute_url())


def test_a_visitor_cannot_follow_and_bad_input_is_a_400(client, talk, member):
    assert client.post("/u/ines/follow/", {"action": "follow"}).status_code == 302  # to log in
    assert as_(member).post("/u/ines/follow/", {"action": "adore"}).status_code == 400
    assert as_(member).post("/u/nobody/follow/", {"action": "follow"}).status_code == 404
    assert not MemberFollow.objects.exists()


def test_a_reply_fetched_live_carries_the_readers_follow_button(talk, member, ines, django_assert_max_num_queries):
    following.follow_member(follower=member, followed=ines)
    reply = Post.objects.filter(thread=talk, author=ines, is_opening=False).get()
    client = as_(member)
    client.get("/")  # the session and member reads warm

    with django_assert_max_num_queries(4):
        html = client.get(f"/p/{reply.pk}/fragment/").content.decode()

    assert FOLLOW_INES in html and 'value="unfollow"' in html
    assert FOLLOW_INES not in as_(ines).get(f"/p/{reply.pk}/fragment/").content.decode()


def test_a_deactivated_authors_card_offers_no_one_to_follow(talk, member, ines):
    type(ines).objects.filter(pk=ines.pk).update(is_active=False)

    html = page(as_(member), talk.get_absolute_url())

    assert FOLLOW_INES not in html and 'action="/u/bruno/follow/"' in html
