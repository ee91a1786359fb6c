"""Similar threads while a member types a new thread's title, and related threads beside a thread."""

import json

import pytest

from forum import services
from tests.search.pages import parse


def suggest(client, title):
    response = client.get("/search/similar/", {"title": title})
    assert response.status_code == 200
    return json.loads(response.content)


def related(client, thread) -> list[tuple[str, bool]]:
    """(title, solved badge) of each related thread listed on the thread's page."""
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    aside = next((e for e in parse(response.content.decode()).find_all("aside") if "related" in e.classes), None)
    if aside is None:
        return []
    return [
        (" ".join(li.find("a").text.split()), li.find("span", "badge-solved") is not None)
        for li in aside.find_all("li")
    ]


@pytest.fixture
def solved(make_thread, questions, member, other_member, index_now):
    thread = make_thread(
        category=questions,
        author=member,
        title="Les ampoules clignotent après la mise à jour",
        body="Depuis la mise à jour du pont, toutes mes ampoules clignotent le soir.",
        replies=[(other_member, "Réinitialisez le pont, puis réappairez les ampoules.")],
    )
    services.accept_answer(post=thread.posts.get(is_opening=False), by=member)
    index_now()
    thread.refresh_from_db()
    return thread


def test_a_title_like_a_solved_thread_suggests_it(member_client, solved):
    data = suggest(member_client, "Ampoule qui clignote")

    assert data["heading"] == "Similar threads"
    assert data["threads"] == [
        {"title": solved.title, "url": solved.get_absolute_url(), "solved": True, "replies": 1},
    ]


@pytest.mark.parametrize("title", ["Mes AMPOULES clignotent", "ampoules clignotant", "clignotement des ampoules ?"])
def test_suggestions_meet_other_forms_of_the_words(member_client, solved, title):
    assert [t["title"] for t in suggest(member_client, title)["threads"]] == [solved.title]


@pytest.mark.parametrize("title", ["", "amp", "   ", "the and les des", "?!?!?!", "zzzz qqqq"])
def test_short_empty_or_unmatched_titles_suggest_nothing(member_client, solved, title):
    assert suggest(member_client, title)["threads"] == []


def test_suggestions_come_from_thread_openings_not_replies(member_client, solved):
    """The word "Réinitialisez" is only in the reply."""
    assert suggest(member_client, "Réinitialisez")["threads"] == []


def test_at_most_five_suggestions(member_client, make_thread, discussion, member, index_now):
    for n in range(8):
        make_thread(category=discussion, author=member, title=f"Thermostat trouble number {n}", body="Help.")
    index_now()

    assert len(suggest(member_client, "thermostat trouble")["threads"]) == 5


def test_a_visitor_gets_suggestions_too(client, solved):
    assert [t["title"] for t in suggest(client, "ampoules clignotent")["threads"]] == [solved.title]


def test_a_thread_page_lists_related_threads_but_not_itself(client, solved, make_thread, discussion, other_member):
    twin = make_thread(
        category=discussion,
        author=other_member,
        title="Ampoules qui clignotent dans la cuisine",
        body="Elles clignotent au démarrage du frigo.",
    )
    unrelated = make_thread(category=discussion, author=other_member, title="Changer la pile", body="Quelle pile ?")
    from search.queue import apply_all

    apply_all()

    assert related(client, twin) == [(solved.title, True)]
    assert related(client, solved) == [(twin.title, False)]
    assert related(client, unrelated) == []


def test_the_thread_page_survives_a_broken_index(client, solved, settings, tmp_path, caplog):
    """The related list is a nicety: an unreadable index costs the reader that list, never the page."""
    from haystack import connections

    backend = connections["default"].get_backend()

    def broken(*args, **kwargs):
        raise OSError("index unreadable")

    backend.search = broken
    try:
        assert related(client, solved) == []
    finally:
        del backend.search
    assert "related threads unavailable" in caplog.text
