"""Reads with the token of a member who has no role share one copy per address and generation,
as those members' pages do (web.pagecache.shared_answer); anyone who reads more than they do
(the author of a hidden post or thread, staff, moderators) and suspended members get their own.

Each test reads as one reader after another, so that the second is given the first one's copy
when they share one, and checks what each was given against what they may read."""

from datetime import timedelta

import pytest
from django.utils import timezone

from api import services
from api.models import ApiToken
from forum import services as forum_services
from moderation import actions
from tests.api.conftest import token_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shared(settings):
    settings.PAGE_CACHE = True


@pytest.fixture
def readers(world, carol, dmitri, api):
    """Two members with no role and a token each (carol, dmitri), whose use is noted already:
    the reads below cost no write of last_used_at."""
    tokens = {"carol": token_for(carol, "read"), "dmitri": token_for(dmitri, "read")}
    for name, token in tokens.items():
        api.get(f"/members/{name}", token)
    return tokens


def read(api, path, token=None, *, shared=None):
    response = api.get(path, token)
    assert response.status_code == 200, response.content
    if shared is not None:
        assert (response.get("X-Page-Cache") == "hit") is shared, path
    return response.json()


def bodies(answer) -> list[str]:
    return [post["body"] for post in answer["posts"]]


def test_two_members_with_no_role_share_one_answer(api, world, readers, django_assert_max_num_queries):
    path = f"/threads/{world.question.pk}"
    first = read(api, path, readers["carol"], shared=False)

    with django_assert_max_num_queries(1):  # the token, with its member
        second = read(api, path, readers["dmitri"], shared=True)

    assert second == first
    assert world.hidden_reply.body not in bodies(second)


def test_a_members_answer_is_made_in_a_fixed_number_of_queries(api, world, readers, django_assert_max_num_queries):
    # The token, the thread, its tags, who wrote its hidden posts, its posts.
    with django_assert_max_num_queries(5):
        read(api, f"/threads/{world.question.pk}", readers["carol"], shared=False)


def test_a_members_answer_never_reaches_a_visitor_nor_a_visitors_theirs(api, world, readers):
    thread, category = f"/threads/{world.question.pk}", "/categories/help/threads"
    read(api, thread, readers["carol"], shared=False)
    read(api, category)

    assert "X-Page-Cache" not in api.get(thread)
    assert "X-Page-Cache" not in api.get(category, readers["carol"])


@pytest.mark.parametrize("role", ["staff", "moderator", "suspended"])
def test_staff_moderators_and_suspended_members_neither_get_nor_feed_the_copy(api, world, readers, role):
    thread = f"/threads/{world.question.pk}"
    theirs = read(api, thread, world.tokens[role], shared=False)
    read(api, "/categories", world.tokens[role], shared=False)

    first = read(api, thread, readers["carol"], shared=False)
    categories = read(api, "/categories", readers["carol"], shared=False)

    assert "staff-questions" not in [c["slug"] for c in categories]
    assert world.hidden_reply.body not in bodies(first)
    read(api, thread, readers["dmitri"], shared=True)
    again = read(api, thread, world.tokens[role], shared=False)
    assert again == theirs


def test_moderators_see_the_hidden_reply_that_the_shared_copy_leaves_out(api, world, readers):
    path = f"/threads/{world.question.pk}"
    read(api, path, readers["carol"])

    for_moderator = read(api, path, world.tokens["moderator"], shared=False)

    assert world.hidden_reply.body in bodies(for_moderator)


def test_the_author_of_a_hidden_post_reads_it_and_never_feeds_the_copy(api, world, readers):
    path = f"/threads/{world.question.pk}"
    hidden = world.hidden_reply.body  # bruno's: world.tokens["member"]

    for_author = read(api, path, world.tokens["member"], shared=False)
    for_carol = read(api, path, readers["carol"], shared=False)  # the author's was not kept
    for_author_again = read(api, path, world.tokens["member"], shared=False)  # carol's is not for them
    for_dmitri = read(api, path, readers["dmitri"], shared=True)

    assert hidden in bodies(for_author) and hidden in bodies(for_author_again)
    assert hidden not in bodies(for_carol) and for_dmitri == for_carol


def test_a_post_hidden_after_the_copy_was_made_is_gone_from_the_next_answer(api, world, readers, moderator):
    path = f"/threads/{world.question.pk}"
    read(api, path, readers["carol"])
    reply = world.members_reply

    actions.hide_post(post=reply, by=moderator, reason="Off topic")
    for_dmitri = read(api, path, readers["dmitri"], shared=False)
    for_author = read(api, path, token_for(reply.author, "read"), shared=False)

    assert reply.body not in bodies(for_dmitri) and reply.body in bodies(for_author)


def test_a_hidden_thread_and_a_hidden_post_are_their_authors_alone(api, world, readers):
    thread, post = f"/threads/{world.hidden.pk}", f"/posts/{world.hidden_reply.pk}"
    read(api, thread, world.tokens["author"], shared=False)
    read(api, post, world.tokens["member"], shared=False)

    assert api.get(thread, readers["carol"]).status_code == 404
    assert api.get(post, readers["carol"]).status_code == 404
    read(api, thread, world.tokens["author"], shared=False)
    read(api, post, world.tokens["member"], shared=False)


def test_a_revoked_token_or_a_closed_account_is_refused_though_a_copy_exists(api, world, readers, carol, dmitri):
    path = f"/threads/{world.question.pk}"
    read(api, path, readers["carol"], shared=False)
    read(api, path, readers["dmitri"], shared=True)

    services.revoke_token(token=ApiToken.objects.get(member=carol), by=carol)
    dmitri.is_active = False
    dmitri.save(update_fields=["is_active"])

    for name in ("carol", "dmitri"):
        refused = api.get(path, readers[name])
        assert refused.status_code == 401, name
        assert "X-Page-Cache" not in refused and "posts" not in refused.json()


def test_a_new_reply_is_in_the_next_answer_at_once(api, world, readers, carol):
    path = f"/threads/{world.question.pk}"
    read(api, path, readers["carol"], shared=False)
    read(api, path, readers["dmitri"], shared=True)

    forum_services.post_reply(thread=world.question, author=carol, body="The bridge was updating.")
    after = read(api, path, readers["dmitri"], shared=False)

    assert "The bridge was updating." in bodies(after)


def test_a_copy_counts_against_the_tokens_limit(api, world, readers, settings):
    settings.API_REQUESTS_PER_MINUTE = 3  # the readers' first request noted their tokens' use
    path = f"/threads/{world.question.pk}"

    answers = [api.get(path, readers["dmitri"]) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[1]["X-Page-Cache"] == "hit"
    assert "with this token" in answers[2].json()["detail"] and answers[2]["Retry-After"]


def test_a_member_suspended_since_the_copy_was_made_gets_their_own(api, world, readers, dmitri, moderator):
    path = f"/threads/{world.question.pk}"
    read(api, path, readers["carol"], shared=False)

    actions.suspend_member(member=dmitri, by=moderator, until=timezone.now() + timedelta(days=1), reason="Spam")

    read(api, path, readers["dmitri"], shared=False)


def test_the_use_of_a_token_is_noted_once_a_minute_on_copies_too(api, world, readers, dmitri):
    path = f"/threads/{world.question.pk}"
    read(api, path, readers["carol"], shared=False)
    token = ApiToken.objects.get(member=dmitri)
    noted = token.last_used_at
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=noted - timedelta(minutes=2))

    read(api, path, readers["dmitri"], shared=True)
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    read(api, path, readers["dmitri"], shared=True)

    assert first > noted - timedelta(minutes=2)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first


def test_every_read_tells_http_caches_that_its_answer_depends_on_the_token(api, world, readers):
    """A cache in front of the site keeps one answer per Authorization header: shared copies,
    answers made for one reader, refusals and searches all say so."""
    thread = f"/threads/{world.question.pk}"
    answers = [
        api.get(thread, readers["carol"]),  # made, then kept for members with no role
        api.get(thread, readers["dmitri"]),  # the copy
        api.get(thread),  # a visitor's
        api.get(thread, world.tokens["staff"]),  # staff's own
        api.get(thread, "agora_nothere_secret"),  # refused: 401
        api.get("/search?q=pairing", readers["carol"]),  # never shared
    ]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 200, 401, 200]
    assert answers[1].get("X-Page-Cache") == "hit"
    for answer in answers:
        assert "Authorization" in answer.get("Vary", ""), answer.request["PATH_INFO"]
