"""Search pages take a fixed number of SQL queries, however many authors and threads they show.

Each count is measured over results from 5 and from 20 distinct authors: an
N+1 would make the second larger.
"""

import pytest

from forum import services
from forum.models import Thread

SEARCH_PAGE_MAX = 10
THREAD_PAGE_MAX = 12  # the forum's budget (tests/forum/test_query_counts.py), related threads included


@pytest.fixture
def people(make_member):
    return [make_member(f"author{n:02d}", display_name=f"Author {n}") for n in range(20)]


@pytest.fixture
def viewer(make_member):
    return make_member("viewer", display_name="Vera Viewer")


@pytest.fixture
def answered_threads(make_thread, questions, discussion, people, staff_member, index_now):
    """Two sets of 22 threads about thermostats, solved and official in places: one by 5 authors, one by 20.

    Each set has its own word ("radiator" or "boiler") so a search reaches exactly one set.
    """
    sets = {}
    for n_authors, word in ((5, "radiator"), (20, "boiler")):
        threads = []
        for n in range(22):
            author, replier = people[n % n_authors], people[(n + 1) % n_authors]
            thread = make_thread(
                category=questions if n % 2 else discussion,
                author=author,
                title=f"Thermostat and {word} question {n}",
                body=f"My thermostat fights the {word} ({n}).",
                tags=["heating", f"zone-{n % 3}"],
                replies=[(replier, f"Set the {word} to eco mode.")],
            )
            if n % 2:
                services.accept_answer(post=thread.posts.get(is_opening=False), by=author)
            if n % 5 == 0:
                services.post_reply(thread=thread, author=staff_member, body=f"Official: the {word} firmware 2.")
            threads.append(thread)
        sets[n_authors] = (word, threads)
    index_now()
    return sets


def warm_up(client):
    """The first request of a test fills the cache (the site announcement): that query is not the page's."""
    assert client.get("/search/").status_code == 200


def count_queries(client, url, assert_max_num_queries, limit):
    with assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


VARIANTS = ["", "&sort=newest", "&sort=score", "&type=posts", "&page=2", "&solved=yes&category=help&tag=heating"]


@pytest.mark.parametrize("who", ["visitor", "member", "staff"])
def test_the_search_page_takes_at_most_10_queries_however_many_authors_it_shows(
    client, answered_threads, viewer, staff_member, who, django_assert_max_num_queries
):
    if who == "member":
        client.force_login(viewer)
    elif who == "staff":
        client.force_login(staff_member)
    warm_up(client)

    for params in VARIANTS:  # in a loop: the data is the slow part
        counts = {
            n: count_queries(client, f"/search/?q={word}{params}", django_assert_max_num_queries, SEARCH_PAGE_MAX)
            for n, (word, _threads) in answered_threads.items()
        }

        assert counts[5] == counts[20], params


def test_the_search_page_really_shows_what_the_query_count_test_pays_for(client, answered_threads):
    from tests.search.pages import SearchPage

    page = SearchPage(client.get("/search/?q=boiler&type=posts").content.decode())

    assert page.count > 20
    assert len(page.results) == 15
    bylines = " ".join(result.byline for result in page.results)
    assert len({f"Author {n}" for n in range(20) if f"Author {n} " in bylines + " "}) >= 10
    badges = [badge for result in page.results for badge in result.badges]
    assert "✓ Solved" in badges
    assert "Official response" in badges
    assert {result.category for result in page.results} == {"General", "Help"}


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_a_thread_page_with_related_threads_stays_within_the_forums_budget(
    client, answered_threads, viewer, who, django_assert_max_num_queries
):
    if who == "member":
        client.force_login(viewer)
    warm_up(client)

    counts = {}
    for n, (_word, threads) in answered_threads.items():
        thread = Thread.objects.get(pk=threads[3].pk)
        with django_assert_max_num_queries(THREAD_PAGE_MAX) as captured:
            response = client.get(thread.get_absolute_url())
        assert response.status_code == 200
        assert response.context["related"], "the page shows related threads"
        counts[n] = len(captured)

    assert counts[5] == counts[20]
