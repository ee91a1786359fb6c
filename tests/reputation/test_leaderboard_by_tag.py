"""/leaderboard/?tag=<slug>: members ranked by their expertise under a tag, in the categories the
reader may read, with a picker of the most used tags; from the outside.

Expertise rows are written directly: the leaderboard only reads them.
"""

import pytest
from django.test import Client
from django.utils import timezone
from taggit.models import Tag

from forum.models import Thread
from profiles.models import Member
from reputation.models import TagExpertise

LEADERBOARD = "/leaderboard/"


def knows(member, category, tag_name, points):
    tag, _ = Tag.objects.get_or_create(name=tag_name, defaults={"slug": tag_name})
    TagExpertise.objects.create(member=member, category=category, tag=tag, points=points, last_earned_at=timezone.now())


def reader(request, viewer=None) -> Client:
    client = Client()
    if viewer:
        client.force_login(request.getfixturevalue(viewer))
    return client


def standings(response) -> list[tuple[str, int]]:
    assert response.status_code == 200
    return [(s.member.username, s.points) for s in response.context["advocates"]]


@pytest.fixture
def tagged_threads(make_thread, discussion, questions, staff_category, member, staff_member):
    """#wifi on three threads, #halo on two, #zigbee on one; #roadmap only in the staff room."""
    for tags in (["wifi", "halo"], ["wifi"], ["wifi", "zigbee"]):
        make_thread(category=questions, author=member, tags=tags)
    make_thread(category=discussion, author=member, tags=["halo"])
    make_thread(category=staff_category, author=staff_member, tags=["roadmap", "wifi"])


@pytest.fixture
def experts(make_member, tagged_threads, discussion, questions, staff_category, staff_member):
    ana, ben, cleo, dina, gone = (make_member(name) for name in ("ana", "ben", "cleo", "dina", "gone"))
    knows(ana, questions, "wifi", 30)
    knows(ana, discussion, "wifi", 10)  # summed across categories: 40
    knows(ben, questions, "wifi", 35)
    knows(cleo, questions, "halo", 50)  # knows another tag only
    knows(dina, staff_category, "wifi", 60)  # earned in the staff room
    knows(dina, questions, "wifi", 5)
    knows(gone, questions, "wifi", 99)
    Member.objects.filter(pk=gone.pk).update(is_active=False)
    knows(staff_member, questions, "wifi", 100)
    knows(staff_member, staff_category, "roadmap", 20)
    return ana, ben, cleo, dina


def test_a_tag_ranks_advocates_by_their_expertise_under_it_summed_across_categories(client, experts):
    response = client.get(LEADERBOARD, {"tag": "wifi"})

    assert standings(response) == [("ana", 40), ("ben", 35), ("dina", 5)]
    assert [(m.username, m.points) for m in response.context["board"].staff] == [("sophie", 100)]
    html = response.content.decode()
    assert "Members who know #wifi best" in html
    assert "Expertise counts every answer, of all time." in html


def test_the_period_does_not_apply_to_a_tag(client, experts):
    assert standings(client.get(LEADERBOARD, {"tag": "wifi", "period": "7"})) == [
        ("ana", 40),
        ("ben", 35),
        ("dina", 5),
    ]


def test_a_tag_and_a_category_count_only_that_categorys_points(client, experts):
    response = client.get(LEADERBOARD, {"tag": "wifi", "category": "general"})

    assert standings(response) == [("ana", 10)]
    assert '<input type="hidden" name="tag" value="wifi">' in response.content.decode()


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        (None, [("ana", 40), ("ben", 35), ("dina", 5)]),
        ("member", [("ana", 40), ("ben", 35), ("dina", 5)]),
        ("staff_member", [("dina", 65), ("ana", 40), ("ben", 35)]),
        ("moderator", [("dina", 65), ("ana", 40), ("ben", 35)]),
    ],
)
def test_expertise_earned_in_a_staff_only_category_shows_only_to_who_may_read_it(request, experts, viewer, expected):
    assert standings(reader(request, viewer).get(LEADERBOARD, {"tag": "wifi"})) == expected


@pytest.mark.parametrize("viewer", [None, "member"])
def test_a_tag_used_only_in_a_staff_only_category_is_neither_offered_nor_shown(request, experts, viewer):
    client = reader(request, viewer)

    assert "#roadmap" not in client.get(LEADERBOARD).content.decode()
    assert client.get(LEADERBOARD, {"tag": "roadmap"}).status_code == 404


@pytest.mark.parametrize("viewer", ["staff_member", "moderator"])
def test_staff_and_moderators_may_rank_by_a_staff_only_tag(request, experts, viewer):
    response = reader(request, viewer).get(LEADERBOARD, {"tag": "roadmap"})

    assert response.status_code == 200
    assert [(m.username, m.points) for m in response.context["board"].staff] == [("sophie", 20)]


@pytest.mark.parametrize("tag", ["nowhere", "x" * 300, "wifi ", "../wifi", "%E2%9C%93"])
def test_an_unknown_tag_answers_404(client, experts, tag):
    assert client.get(LEADERBOARD, {"tag": tag}).status_code == 404


def test_an_empty_tag_value_means_the_reputation_ranking(client, experts):
    response = client.get(LEADERBOARD, {"tag": ""})

    assert response.status_code == 200
    assert response.context["board"].tag is None


def test_a_tag_nobody_has_points_under_says_so(client, experts):
    response = client.get(LEADERBOARD, {"tag": "zigbee"})

    assert standings(response) == []
    assert "Nobody has earned points answering questions tagged #zigbee here yet." in response.content.decode()


def test_the_picker_offers_the_most_used_tags_and_marks_the_current_one(client, experts):
    html = client.get(LEADERBOARD, {"tag": "halo", "category": "help"}).content.decode()

    picker = html[html.index('<nav class="tag-picker"') :]
    picker = picker[: picker.index("</nav>")]
    assert picker.index("#wifi") < picker.index("#halo") < picker.index("#zigbee")  # 3, 2 and 1 threads
    assert '<a class="tag" href="?tag=halo&amp;category=help" aria-current="page">#halo</a>' in picker
    assert '<a class="tag" href="?tag=wifi&amp;category=help">#wifi</a>' in picker
    assert '<a class="tag" href="?category=help">Reputation</a>' in picker


def test_a_tag_less_used_than_those_offered_is_offered_while_it_is_shown(client, experts, monkeypatch):
    monkeypatch.setattr("reputation.selectors.TAGS_OFFERED", 1)

    html = client.get(LEADERBOARD, {"tag": "zigbee"}).content.decode()

    assert 'href="?tag=wifi"' in html
    assert 'aria-current="page">#zigbee</a>' in html


def test_the_reputation_ranking_is_unchanged_without_a_tag(client, experts):
    response = client.get(LEADERBOARD)

    assert response.context["board"].tag is None
    assert '<a class="tag" href="" aria-current="page">Reputation</a>' in response.content.decode()


@pytest.mark.parametrize("viewer", [None, "member", "staff_member"])
def test_the_leaderboard_by_tag_takes_the_same_few_queries_however_many_members(
    request, django_assert_max_num_queries, tagged_threads, questions, viewer
):
    client = reader(request, viewer)
    members = Member.objects.bulk_create([Member(username=f"helper{i:02}") for i in range(60)])
    for i, member in enumerate(members):
        knows(member, questions, "wifi", 10 + i)
    Thread.objects.update(created_at=timezone.now())
    client.get(LEADERBOARD)  # the first request caches what every page reads once

    # The session and the member, the unread count (for a member); the categories, the tags
    # offered, the count and the page of advocates, the staff.
    with django_assert_max_num_queries(8) as queries:
        response = client.get(LEADERBOARD, {"tag": "wifi", "page": 2})
    assert len(response.context["advocates"]) == 25
    with django_assert_max_num_queries(len(queries)):
        client.get(LEADERBOARD, {"tag": "zigbee", "category": "help"})


def test_with_the_page_cache_on_a_shared_copy_never_carries_staff_only_expertise(
    settings, request, experts, make_member
):
    settings.PAGE_CACHE = True
    staff_page = reader(request, "staff_member").get(LEADERBOARD, {"tag": "wifi"})
    first = Client()
    first.force_login(make_member("first"))
    second = Client()
    second.force_login(make_member("second"))

    rendered = first.get(LEADERBOARD, {"tag": "wifi"})
    shared = second.get(LEADERBOARD, {"tag": "wifi"})

    assert "dina" in staff_page.content.decode() and "+65" in staff_page.content.decode()
    assert shared.get("X-Page-Cache") == "hit"  # the second member was served the first one's copy
    for response in (rendered, shared):
        html = response.content.decode()
        assert "+65" not in html and "#roadmap" not in html
        assert "<strong>+5</strong>" in html  # dina, from the public category only
