"""The leaderboard (/leaderboard/) and the badge pages (/badges/, /badges/<slug>/), from the outside."""

from datetime import timedelta

import pytest
from django.utils import timezone

from forum import services
from forum.models import Post, Visibility
from profiles.models import Member
from reputation import badges, selectors
from reputation.models import BadgeAward, ReputationEntry

LEADERBOARD = "/leaderboard/"


@pytest.fixture
def general(discussion):
    return discussion


@pytest.fixture
def staff_room(staff_category):
    return staff_category


def gain(member, amount, *, days_ago=0, category=None):
    """A ledger row written directly: the leaderboard only reads the ledger."""
    return ReputationEntry.objects.create(
        member=member,
        reason=ReputationEntry.Reason.REPLY_HELPFUL,
        amount=amount,
        category=category,
        created_at=timezone.now() - timedelta(days=days_ago, minutes=1),
    )


def standings(response) -> list[tuple[str, int]]:
    return [(s.member.username, s.points) for s in response.context["advocates"]]


def staff_section(response) -> list[tuple[str, int]]:
    return [(m.username, m.points) for m in response.context["board"].staff]


@pytest.fixture
def history(make_member, general, questions):
    """Four advocates whose gains fall in different periods and categories."""
    ana, ben, cleo, dina = (make_member(name) for name in ("ana", "ben", "cleo", "dina"))
    gain(ana, 10, days_ago=2, category=general)
    gain(ben, 15, days_ago=3, category=questions)
    gain(ben, 15, days_ago=20, category=questions)
    gain(cleo, 50, days_ago=200, category=general)
    gain(dina, 100, days_ago=800, category=questions)
    gain(ana, 2, days_ago=500, category=None)  # accepted an answer long ago, before categories were recorded
    return ana, ben, cleo, dina


# Periods ----------------------------------------------------------------------------------


def test_the_leaderboard_ranks_advocates_by_points_gained_in_the_last_30_days_by_default(client, history):
    response = client.get(LEADERBOARD)

    assert response.status_code == 200
    assert response.context["board"].period == "30"
    assert standings(response) == [("ben", 30), ("ana", 10)]


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("7", [("ben", 15), ("ana", 10)]),
        ("30", [("ben", 30), ("ana", 10)]),
        ("365", [("cleo", 50), ("ben", 30), ("ana", 10)]),
        ("all", [("dina", 100), ("cleo", 50), ("ben", 30), ("ana", 12)]),
    ],
)
def test_each_period_counts_only_the_points_gained_within_it(client, history, period, expected):
    response = client.get(LEADERBOARD, {"period": period})

    assert standings(response) == expected


@pytest.mark.parametrize("period", ["14", "forever", "", "7; DROP TABLE"])
def test_an_unknown_period_falls_back_to_30_days(client, history, period):
    response = client.get(LEADERBOARD, {"period": period})

    assert response.status_code == 200
    assert response.context["board"].period == "30"
    assert standings(response) == [("ben", 30), ("ana", 10)]


def test_the_period_links_keep_the_category_and_mark_the_current_period(client, history):
    response = client.get(LEADERBOARD, {"period": "7", "category": "help", "page": "1"})

    html = response.content.decode()
    assert 'href="?period=365&amp;category=help"' in html
    assert 'href="?period=7&amp;category=help" aria-current="page"' in html


def test_a_reversal_counts_against_its_period_and_a_member_left_with_nothing_is_not_listed(client, make_member):
    ana, ben = make_member("ana"), make_member("ben")
    gain(ana, 10, days_ago=40)
    gain(ana, -10, days_ago=1)  # the vote was taken back this week
    gain(ben, 10, days_ago=1)
    gain(ben, -10, days_ago=1)

    assert standings(client.get(LEADERBOARD, {"period": "all"})) == []
    assert standings(client.get(LEADERBOARD, {"period": "7"})) == []


def test_points_earned_through_the_services_reach_the_leaderboard(client, questions, member, other_member):
    thread = services.start_thread(category=questions, author=member, title="Printer offline", body="Help")
    reply = services.post_reply(thread=thread, author=other_member, body="Restart the spooler.")
    services.cast_vote(post=reply, voter=member)
    services.accept_answer(post=reply, by=member)

    assert standings(client.get(LEADERBOARD, {"period": "7"})) == [("bruno", 25), ("alice", 2)]
    assert standings(client.get(LEADERBOARD, {"period": "7", "category": "help"})) == [("bruno", 25), ("alice", 2)]


def test_a_period_is_the_last_n_calendar_days_today_included(client, make_member):
    first_midnight = selectors.period_start(7, now=timezone.now())
    on_time, too_early = make_member("ines"), make_member("wendy")
    gain(on_time, 10, days_ago=0)
    ReputationEntry.objects.filter(member=on_time).update(created_at=first_midnight)
    gain(too_early, 20, days_ago=0)
    ReputationEntry.objects.filter(member=too_early).update(created_at=first_midnight - timedelta(minutes=1))

    assert standings(client.get(LEADERBOARD, {"period": "7"})) == [("ines", 10)]
    assert timezone.localtime(first_midnight).date() == timezone.localdate() - timedelta(days=6)
    assert timezone.localtime(first_midnight).time().isoformat() == "00:00:00"


def test_advocates_with_the_same_points_are_ranked_by_username(client, make_member):
    for name in ("zoe", "adam", "mila"):
        gain(make_member(name), 10, days_ago=1)

    assert standings(client.get(LEADERBOARD)) == [("adam", 10), ("mila", 10), ("zoe", 10)]


def test_inactive_members_are_not_listed(client, history):
    Member.objects.filter(username="ben").update(is_active=False)

    assert standings(client.get(LEADERBOARD)) == [("ana", 10)]


# Categories -------------------------------------------------------------------------------


def test_the_category_filter_counts_only_points_earned_in_that_category(client, history):
    assert standings(client.get(LEADERBOARD, {"period": "all", "category": "general"})) == [("cleo", 50), ("ana", 10)]
    assert standings(client.get(LEADERBOARD, {"period": "all", "category": "help"})) == [("dina", 100), ("ben", 30)]


def test_an_empty_category_value_means_every_category(client, history):
    response = client.get(LEADERBOARD, {"period": "30", "category": ""})

    assert response.context["board"].category is None
    assert standings(response) == [("ben", 30), ("ana", 10)]


def test_an_unknown_category_answers_404(client, history):
    assert client.get(LEADERBOARD, {"category": "nowhere"}).status_code == 404


@pytest.fixture
def staff_room_history(history, staff_room):
    ana = history[0]
    gain(ana, 40, days_ago=1, category=staff_room)  # a reply ana wrote before the category was closed
    return ana


@pytest.mark.parametrize("viewer", [None, "member"])
def test_a_staff_only_category_is_hidden_from_visitors_and_members(client, request, staff_room_history, viewer):
    if viewer:
        client.force_login(request.getfixturevalue(viewer))

    response = client.get(LEADERBOARD)

    assert "staff-room" not in response.content.decode()
    assert [c.slug for c in response.context["board"].categories] == ["general", "help"]
    assert client.get(LEADERBOARD, {"category": "staff-room"}).status_code == 404


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        (None, [("ben", 30), ("ana", 10)]),
        ("member", [("ben", 30), ("ana", 10)]),
        ("staff_member", [("ana", 50), ("ben", 30)]),
        ("moderator", [("ana", 50), ("ben", 30)]),
    ],
)
def test_points_earned_in_a_category_the_viewer_cannot_read_do_not_count(
    client, request, staff_room_history, viewer, expected
):
    if viewer:
        client.force_login(request.getfixturevalue(viewer))

    assert standings(client.get(LEADERBOARD)) == expected


@pytest.mark.parametrize("viewer", ["staff_member", "moderator", "admin_member"])
def test_a_staff_only_category_is_offered_to_staff_moderators_and_admins(client, request, staff_room_history, viewer):
    client.force_login(request.getfixturevalue(viewer))

    response = client.get(LEADERBOARD, {"category": "staff-room"})

    assert response.status_code == 200
    assert '<option value="staff-room" selected>Staff room (staff only)</option>' in response.content.decode()
    assert standings(response) == [("ana", 40)]


# Staff ------------------------------------------------------------------------------------


def test_staff_are_listed_apart_with_their_gains_and_never_ranked_among_advocates(
    client, history, staff_member, admin_member, moderator
):
    gain(staff_member, 500, days_ago=1)
    gain(admin_member, 5, days_ago=1)
    gain(moderator, 20, days_ago=1)

    response = client.get(LEADERBOARD)

    assert standings(response) == [("ben", 30), ("marc", 20), ("ana", 10)]  # moderators are members too
    assert staff_section(response) == [("sophie", 500), ("root", 5)]
    html = response.content.decode()
    assert html.index("Top advocates") < html.index(">Staff<") < html.index("Sophie Durand")


def test_staff_without_gains_in_the_period_are_still_listed_with_zero(client, history, staff_member):
    gain(staff_member, 30, days_ago=100)

    assert staff_section(client.get(LEADERBOARD)) == [("sophie", 0)]
    assert staff_section(client.get(LEADERBOARD, {"period": "365"})) == [("sophie", 30)]
    assert staff_section(client.get(LEADERBOARD, {"period": "365", "category": "help"})) == [("sophie", 0)]


# What a row shows, pages, empty states ----------------------------------------------------


def test_a_row_shows_the_rank_avatar_name_flair_points_and_badge_counts(client, make_member):
    advocate = make_member("vera", display_name="Vera Núñez", moderator=True)
    Member.objects.filter(pk=advocate.pk).update(gold_badges=1, silver_badges=2, bronze_badges=3)
    gain(advocate, 42, days_ago=1)

    html = client.get(LEADERBOARD).content.decode()

    assert '<span class="standing-rank"><span class="visually-hidden">Rank </span>1</span>' in html
    assert 'class="avatar avatar-md avatar-initials"' in html
    assert 'href="/u/vera/">Vera Núñez</a>' in html
    assert '<span class="flair flair-mod">Moderator</span>' in html
    assert "<strong>+42</strong>" in html
    for tier, count in (("gold", 1), ("silver", 2), ("bronze", 3)):
        assert f'<span class="medal medal-{tier}" title="{tier.title()} badges">{count}' in html


def test_the_leaderboard_is_paginated_by_25_and_ranks_continue_on_the_next_page(client, db):
    members = Member.objects.bulk_create([Member(username=f"helper{i:02}") for i in range(30)])
    ReputationEntry.objects.bulk_create(
        ReputationEntry(member=m, reason="reply_helpful", amount=100 - i) for i, m in enumerate(members)
    )

    first, second = client.get(LEADERBOARD), client.get(LEADERBOARD, {"page": 2})

    assert [s.rank for s in first.context["advocates"]] == list(range(1, 26))
    assert [(s.rank, s.member.username, s.points) for s in second.context["advocates"]][:2] == [
        (26, "helper25", 75),
        (27, "helper26", 74),
    ]
    assert len(second.context["advocates"]) == 5
    assert 'href="?page=2" rel="next"' in first.content.decode()
    assert client.get(LEADERBOARD, {"page": "nonsense"}).status_code == 200


def test_an_empty_leaderboard_says_so(client, db):
    response = client.get(LEADERBOARD)

    assert response.status_code == 200
    assert "Nobody has gained reputation here in this period." in response.content.decode()
    assert "Nobody has gained reputation here yet." in client.get(LEADERBOARD, {"period": "all"}).content.decode()


def test_the_main_navigation_links_to_the_leaderboard_and_the_badges(client, db):
    html = client.get(LEADERBOARD).content.decode()

    assert '<a href="/leaderboard/" aria-current="page">Leaderboard</a>' in html
    assert '<a href="/badges/">Badges</a>' in html


@pytest.mark.parametrize("viewer", [None, "member", "staff_member"])
def test_the_leaderboard_takes_the_same_few_queries_however_many_members(
    client, request, django_assert_max_num_queries, general, staff_room, make_member, viewer
):
    if viewer:
        client.force_login(request.getfixturevalue(viewer))
    for i in range(5):
        make_member(f"staff{i}", staff=True, title="Acme Support")
    members = Member.objects.bulk_create([Member(username=f"helper{i:02}", display_name=f"H {i}") for i in range(60)])
    ReputationEntry.objects.bulk_create(
        ReputationEntry(member=m, reason="reply_helpful", amount=10 + i, category=general)
        for i, m in enumerate(members)
    )

    with django_assert_max_num_queries(10):
        response = client.get(LEADERBOARD, {"period": "7", "category": "general", "page": 2})

    assert len(response.context["advocates"]) == 25
    with django_assert_max_num_queries(10):
        client.get(LEADERBOARD, {"period": "all"})


# /badges/ ---------------------------------------------------------------------------------


@pytest.fixture
def reply(questions, member, other_member):
    thread = services.start_thread(category=questions, author=member, title="Wi-Fi drops at night", body="Why?")
    return services.post_reply(thread=thread, author=other_member, body="Check the power-saving setting.")


def test_the_catalogue_lists_every_badge_grouped_by_family_advocates_first(client, db):
    response = client.get("/badges/")

    families = response.context["families"]
    assert [f.slug for f in families] == ["advocate", "participation"]
    listed = [s.badge.slug for f in families for s in f.badges]
    assert sorted(listed) == sorted(b.slug for b in badges.CATALOGUE)
    html = response.content.decode()
    assert html.index("Advocates") < html.index("Participation")
    assert 'href="/badges/guru/">Guru</a>' in html
    assert "50 accepted answers on others&#x27; questions." in html


def test_the_catalogue_shows_how_many_members_hold_each_badge(client, reply, member, other_member, make_member):
    services.cast_vote(post=reply, voter=member)  # alice: supporter; bruno: helpful
    services.cast_vote(post=reply, voter=make_member())  # a second supporter
    second = services.post_reply(thread=reply.thread, author=other_member, body="Or move the router.")
    BadgeAward.objects.create(member=other_member, badge="good-answer", post=reply)
    BadgeAward.objects.create(member=other_member, badge="good-answer", post=second)

    response = client.get("/badges/")

    counts = {s.badge.slug: (s.holders, s.awards) for f in response.context["families"] for s in f.badges}
    assert counts["supporter"] == (2, 2)
    assert counts["helpful"] == (1, 1)
    assert counts["good-answer"] == (1, 2)  # one member, two posts
    assert counts["guru"] == (0, 0)
    html = response.content.decode()
    assert "2 members hold it" in html
    assert "1 member holds it · awarded 2 times" in html


def test_the_catalogue_counts_every_badge_in_one_query_whatever_the_number_of_awards(
    client, member, django_assert_max_num_queries, db
):
    client.force_login(member)
    members = Member.objects.bulk_create([Member(username=f"holder{i}") for i in range(40)])
    BadgeAward.objects.bulk_create(BadgeAward(member=m, badge=b) for m in members for b in ("supporter", "solver"))

    with django_assert_max_num_queries(10) as queries:
        response = client.get("/badges/")

    assert response.status_code == 200
    assert len([q for q in queries.captured_queries if "profiles_badgeaward" in q["sql"]]) == 1


# /badges/<slug>/ --------------------------------------------------------------------------


def test_a_badge_page_lists_its_holders_newest_first_with_the_date(client, make_member):
    now = timezone.now()
    for name, days in (("old", 30), ("new", 1), ("mid", 10)):
        BadgeAward.objects.create(member=make_member(name), badge="supporter", awarded_at=now - timedelta(days=days))

    response = client.get("/badges/supporter/")

    assert response.status_code == 200
    assert [a.member.username for a in response.context["holders"]] == ["new", "mid", "old"]
    html = response.content.decode()
    assert "Supporter" in html and "Marked a first post helpful." in html
    assert "Awarded 3 times." in html
    assert html.count("<time datetime=") == 3


def test_a_badge_page_is_paginated(client, db):
    members = Member.objects.bulk_create([Member(username=f"holder{i:02}") for i in range(35)])
    BadgeAward.objects.bulk_create(BadgeAward(member=m, badge="supporter") for m in members)

    assert len(client.get("/badges/supporter/").context["holders"]) == selectors.HOLDERS_PER_PAGE
    assert len(client.get("/badges/supporter/", {"page": 2}).context["holders"]) == 5


def test_a_badge_nobody_holds_says_so(client, db):
    response = client.get("/badges/guru/")

    assert response.status_code == 200
    assert "Nobody holds this badge yet." in response.content.decode()


def test_an_unknown_badge_answers_404(client, db):
    assert client.get("/badges/unknown/").status_code == 404


@pytest.fixture
def per_post_awards(reply, staff_room, other_member, staff_member):
    """good-answer for a public reply, a reply in the staff room, and a reply hidden by moderators."""
    thread = services.start_thread(category=staff_room, author=staff_member, title="Internal note", body="Psst")
    secret = Post.objects.create(thread=thread, author=other_member, body="x", body_html="<p>x</p>")
    hidden = Post.objects.create(
        thread=reply.thread, author=other_member, body="y", body_html="<p>y</p>", visibility=Visibility.HIDDEN
    )
    for post in (reply, secret, hidden):
        BadgeAward.objects.create(member=other_member, badge="good-answer", post=post)
    return reply, secret, hidden


@pytest.mark.parametrize(
    ("viewer", "linked"),
    [
        (None, {"reply"}),
        ("member", {"reply"}),
        ("other_member", {"reply", "hidden"}),  # the author still sees their own hidden post
        ("staff_member", {"reply", "secret"}),
        ("moderator", {"reply", "secret", "hidden"}),
    ],
)
def test_a_per_post_badge_links_to_the_post_only_when_the_viewer_can_read_it(
    client, request, per_post_awards, viewer, linked
):
    if viewer:
        client.force_login(request.getfixturevalue(viewer))
    posts = dict(zip(("reply", "secret", "hidden"), per_post_awards, strict=True))

    response = client.get("/badges/good-answer/")

    html = response.content.decode()
    assert {name for name, post in posts.items() if f'href="/p/{post.pk}/"' in html} == linked
    assert "Internal note" not in html or "secret" in linked
    assert html.count('class="holder"') == 3  # the holder is listed either way


def test_a_badge_page_takes_the_same_few_queries_however_many_holders(
    client, staff_member, questions, django_assert_max_num_queries
):
    client.force_login(staff_member)
    thread = services.start_thread(category=questions, author=staff_member, title="Many answers", body="?")
    members = Member.objects.bulk_create([Member(username=f"holder{i}") for i in range(40)])
    posts = Post.objects.bulk_create(Post(thread=thread, author=m, body="z", body_html="<p>z</p>") for m in members)
    BadgeAward.objects.bulk_create(
        BadgeAward(member=m, badge="good-answer", post=p) for m, p in zip(members, posts, strict=True)
    )

    with django_assert_max_num_queries(10):
        response = client.get("/badges/good-answer/")

    assert len(response.context["holders"]) == selectors.HOLDERS_PER_PAGE
    assert response.content.decode().count("Many answers") == selectors.HOLDERS_PER_PAGE
