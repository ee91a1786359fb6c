"""/mentions/?q=: the members the composer offers while someone types @name.

Members only; active accounts only; by username or display name prefix; at most eight; one
query for the lookup, whatever the number of members.
"""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("profiles:mentions")


def usernames(response) -> list[str]:
    return [m["username"] for m in response.json()["members"]]


@pytest.fixture
def community(make_member):
    make_member("camille", display_name="Camille Roux")
    make_member("carlos", display_name="Carlos Diaz")
    make_member("zoe", display_name="Camélia Zed")
    make_member("cathy", display_name="Cathy Old", is_active=False)


def test_a_visitor_is_refused(client, community):
    response = client.get(URL, {"q": "ca"})

    assert response.status_code == 403
    assert "members" not in response.json()


def test_a_member_gets_the_members_whose_username_starts_with_the_letters_typed(member_client, community):
    response = member_client.get(URL, {"q": "car"})

    assert response.status_code == 200
    assert response.json()["members"] == [{"username": "carlos", "name": "Carlos Diaz"}]


def test_a_member_gets_matches_by_display_name_in_any_case_with_accents(member_client, community):
    assert usernames(member_client.get(URL, {"q": "CAMé"})) == ["zoe"]
    assert usernames(member_client.get(URL, {"q": "@ca"})) == ["camille", "carlos", "zoe"]


def test_an_inactive_member_is_never_offered(member_client, community):
    assert "cathy" not in usernames(member_client.get(URL, {"q": "cat"}))
    assert "cathy" not in usernames(member_client.get(URL, {"q": "Cathy"}))


def test_fewer_than_two_letters_offer_nobody(member_client, community):
    for q in ("", "c", "@c", "  "):
        response = member_client.get(URL, {"q": q})
        assert response.status_code == 200
        assert response.json()["members"] == []


def test_a_query_longer_than_thirty_characters_is_refused(member_client, community):
    assert member_client.get(URL, {"q": "c" * 30}).status_code == 200
    response = member_client.get(URL, {"q": "c" * 31})

    assert response.status_code == 400
    assert "members" not in response.json()


def test_percent_and_underscore_are_letters_not_wildcards(member_client, make_member):
    make_member("a_b")
    make_member("axb")

    assert usernames(member_client.get(URL, {"q": "a_"})) == ["a_b"]
    assert usernames(member_client.get(URL, {"q": "a%"})) == []


def test_at_most_eight_members_are_offered_in_one_query(client, member, make_member, django_assert_num_queries):
    for n in range(30):
        make_member(f"pat{n:02}")
    client.force_login(member)

    with django_assert_num_queries(3):  # the session, the member, the lookup
        response = client.get(URL, {"q": "pat"})

    assert usernames(response) == [f"pat{n:02}" for n in range(8)]
    assert "8 members match" in response.json()["status"]


def test_the_answer_is_never_cached(member_client, community):
    response = member_client.get(URL, {"q": "ca"})

    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_only_get_is_answered(member_client):
    assert member_client.post(URL, {"q": "ca"}).status_code == 405
