"""Search keeps one idea status on asking (?status=planned): each post of an idea carries its
status in the index, the thread is re-indexed when the status changes, and the reading rule
still decides what anyone sees."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from ideas.models import Status
from ideas.services import merge_idea, set_idea_status
from search.models import IndexTask
from tests.search.pages import SearchPage
from tests.search.test_index_documents import matching
from tests.search.test_query_counts import SEARCH_PAGE_MAX, warm_up

NOTE = "We will build this in the spring."


def found(client, params: dict, *, answer=200) -> SearchPage:
    """GET /search/ with these parameters ("status" among them is the filter, `answer` the response's)."""
    response = client.get("/search/", params)
    assert response.status_code == answer, response.content.decode()[:2000]
    return SearchPage(response.content.decode())


def search(client, q, idea_status=None, *, answer=200) -> SearchPage:
    params = {"q": q} if idea_status is None else {"q": q, "status": idea_status}
    return found(client, params, answer=answer)


@pytest.fixture
def lamps(make_thread, ideas_category, discussion, member, other_member, staff_member, index_now):
    """Three ideas about lamps (planned, declined, still new) and a discussion about lamps, indexed."""
    planned = make_thread(
        category=ideas_category,
        author=member,
        title="Lamps that follow the sunset",
        body="Let the lamps dim as the sun goes down.",
        replies=[(other_member, "Yes please, my lamps are too bright at dusk.")],
    )
    declined = make_thread(
        category=ideas_category, author=other_member, title="Lamps that sing", body="A lamp with a speaker."
    )
    new = make_thread(category=ideas_category, author=member, title="Lamps in the garden", body="Outdoor lamps.")
    talk = make_thread(category=discussion, author=member, title="My lamps flicker", body="Lamps flicker at night.")
    set_idea_status(thread=planned, by=staff_member, status=Status.PLANNED, note=NOTE)
    set_idea_status(thread=declined, by=staff_member, status=Status.DECLINED, note="Not something we will make.")
    index_now()
    return planned, declined, new, talk


# The index --------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["the queue", "rebuild_index"])
def test_every_post_of_an_idea_carries_its_status_and_other_posts_none(lamps, index_now, how):
    """Both ways of writing the index (full_prepare of a row, the rebuild's plain values) agree."""
    if how == "rebuild_index":
        call_command("rebuild_index", stdout=StringIO())
    planned, declined, new, _talk = lamps
    posts = {thread: set(thread.posts.values_list("pk", flat=True)) for thread in lamps}

    assert len(posts[planned]) == 3  # the idea, a member's reply and the staff's note
    assert matching("idea_status", Status.PLANNED) == posts[planned]
    assert matching("idea_status", Status.DECLINED) == posts[declined]
    assert matching("idea_status", Status.NEW) == posts[new]
    with_a_status = set().union(*(matching("idea_status", status) for status in Status.values))
    assert with_a_status == posts[planned] | posts[declined] | posts[new]


def test_a_status_change_queues_the_whole_thread_and_moves_it_to_the_new_status(lamps, staff_member, client, index_now):
    planned, *_others = lamps

    set_idea_status(thread=planned, by=staff_member, status=Status.IN_PROGRESS, note="Work has started this week.")

    assert IndexTask.objects.filter(kind=IndexTask.Kind.THREAD, object_id=planned.pk).exists()
    index_now()
    assert matching("idea_status", Status.IN_PROGRESS) == set(planned.posts.values_list("pk", flat=True))
    assert matching("idea_status", Status.PLANNED) == set()
    assert search(client, "lamps", "in_progress").titles == ["Lamps that follow the sunset"]
    assert search(client, "lamps", "planned").titles == []


def test_a_merged_idea_is_found_as_a_duplicate(lamps, staff_member, client, index_now):
    """The declined idea has its official response already: only the merge re-indexes its thread."""
    planned, declined, _new, _talk = lamps

    merge_idea(duplicate=declined, into=planned, by=staff_member)

    assert IndexTask.objects.filter(kind=IndexTask.Kind.THREAD, object_id=declined.pk).exists()
    index_now()
    assert search(client, "lamps", "duplicate").titles == ["Lamps that sing"]
    assert search(client, "lamps", "declined").titles == []
    assert search(client, "lamps", "planned").titles == ["Lamps that follow the sunset"]


# The search page --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "titles"),
    [
        ("planned", {"Lamps that follow the sunset"}),
        ("declined", {"Lamps that sing"}),
        ("new", {"Lamps in the garden"}),
        ("done", set()),
        ("PLANNED", {"Lamps that follow the sunset"}),
        ("", {"Lamps that follow the sunset", "Lamps that sing", "Lamps in the garden", "My lamps flicker"}),
    ],
)
def test_the_status_filter_keeps_the_ideas_with_that_status(client, lamps, status, titles):
    page = search(client, "lamps", status)

    assert set(page.titles) == titles
    assert page.count == len(titles)


def test_the_filter_reaches_replies_of_ideas_too(client, lamps):
    page = found(client, {"q": "dusk", "status": "planned", "type": "posts"})

    assert page.titles == ["Lamps that follow the sunset"]


def test_a_result_shows_its_ideas_status(client, lamps):
    [result] = search(client, "sunset").results

    assert "Planned" in result.badges


def test_the_form_offers_every_status_and_keeps_the_one_chosen(client, lamps):
    page = search(client, "lamps", "declined")

    select = next(s for s in page.root.find_all("select") if s.get("name") == "status")
    options = {option.get("value"): " ".join(option.text.split()) for option in select.find_all("option")}
    assert options == {"": "Any status", **{value: str(label) for value, label in Status.choices}}
    assert [o.get("value") for o in select.find_all("option") if "selected" in dict(o.attrs)] == ["declined"]
    assert any(label.get("for") == "f-status" for label in page.root.find_all("label"))
    assert "open" in dict(page.root.find("details", "search-filters").attrs)


def test_the_status_filter_is_not_offered_where_no_idea_can_be_read(client, discussion, staff_ideas, staff_member):
    assert 'name="status"' not in search(client, "lamps").html
    client.force_login(staff_member)
    assert 'name="status"' in search(client, "lamps").html


@pytest.mark.parametrize(
    "value", ["maybe", "planned OR done", "planned*", "idea_status:done", "x" * 5000, "<b>new</b>"]
)
def test_an_unknown_status_is_a_400_that_says_why(client, lamps, value):
    page = search(client, "lamps", value, answer=400)

    assert page.errors == ["Choose an idea status from the list, or any status."]
    assert page.results == []


# Who sees what ----------------------------------------------------------------------------------


@pytest.fixture
def secret_plans(make_thread, staff_ideas, staff_member, index_now):
    thread = make_thread(
        category=staff_ideas, author=staff_member, title="Lamps for the secret product line", body="Only for us."
    )
    set_idea_status(thread=thread, by=staff_member, status=Status.PLANNED, note=NOTE)
    index_now()
    return thread


@pytest.mark.parametrize("who", ["visitor", "member", "staff", "moderator"])
def test_a_staff_only_idea_is_found_by_status_only_by_those_who_read_staff_areas(
    request, who, lamps, secret_plans, member, staff_member, moderator
):
    client = Client()
    if who != "visitor":
        client.force_login({"member": member, "staff": staff_member, "moderator": moderator}[who])

    page = search(client, "lamps", "planned")

    if who in {"staff", "moderator"}:
        assert set(page.titles) == {"Lamps that follow the sunset", "Lamps for the secret product line"}
    else:
        assert page.titles == ["Lamps that follow the sunset"]
        assert "secret" not in page.html.lower()


def test_an_idea_hidden_after_indexing_is_not_shown_with_its_status(client, lamps, moderator):
    from moderation.actions import hide_post

    planned, *_others = lamps
    hide_post(post=planned.posts.get(is_opening=True), by=moderator, reason="Spam")  # the queue is not applied

    assert search(client, "lamps", "planned").titles == []


# Cost -------------------------------------------------------------------------------------------


def test_the_status_filter_costs_the_same_queries_however_many_ideas_it_shows(
    client, make_thread, make_member, ideas_category, staff_member, index_now, django_assert_max_num_queries
):
    counts = {}
    for word, n in (("heater", 5), ("radiator", 20)):
        for i in range(n):
            thread = make_thread(
                category=ideas_category, author=make_member(f"{word}{i}"), title=f"A smarter {word} idea {i}"
            )
            set_idea_status(thread=thread, by=staff_member, status=Status.PLANNED, note=NOTE)
        index_now()
        warm_up(client)
        with django_assert_max_num_queries(SEARCH_PAGE_MAX) as captured:
            page = search(client, word, "planned")
        assert page.count == n
        counts[n] = len(captured)

    assert counts[5] == counts[20]
