"""Reads without a token share one copy per address and generation, as visitors' pages do."""

import pytest

from forum import services as forum_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(settings):
    settings.PAGE_CACHE = True


def test_a_visitors_read_is_the_copy_every_visitor_gets_until_the_content_changes(
    api, world, shared, carol, django_assert_max_num_queries
):
    path = f"/threads/{world.question.pk}"
    first = api.get(path)

    with django_assert_max_num_queries(0):
        again = api.get(path)

    assert first.status_code == again.status_code == 200
    assert "X-Page-Cache" not in first and again["X-Page-Cache"] == "hit"
    assert again.json() == first.json()

    forum_services.post_reply(thread=world.question, author=carol, body="It blinks when the bridge updates.")
    after = api.get(path)

    assert "X-Page-Cache" not in after
    assert "bridge updates" in after.content.decode()


def test_a_token_is_always_answered_for_itself(api, world, shared):
    secret = f"/threads/{world.secret.pk}"
    question = f"/threads/{world.question.pk}"
    api.get(question)
    assert api.get(question)["X-Page-Cache"] == "hit"

    for_staff = api.get(question, world.tokens["staff"])
    refused = api.get(secret)
    staff_secret = api.get(secret, world.tokens["staff"])
    bad_token = api.get(question, "not-a-token")

    assert "X-Page-Cache" not in for_staff and for_staff.status_code == 200
    assert refused.status_code == 404 and api.get(secret).status_code == 404  # a refusal is never kept
    assert staff_secret.status_code == 200 and "X-Page-Cache" not in staff_secret
    assert bad_token.status_code == 401  # a wrong token is refused, not handed the visitors' copy
    empty = api.client.get(f"/api/v1{question}", headers={"Authorization": ""})
    assert "X-Page-Cache" not in empty


def test_a_copy_counts_against_the_addresss_limit(api, world, shared, settings):
    settings.API_ANONYMOUS_REQUESTS_PER_MINUTE = 2
    path = f"/api/v1/threads/{world.question.pk}"

    answers = [api.client.get(path, REMOTE_ADDR="203.0.113.9") for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[1]["X-Page-Cache"] == "hit"
    assert "without a token" in answers[2].json()["detail"] and answers[2]["Retry-After"]


def test_search_is_answered_for_each_visitor(api, world, shared):
    """Search follows the index, which catches up after the content's generation changed."""
    answers = [api.get("/search", q="lamp") for _ in range(2)]

    assert [a.status_code for a in answers] == [200, 200]
    assert all("X-Page-Cache" not in a for a in answers)
