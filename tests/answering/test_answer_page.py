"""/answer/: the open questions in a member's areas of expertise, best matches first, from the outside.

Expertise rows are written directly where a test is about the page (the page only reads them);
one test earns them through the forum's services, as a member would.
"""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation
from taggit.models import Tag

from forum import services
from forum.models import Category, Thread, Visibility
from reputation.models import CategoryExpertise, TagExpertise

pytestmark = pytest.mark.django_db

ANSWER = "/answer/"


def reader(member=None) -> Client:
    client = Client()
    if member is not None:
        client.force_login(member)
    return client


def knows(member, category, points, *tags):
    """`member` earned `points` answering in `category`: under each of `tags`, or in the category itself."""
    when = timezone.now()
    if not tags:
        CategoryExpertise.objects.create(member=member, category=category, points=points, last_earned_at=when)
    for name in tags:
        tag, _ = Tag.objects.get_or_create(name=name, defaults={"slug": name})
        TagExpertise.objects.create(member=member, category=category, tag=tag, points=points, last_earned_at=when)


def titles(client, **query) -> list[str]:
    response = client.get(ANSWER, query)
    assert response.status_code == 200
    return re.findall(r'class="thread-title"><a href="[^"]+">([^<]+)</a>', response.content.decode())


@pytest.fixture
def setup_category(make_category):
    return make_category("setup", name="Setup", kind=Category.Kind.QUESTIONS, position=3)


@pytest.fixture
def ask(make_thread, questions, member):
    """Alice asks in Help unless told otherwise; `ago` moves the question back in time."""

    def ask(title, *, tags=(), category=None, author=None, ago=None):
        thread = make_thread(category=category or questions, author=author or member, title=title, tags=tags)
        if ago is not None:
            Thread.objects.filter(pk=thread.pk).update(created_at=timezone.now() - ago)
        return thread

    return ask


@pytest.fixture
def bruno_knows_wifi(other_member, questions):
    """Bruno answered about the wifi (30) and the halo lamp (10) in Help, and has 5 points in Help itself."""
    knows(other_member, questions, 30, "wifi")
    knows(other_member, questions, 10, "halo")
    knows(other_member, questions, 5)
    return other_member


# Who may see the page ---------------------------------------------------------------------------------


def test_a_visitor_is_sent_to_log_in(client):
    response = client.get(ANSWER)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/answer/"


def test_the_page_only_reads(bruno_knows_wifi):
    assert reader(bruno_knows_wifi).post(ANSWER).status_code == 405


# What is listed, in what order ------------------------------------------------------------------------


def test_questions_are_ranked_by_the_members_points_in_their_tags_plus_in_their_category(
    ask, bruno_knows_wifi, setup_category
):
    ask("Plain question in Help", ago=timedelta(hours=1))  # 5: the category only
    ask("Halo lamp blinks", tags=["halo"], ago=timedelta(hours=2))  # 10 + 5
    ask("Wifi and halo together", tags=["wifi", "halo"], ago=timedelta(hours=3))  # 30 + 10 + 5
    ask("Wifi in another category", tags=["wifi"], category=setup_category, ago=timedelta(hours=4))  # 30
    ask("Wifi keeps dropping", tags=["wifi"], ago=timedelta(hours=5))  # 30 + 5
    ask("Zigbee pairing", tags=["zigbee"], category=setup_category)  # nothing he knows

    assert titles(reader(bruno_knows_wifi)) == [
        "Wifi and halo together",
        "Wifi keeps dropping",
        "Wifi in another category",
        "Halo lamp blinks",
        "Plain question in Help",
    ]


def test_equal_matches_are_listed_newest_first(ask, other_member, questions):
    knows(other_member, questions, 10, "wifi")
    ask("Older wifi question", tags=["wifi"], ago=timedelta(days=2))
    ask("Newer wifi question", tags=["wifi"], ago=timedelta(hours=2))

    assert titles(reader(other_member)) == ["Newer wifi question", "Older wifi question"]


def test_only_open_questions_that_nobody_but_the_asker_replied_to_are_listed(
    ask, make_thread, bruno_knows_wifi, member, carol, moderator, discussion
):
    ask("Still open", tags=["wifi"], ago=timedelta(hours=1))
    answered = ask("Answered by Carol", tags=["wifi"])
    services.post_reply(thread=answered, author=carol, body="Restart the router first.")
    bumped = ask("Bumped by its asker", tags=["wifi"])
    services.post_reply(thread=bumped, author=member, body="Still broken, anyone?")
    locked = ask("Locked question", tags=["wifi"])
    services.lock_thread(thread=locked, by=moderator)
    hidden = ask("Hidden question", tags=["wifi"])
    services.set_post_visibility(
        post=hidden.posts.get(is_opening=True), by=moderator, visibility=Visibility.HIDDEN, reason="spam"
    )
    make_thread(category=discussion, author=member, title="A wifi discussion", tags=["wifi"])

    assert titles(reader(bruno_knows_wifi)) == ["Bumped by its asker", "Still open"]


def test_the_askers_own_follow_up_does_not_answer_the_question(ask, bruno_knows_wifi, member, carol, moderator):
    question = ask("Wifi drops at night", tags=["wifi"])
    services.post_reply(thread=question, author=member, body="It happens at 2 am, if that helps.")
    assert titles(reader(bruno_knows_wifi)) == ["Wifi drops at night"]

    hidden = services.post_reply(thread=question, author=carol, body="Buy a better lamp.")
    services.set_post_visibility(post=hidden, by=moderator, visibility=Visibility.HIDDEN, reason="Not helpful.")
    assert titles(reader(bruno_knows_wifi)) == ["Wifi drops at night"]

    services.post_reply(thread=question, author=carol, body="Turn off the power saving.")
    assert titles(reader(bruno_knows_wifi)) == []


def test_the_members_own_questions_are_not_listed(ask, bruno_knows_wifi, member):
    ask("Bruno asks about his own wifi", tags=["wifi"], author=bruno_knows_wifi)
    ask("Alice asks about her wifi", tags=["wifi"], author=member)

    assert titles(reader(bruno_knows_wifi)) == ["Alice asks about her wifi"]


def test_a_question_leaves_the_list_once_someone_replies(ask, bruno_knows_wifi, carol):
    question = ask("Wifi drops at night", tags=["wifi"])
    assert titles(reader(bruno_knows_wifi)) == ["Wifi drops at night"]

    services.post_reply(thread=question, author=carol, body="Turn off the power saving.")

    assert titles(reader(bruno_knows_wifi)) == []


def test_expertise_earned_through_the_services_brings_new_questions(ask, other_member, carol, member):
    first = ask("First wifi question", tags=["wifi"])
    answer = services.post_reply(thread=first, author=other_member, body="Move the lamp closer to the router.")
    services.cast_vote(post=answer, voter=carol)
    assert titles(reader(other_member)) == []  # the one he answered has a reply now

    ask("Second wifi question", tags=["wifi"], author=carol)

    assert titles(reader(other_member)) == ["Second wifi question"]


def test_the_page_is_each_members_own_even_with_the_page_cache_on(settings, ask, bruno_knows_wifi, carol, questions):
    settings.PAGE_CACHE = True
    knows(carol, questions, 10, "halo")
    ask("Wifi drops at night", tags=["wifi"])
    ask("Halo lamp blinks", tags=["halo"])

    brunos, carols = reader(bruno_knows_wifi).get(ANSWER), reader(carol).get(ANSWER)

    assert "X-Page-Cache" not in carols
    assert titles(reader(bruno_knows_wifi))[0] == "Wifi drops at night"
    assert titles(reader(carol)) == ["Halo lamp blinks"]
    assert "You know #wifi" in brunos.content.decode() and "You know #wifi" not in carols.content.decode()


# What each row shows ----------------------------------------------------------------------------------


def test_a_row_shows_its_category_its_tags_with_the_known_ones_marked_and_why_it_matched(ask, bruno_knows_wifi, member):
    ask("Wifi and zigbee", tags=["wifi", "zigbee", "halo"])

    html = reader(bruno_knows_wifi).get(ANSWER).content.decode()

    assert '<a class="category-chip" href="/c/help/">Help</a>' in html
    assert '<a class="tag tag-known" href="/tags/wifi/">#wifi</a>' in html
    assert '<a class="tag tag-known" href="/tags/halo/">#halo</a>' in html
    assert '<a class="tag" href="/tags/zigbee/">#zigbee</a>' in html
    assert "<span>You know #wifi, #halo</span>" in html  # best known first
    assert "<span>You have answered in Help</span>" in html
    assert "Alice Martin asked" in html and "<time" in html
    assert "<dt>Replies</dt><dd>0</dd>" in html


def test_the_head_names_the_tags_the_member_knows_best(bruno_knows_wifi):
    html = reader(bruno_knows_wifi).get(ANSWER).content.decode()

    assert re.search(r'You know about:\s*<a class="tag tag-known" href="/tags/wifi/">#wifi</a>', html)
    assert html.index("#wifi</a>") < html.index("#halo</a>")


# Empty states -----------------------------------------------------------------------------------------


def test_a_member_without_expertise_is_told_how_to_get_some_and_where_to_start(
    ask, member, other_member, setup_category, staff_questions
):
    ask("Wifi drops at night", tags=["wifi"])

    html = reader(other_member).get(ANSWER).content.decode()

    assert "You have no areas of expertise yet." in html
    assert '<a href="/c/help/?filter=unanswered">Unanswered questions in Help</a>' in html
    assert '<a href="/c/setup/?filter=unanswered">Unanswered questions in Setup</a>' in html
    assert "staff-questions" not in html
    assert 'href="/">See the latest threads</a>' in html
    assert "Wifi drops at night" not in html


def test_a_member_whose_areas_have_no_open_question_is_told_so(bruno_knows_wifi):
    html = reader(bruno_knows_wifi).get(ANSWER).content.decode()

    assert "No open question in your areas right now." in html
    assert "Unanswered questions in Help" in html


# Staff-only categories --------------------------------------------------------------------------------


@pytest.fixture
def staff_question(ask, staff_questions, staff_member):
    return ask("Internal wifi rollout", tags=["wifi"], category=staff_questions, author=staff_member)


def test_a_staff_only_question_never_reaches_a_member(ask, staff_question, bruno_knows_wifi, staff_questions):
    knows(bruno_knows_wifi, staff_questions, 50)  # earned there before the category was closed
    ask("Public wifi question", tags=["wifi"])

    html = reader(bruno_knows_wifi).get(ANSWER).content.decode()

    assert "Public wifi question" in html
    assert "Internal wifi rollout" not in html
    assert "Staff questions" not in html


@pytest.mark.parametrize("viewer", ["moderator", "admin_member", "colleague"])
def test_staff_and_moderators_see_staff_only_questions_in_their_areas(
    request, make_member, staff_question, questions, viewer
):
    if viewer == "colleague":
        member = make_member("yann", staff=True, title="Acme Support")
    else:
        member = request.getfixturevalue(viewer)
    knows(member, questions, 10, "wifi")

    assert titles(reader(member)) == ["Internal wifi rollout"]


def test_expertise_earned_in_a_staff_only_category_counts_only_for_who_may_read_it(
    ask, member, other_member, staff_questions, moderator
):
    knows(other_member, staff_questions, 40, "secret-project")
    knows(moderator, staff_questions, 40, "secret-project")
    ask("Public question on the secret project", tags=["secret-project"])

    member_page = reader(other_member).get(ANSWER).content.decode()
    assert "You have no areas of expertise yet." in member_page
    assert "Public question on the secret project" not in member_page
    assert titles(reader(moderator)) == ["Public question on the secret project"]


# Pages and queries ------------------------------------------------------------------------------------


@pytest.fixture
def many_questions(ask, bruno_knows_wifi):
    def add(count, start=0):
        for n in range(start, start + count):
            ask(f"Wifi question number {n:02}", tags=["wifi", f"room-{n}"], ago=timedelta(minutes=n + 1))

    return add


def test_the_list_is_paginated_by_twenty(many_questions, bruno_knows_wifi):
    many_questions(25)
    client = reader(bruno_knows_wifi)

    first, second = titles(client), titles(client, page=2)

    assert first == [f"Wifi question number {n:02}" for n in range(20)]
    assert second == [f"Wifi question number {n:02}" for n in range(20, 25)]
    assert 'href="?page=2" rel="next"' in client.get(ANSWER).content.decode()
    assert titles(client, page="nonsense") == first
    assert titles(client, page="999") == second


def test_the_page_costs_the_same_few_queries_however_many_questions(
    many_questions, bruno_knows_wifi, django_assert_max_num_queries
):
    client = reader(bruno_knows_wifi)
    many_questions(3)
    client.get(ANSWER)  # the first request caches what every page reads once (no announcement)

    def count(**query):
        # The session and the member, the unread count in the header; the member's areas, the
        # ranked keys, the page's threads and their tags.
        with django_assert_max_num_queries(8) as queries:
            assert client.get(ANSWER, query).status_code == 200
        return len(queries)

    few = count()
    many_questions(30, start=3)
    assert count() == few
    assert count(page=2) == few


def test_the_empty_page_costs_as_few_queries(other_member, ask, django_assert_max_num_queries):
    client = reader(other_member)
    client.get(ANSWER)
    ask("Wifi drops at night", tags=["wifi"])

    with django_assert_max_num_queries(6):
        client.get(ANSWER)


# Ways in ----------------------------------------------------------------------------------------------


def test_the_member_menu_links_to_the_page(member):
    assert '<a href="/answer/">Questions for you</a>' in reader(member).get("/").content.decode()


def test_ones_own_knows_about_line_links_to_the_page_and_no_one_elses(ask, other_member, member, carol):
    question = ask("Wifi drops at night", tags=["wifi"])
    answer = services.post_reply(thread=question, author=other_member, body="Move it closer to the router.")
    services.cast_vote(post=answer, voter=carol)
    link = '<a href="/answer/">Open questions you could answer</a>'

    own = reader(other_member).get(f"/u/{other_member.username}/").content.decode()
    someone_elses = reader(member).get(f"/u/{other_member.username}/").content.decode()

    assert "Knows about:" in own and link in own
    assert "Knows about:" in someone_elses and link not in someone_elses


def test_the_page_is_in_french_for_french_readers(bruno_knows_wifi, ask):
    ask("Wifi drops at night", tags=["wifi"])

    with translation.override("fr"):  # the request activates French: back to English afterwards
        html = reader(bruno_knows_wifi).get(ANSWER, HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Questions pour vous" in html
    assert "Vous vous y connaissez en #wifi" in html
