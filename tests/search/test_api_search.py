"""Search through the JSON API (/api/v1/search) is the search page's: the same service on
either engine, the same filters, and nothing a reader may not read."""

import pytest

from api import services


@pytest.fixture
def indexed(make_thread, questions, staff_questions, member, staff_member, index_now):
    public = make_thread(category=questions, author=member, title="Lampe qui clignote la nuit", body="Elle clignote.")
    secret = make_thread(
        category=staff_questions, author=staff_member, title="Nouvelle lampe secrète", body="Elle clignote aussi."
    )
    index_now()
    return public, secret


def search(client, token=None, **params):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get("/api/v1/search", params, headers=headers)


def test_a_visitor_finds_public_posts_only(client, indexed):
    public, _secret = indexed

    found = search(client, q="clignote").json()

    assert [r["thread_id"] for r in found["items"]] == [public.pk]
    assert found["count"] == 1 and found["page"] == 1
    assert "<mark>" in found["items"][0]["snippet"]


def test_staff_find_the_staff_only_threads_too(client, indexed, staff_member):
    token = services.create_token(member=staff_member, name="Search", scope="read")[1]

    found = search(client, token, q="clignote", sort="newest").json()

    assert sorted(r["thread_id"] for r in found["items"]) == sorted(t.pk for t in indexed)


def test_a_filter_that_cannot_be_used_is_a_400_with_its_message(client, indexed):
    response = search(client, q="clignote", date_from="2026-13-45")

    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.json()["detail"]
