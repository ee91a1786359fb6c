"""The lists of ideas: /ideas/ with its filters and sorts, and /roadmap/, for each kind of
reader, with their query counts, their empty states and the ideas some readers must not see."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from forum.models import Category, Post, Thread, Visibility
from forum.services import move_thread, set_post_visibility
from ideas.models import Idea, IdeaVote, Status
from ideas.services import merge_idea, set_idea_status, vote_for_idea, withdraw_idea_vote

pytestmark = pytest.mark.django_db

NOTE = "The team has looked at this closely."


def reader(member=None) -> Client:
    client = Client()
    if member is not None:
        client.force_login(member)
    return client


def titles(client, url="/ideas/", **query) -> list[str]:
    response = client.get(url, query)
    assert response.status_code == 200
    return re.findall(r'class="thread-title"><a href="[^"]+">([^<]+)</a>', response.content.decode())


@pytest.fixture
def propose(make_thread, ideas_category, member):
    def propose(title, *, category=None, tags=(), author=None):
        return make_thread(category=category or ideas_category, author=author or member, title=title, tags=tags)

    return propose


@pytest.fixture
def voters(make_member):
    return [make_member(f"voter{n}") for n in range(4)]


def give(thread, members):
    for member in members:
        vote_for_idea(thread=thread, member=member)


def test_every_thread_started_or_moved_into_an_ideas_category_is_an_idea(
    propose, make_thread, discussion, member, moderator, ideas_category
):
    started = propose("Scenes for the morning")
    moved = make_thread(category=discussion, author=member, title="Could the app remember my scenes")
    assert Idea.objects.filter(thread=started, status=Status.NEW, votes=0).exists()
    assert not Idea.objects.filter(thread=moved).exists()

    move_thread(thread=moved, by=moderator, category=ideas_category)
    assert Idea.objects.filter(thread=moved).exists()


def test_ideas_are_listed_by_votes_by_default(propose, voters, member):
    few, many, none = propose("A few want this"), propose("Many want this"), propose("Nobody wants this yet")
    give(few, voters[:1])
    give(many, voters[:3])

    for client in (reader(), reader(member)):
        assert titles(client) == [many.title, few.title, none.title]


def test_trending_counts_the_votes_of_the_last_thirty_days(propose, voters):
    old, fresh = propose("Loved long ago"), propose("Loved this week")
    give(old, voters[:3])
    give(fresh, voters[:1])
    IdeaVote.objects.filter(idea_id=old.pk).update(created_at=timezone.now() - timedelta(days=31))

    assert titles(reader(), sort="top") == [old.title, fresh.title]
    assert titles(reader(), sort="trending") == [fresh.title, old.title]
    page = reader().get("/ideas/", {"sort": "trending"}).content.decode()
    assert "1 vote this month" in page and "0 votes this month" in page


def test_newest_and_recently_updated(propose, other_member, make_thread):
    first, second = propose("Proposed first"), propose("Proposed second")
    assert titles(reader(), sort="newest") == [second.title, first.title]

    from forum.services import post_reply

    post_reply(thread=first, author=other_member, body="I would use this every day.")
    assert titles(reader(), sort="updated") == [first.title, second.title]


def test_filters_by_status_category_and_tag(propose, make_category, staff_member):
    hardware = make_category("hardware-ideas", name="Hardware ideas", kind=Category.Kind.IDEAS)
    planned = propose("A brighter bulb", tags=["light"])
    other = propose("A quieter fan", category=hardware, tags=["fan"])
    set_idea_status(thread=planned, by=staff_member, status=Status.PLANNED, note=NOTE)

    assert titles(reader(), status="planned") == [planned.title]
    assert titles(reader(), status="new") == [other.title]
    assert titles(reader(), category="hardware-ideas") == [other.title]
    assert titles(reader(), tag="light") == [planned.title]
    assert titles(reader(), tag="light", status="new") == []
    page = reader().get("/ideas/", {"tag": "light"}).content.decode()
    assert "Tagged #light" in page and 'href="?sort=top"' in page  # the way back to every tag


@pytest.mark.parametrize(
    "query", [{"status": "shipped"}, {"sort": "random"}, {"category": "nope"}, {"page": "x"}, {"page": "999"}]
)
def test_unknown_filters_widen_the_list_instead_of_failing(propose, query):
    idea = propose("Scenes for the evening")
    assert titles(reader(), **query) == [idea.title]


def test_staff_only_and_hidden_ideas_are_shown_only_to_those_who_may_read_them(
    propose, staff_ideas, staff_member, moderator, member, other_member
):
    public = propose("Out in the open")
    secret = propose("Only for the team", category=staff_ideas, author=staff_member)
    hidden = propose("Hidden by moderators")
    set_idea_status(thread=secret, by=staff_member, status=Status.PLANNED, note=NOTE)
    set_post_visibility(post=Post.objects.get(thread=hidden), by=moderator, visibility=Visibility.HIDDEN)
    assert Thread.objects.get(pk=hidden.pk).visibility == Visibility.HIDDEN

    for client in (reader(), reader(other_member)):
        assert titles(client) == [public.title]
        assert titles(client, status="planned") == []
        assert titles(client, category="staff-ideas") == [public.title]  # not theirs: ignored
        assert secret.title not in client.get("/roadmap/").content.decode()
        assert "Staff ideas" not in client.get("/ideas/").content.decode()
    assert titles(reader(member)) == [public.title]  # its author: nothing more than any member
    for client in (reader(staff_member), reader(moderator)):
        assert set(titles(client)) == {public.title, secret.title}
        assert secret.title in client.get("/roadmap/").content.decode()


def test_the_list_is_paginated(settings, propose):
    settings.THREADS_PER_PAGE = 2
    for n in range(5):
        propose(f"Idea number {n}")
    assert len(titles(reader())) == 2
    assert len(titles(reader(), page=3)) == 1
    assert 'rel="next"' in reader().get("/ideas/").content.decode()


def test_a_site_without_ideas_categories_says_so(discussion):
    assert "There is no place for ideas here yet." in reader().get("/ideas/").content.decode()


def test_empty_states_say_why_the_list_is_empty(propose):
    assert "No ideas yet: be the first to propose one." in reader().get("/ideas/").content.decode()

    propose("The only idea")
    page = reader().get("/ideas/", {"status": "done"}).content.decode()
    assert "No idea matches these filters." in page


def test_members_are_offered_to_propose_and_visitors_to_log_in(ideas_category, member):
    assert f"/new/?category={ideas_category.slug}" in reader(member).get("/ideas/").content.decode()
    assert "Log in to propose an idea" in reader().get("/ideas/").content.decode()


def test_the_roadmap_shows_planned_in_progress_and_recently_done(propose, staff_member, voters):
    planned, building, done, old, declined = (
        propose(title) for title in ("Planned one", "Being built", "Finished", "Finished long ago", "Not for us")
    )
    give(planned, voters[:2])
    for thread, status in ((planned, Status.PLANNED), (building, Status.IN_PROGRESS), (done, Status.DONE)):
        set_idea_status(thread=thread, by=staff_member, status=status, note=NOTE)
    set_idea_status(thread=old, by=staff_member, status=Status.DONE, note=NOTE)
    set_idea_status(thread=declined, by=staff_member, status=Status.DECLINED, note=NOTE)
    Idea.objects.filter(thread=old).update(status_changed_at=timezone.now() - timedelta(days=120))

    page = reader().get("/roadmap/").content.decode()
    columns = re.findall(r'<section class="roadmap-column status-(\w+)".*?</section>', page, re.S)
    assert columns == ["planned", "in_progress", "done"]
    for thread in (planned, building, done):
        assert thread.title in page
    assert old.title not in page and declined.title not in page


def test_an_empty_roadmap_says_so(ideas_category):
    page = reader().get("/roadmap/").content.decode()
    assert "Nothing is planned yet." in page and "Nothing is being built right now." in page


@pytest.mark.parametrize("who", ["visitor", "member", "staff"])
@pytest.mark.parametrize("url", ["/ideas/", "/ideas/?sort=trending&tag=light", "/roadmap/"])
def test_query_counts_stay_small(propose, voters, staff_member, other_member, who, url, django_assert_max_num_queries):
    for n in range(6):
        idea = propose(f"Idea worth counting {n}", tags=["light", "app"])
        give(idea, voters[: n % 3])
        if n % 2:
            set_idea_status(thread=idea, by=staff_member, status=Status.PLANNED, note=NOTE)
    client = reader({"visitor": None, "member": other_member, "staff": staff_member}[who])
    client.get(url)  # what every page reads from the cache once (the announcement) is read
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200


def test_the_lists_speak_french(propose, staff_member):
    idea = propose("Des scènes au coucher du soleil")
    set_idea_status(thread=idea, by=staff_member, status=Status.IN_PROGRESS, note=NOTE)
    with translation.override("fr"):
        page = reader().get("/ideas/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        roadmap = reader().get("/roadmap/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Idées" in page and "En cours" in page and "Feuille de route" in roadmap


def test_the_migration_gives_existing_idea_threads_their_row(propose, make_thread, discussion, member):
    """Threads that were in an ideas category before the lists existed get their row."""
    from importlib import import_module

    from django.apps import apps

    idea = propose("Older than the lists")
    Idea.objects.filter(thread=idea).delete()
    make_thread(category=discussion, author=member, title="Not an idea")

    import_module("ideas.migrations.0003_every_idea_thread_has_a_row").add_missing_ideas(apps, None)
    assert list(Idea.objects.values_list("thread", flat=True)) == [idea.pk]
    assert titles(reader()) == [idea.title]


def test_trending_ranks_exactly_across_pages_whatever_the_bounds_say(settings, monkeypatch, propose, make_member):
    """The ranking reads bounds (Idea.recent_votes) and counts exactly only some ideas: checked
    against a count of every idea's votes, page by page, with batches small enough to need
    several, votes that aged out since their bound was counted, and ideas never voted for."""
    from ideas import selectors

    settings.THREADS_PER_PAGE = 4
    monkeypatch.setattr(selectors, "TRENDING_BATCH", 3)
    fans = [make_member(f"fan{n}") for n in range(6)]
    ideas = [propose(f"Idea to rank {n}") for n in range(14)]
    for n, idea in enumerate(ideas):
        give(idea, fans[: n % 7])
    # The most voted ideas got all their votes over a month ago: their bounds are the highest
    # and the most wrong; one idea keeps half of its votes.
    aged = [idea.pk for n, idea in enumerate(ideas) if n % 7 >= 4]
    month_ago = timezone.now() - timedelta(days=31)
    IdeaVote.objects.filter(idea_id__in=aged).update(created_at=month_ago)
    IdeaVote.objects.filter(idea_id=ideas[3].pk, member__in=fans[:1]).update(created_at=month_ago)

    since = timezone.now() - timedelta(days=30)
    expected = sorted(
        Idea.objects.all(),
        key=lambda i: (-IdeaVote.objects.filter(idea=i, created_at__gte=since).count(), -i.votes, -i.pk),
    )
    shown = []
    for number in range(1, 5):
        shown += titles(reader(), sort="trending", page=number)
    assert shown == [idea.thread.title for idea in expected]


def test_an_idea_s_bound_never_falls_below_its_votes_of_the_month(idea, other_member, carol, staff_member, propose):
    def bound_and_truth(thread):
        row = Idea.objects.get(thread=thread)
        since = timezone.now() - timedelta(days=30)
        return row.recent_votes, IdeaVote.objects.filter(idea=row, created_at__gte=since).count()

    other = propose("The same idea, said again")
    give(idea, [other_member, carol])
    give(other, [carol, staff_member])
    assert bound_and_truth(idea) == (2, 2)
    withdraw_idea_vote(thread=idea, member=carol)
    assert bound_and_truth(idea) == (1, 1)

    merge_idea(duplicate=other, into=idea, by=staff_member)
    assert bound_and_truth(idea) == (3, 3) and bound_and_truth(other) == (0, 0)
    IdeaVote.objects.update(created_at=timezone.now() - timedelta(days=31))
    bound, truth = bound_and_truth(idea)
    assert bound >= truth == 0


def test_an_ideas_category_page_lists_its_ideas_by_votes(propose, make_category, voters, member, staff_member):
    hardware = make_category("hardware-ideas", name="Hardware ideas", kind=Category.Kind.IDEAS)
    few, many = propose("A few want this"), propose("Many want this")
    elsewhere = propose("In the other category", category=hardware)
    give(few, voters[:1])
    give(many, voters[:3])
    give(elsewhere, voters)
    url = f"/c/{few.category.slug}/"

    assert titles(reader(), url) == [many.title, few.title]
    assert titles(reader(), url, sort="newest") == [many.title, few.title]
    assert titles(reader(), url, category="hardware-ideas") == [many.title, few.title]  # its own, whatever asked
    page = reader(member).get(url).content.decode()
    assert "Propose an idea" in page and 'class="category-chip"' not in page
    assert f'action="{url}"' in page


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_an_ideas_category_page_stays_small(propose, voters, other_member, who, django_assert_max_num_queries):
    for n in range(5):
        give(propose(f"Idea on its category page {n}", tags=["app"]), voters[: n % 3])
    client = reader(other_member if who == "member" else None)
    url = f"/c/{Idea.objects.first().thread.category.slug}/"
    client.get(url)
    with django_assert_max_num_queries(8):
        assert client.get(url, {"sort": "trending"}).status_code == 200


def test_a_staff_only_ideas_category_page_is_not_found_for_members(staff_ideas, propose, staff_member, other_member):
    propose("Only for the team", category=staff_ideas, author=staff_member)
    assert reader(other_member).get("/c/staff-ideas/").status_code == 404
    assert titles(reader(staff_member), "/c/staff-ideas/") == ["Only for the team"]
