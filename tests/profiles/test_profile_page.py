"""The profile page /u/<username>/: header, tabs, visibility, charts, query counts, and XSS."""

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template.defaultfilters import date as date_filter
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from contributions import tally as contributions
from forum import services as forum_services
from forum.models import Category, Post, Thread, Visibility, Vote
from profiles import charts, selectors
from profiles.models import Member
from reputation.ledger import ledger_total
from reputation.models import BadgeAward, ReputationEntry

TABS = ("summary", "activity", "badges", "reputation")
KINDS = ("threads", "replies", "accepted", "endorsed", "votes")


# HTML, parsed -------------------------------------------------------------------------------------------


@dataclass
class Element:
    tag: str
    attrs: dict
    text: str = ""


@dataclass
class Page(HTMLParser):
    """Every element of a page with its attributes, and the text directly inside it."""

    elements: list[Element] = field(default_factory=list)
    stack: list[Element] = field(default_factory=list)

    def __post_init__(self):
        HTMLParser.__init__(self, convert_charrefs=True)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.elements.append(element)
        if tag not in {"img", "br", "input", "meta", "link", "hr", "circle", "path", "line"}:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.elements.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop().tag == tag:
                break

    def handle_data(self, data):
        if self.stack:
            self.stack[-1].text += data

    def find_all(self, tag, **attrs):
        return [
            e for e in self.elements if e.tag == tag and all(e.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    def with_class(self, tag, css_class):
        return [e for e in self.elements if e.tag == tag and css_class in e.attrs.get("class", "").split()]


def parse(response) -> Page:
    page = Page()
    page.feed(response.content.decode())
    page.close()
    return page


def text_of(response) -> str:
    return response.content.decode()


def assert_no_script_injection(response):
    """No inline script but JSON-LD that parses, no on* handler, no javascript: URL anywhere."""
    page = parse(response)
    for element in page.elements:
        if element.tag == "script":
            if element.attrs.get("type") == "application/ld+json":
                json.loads(element.text)
            else:
                assert element.attrs.get("src", "").startswith("/static/"), element
        for name, value in element.attrs.items():
            assert not name.startswith("on"), f"event handler {name} on <{element.tag}>"
            assert not value.strip().lower().replace("\x00", "").startswith(("javascript:", "data:text")), (
                f"{name}={value!r} on <{element.tag}>"
            )
        assert element.tag not in {"iframe", "object", "embed", "base"}, element


# Data ---------------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_posting_limits(settings):
    """Members here post several times a second; the flood limits have their own tests."""
    settings.POSTING_LIMITS = False


@pytest.fixture
def categories(db):
    return {
        "general": Category.objects.create(slug="general", name="General", position=1),
        "help": Category.objects.create(slug="help", name="Help", kind=Category.Kind.QUESTIONS, position=2),
        "staff": Category.objects.create(
            slug="staff-room", name="Staff room", access=Category.Access.STAFF, kind=Category.Kind.QUESTIONS
        ),
    }


@pytest.fixture
def bruno(other_member):
    return other_member


@dataclass
class Story:
    """A small, realistic history written through the forum's services."""

    question: Thread
    answer: Post
    discussion: Thread
    reply: Post
    secret: Thread
    secret_reply: Post


@pytest.fixture
def story(categories, member, bruno, staff_member, make_member):
    """Alice asks, Bruno answers (accepted, endorsed, voted helpful); Bruno also answers in the staff room."""
    voter = make_member("carla")
    question = forum_services.start_thread(
        category=categories["help"],
        author=member,
        title="Lamp keeps disconnecting from Wi-Fi",
        body="It drops every night.",
        tags=["wifi", "bridge"],
    )
    answer = forum_services.post_reply(thread=question, author=bruno, body="Turn off **band steering** on the router.")
    forum_services.cast_vote(post=answer, voter=member)
    forum_services.cast_vote(post=answer, voter=voter)
    forum_services.accept_answer(post=answer, by=member)
    forum_services.endorse_reply(post=answer, by=staff_member)
    discussion = forum_services.start_thread(
        category=categories["general"], author=bruno, title="Show us your living room setup", body="Mine has six lamps."
    )
    reply = forum_services.post_reply(thread=discussion, author=bruno, body="Forgot the photo, here it is.")
    secret = forum_services.start_thread(
        category=categories["staff"], author=staff_member, title="Unreleased firmware rollout plan", body="Internal."
    )
    # Bruno is not staff: he could not post there himself; the row stands for a post made before a category moved.
    secret_reply = Post.objects.create(
        thread=secret, author=bruno, body="Secret answer", body_html="<p>Secret answer</p>"
    )
    forum_services.cast_vote(post=secret_reply, voter=staff_member)
    forum_services.accept_answer(post=secret_reply, by=staff_member)
    contributions.rebuild([bruno])  # the secret reply was written without the services
    return Story(question, answer, discussion, reply, secret, secret_reply)


def profile_url(member, **query):
    url = reverse("profiles:profile", args=[member.username])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def bulk_contributions(member, *, count, categories, asker, voters, endorser):
    """`count` posts by `member` written in bulk (threads, replies, accepted answers, endorsements,
    votes, the ledger and badges), spread over the last year, a third of them in the staff room."""
    now = timezone.now()
    cats = [categories["general"], categories["help"], categories["staff"]]
    asked = Thread.objects.bulk_create(
        Thread(
            category=cats[i % 3],
            title=f"Question {i} from {asker.username}",
            slug=f"question-{i}",
            author=asker,
            created_at=now - timedelta(days=380),
            last_activity_at=now,
        )
        for i in range(max(count // 8, 3))
    )
    Post.objects.bulk_create(
        Post(thread=t, author=asker, is_opening=True, body="?", body_html="<p>?</p>", created_at=t.created_at)
        for t in asked
    )
    own_count = max(count // 10, 1)
    own = Thread.objects.bulk_create(
        Thread(
            category=cats[i % 3],
            title=f"Thread {i} by {member.username}",
            slug=f"thread-{i}",
            author=member,
            created_at=now - timedelta(days=(i * 5) % 360, hours=1),
            last_activity_at=now,
        )
        for i in range(own_count)
    )
    posts = [
        Post(
            thread=t,
            author=member,
            is_opening=True,
            body="Opening",
            body_html="<p>Opening</p>",
            created_at=t.created_at,
        )
        for t in own
    ]
    posts += [
        Post(
            thread=asked[i % len(asked)],
            author=member,
            body=f"Reply {i}",
            body_html=f"<p>Reply <strong>{i}</strong></p>",
            created_at=now - timedelta(days=(i * 7) % 360, hours=i % 20),
            endorsed_by=endorser if i % 5 == 0 else None,
            endorsed_at=now if i % 5 == 0 else None,
            score=len(voters) if i % 3 == 0 else 0,
        )
        for i in range(count - own_count)
    ]
    posts = Post.objects.bulk_create(posts)
    replies = [p for p in posts if not p.is_opening]
    accepted = {}
    for post in replies:
        if post.thread.category.is_questions and post.thread_id not in accepted:
            accepted[post.thread_id] = post
    for thread_id, post in accepted.items():
        Thread.objects.filter(pk=thread_id).update(accepted_answer=post, accepted_at=post.created_at)
    voted = [p for p in replies if p.score]
    Vote.objects.bulk_create(Vote(post=p, voter=v, created_at=p.created_at) for p in voted for v in voters)
    entries = [
        ReputationEntry(
            member=member,
            reason=ReputationEntry.Reason.REPLY_HELPFUL,
            amount=10,
            post=p,
            category=p.thread.category,
            actor=v,
            created_at=p.created_at,
        )
        for p in voted
        for v in voters
    ]
    entries += [
        ReputationEntry(
            member=member,
            reason=ReputationEntry.Reason.ANSWER_ACCEPTED,
            amount=15,
            post=p,
            category=p.thread.category,
            created_at=p.created_at,
        )
        for p in accepted.values()
    ]
    ReputationEntry.objects.bulk_create(entries)
    BadgeAward.objects.bulk_create(
        [BadgeAward(member=member, badge="first-answer")]
        + [BadgeAward(member=member, badge="good-answer", post=p) for p in voted[:6]]
    )
    Member.objects.filter(pk=member.pk).update(
        reputation=sum(e.amount for e in entries), bronze_badges=1, silver_badges=6
    )
    for thread in own[:5]:
        thread.tags.add("lamps", "wifi")
    contributions.rebuild([member])  # what the services' events would have kept: counts, calendar, tags
    member.refresh_from_db()
    return posts


@pytest.fixture
def crowd(make_member, staff_member):
    return {
        "asker": make_member("asker"),
        "voters": [make_member(f"voter{i}") for i in range(3)],
        "endorser": staff_member,
    }


@pytest.fixture
def prolific(make_member, categories, crowd):
    """A member with 300 posts."""
    member = make_member("prolific", display_name="Pat Prolific")
    bulk_contributions(member, count=300, categories=categories, **crowd)
    return member


@pytest.fixture
def modest(make_member, categories, crowd):
    """A member with 10 posts, in the same shape as `prolific`."""
    member = make_member("modest", display_name="Max Modest")
    bulk_contributions(member, count=10, categories=categories, **crowd)
    return member


# The header ---------------------------------------------------------------------------------------------


def test_header_shows_name_flair_reputation_badges_member_since_and_last_seen(client, make_member):
    sophie = make_member(
        "sophie",
        display_name="Sophie Durand",
        staff=True,
        title="Acme Support",
        moderator=True,
        location="Lyon",
        website="https://example.com/sophie",
        last_seen=timezone.now() - timedelta(hours=3),
    )
    Member.objects.filter(pk=sophie.pk).update(reputation=1234, gold_badges=1, silver_badges=2, bronze_badges=3)

    response = client.get(profile_url(sophie))

    assert response.status_code == 200
    page = parse(response)
    assert page.find_all("h1", id="profile-name")[0].text == "Sophie Durand"
    html = text_of(response)
    assert "@sophie" in html
    assert "Acme Support" in html and "Moderator" in html
    assert ">1234<" in html
    medals = {e.attrs["class"].split()[-1]: e.text.strip() for e in page.with_class("a", "medal")}
    assert medals == {"medal-gold": "1", "medal-silver": "2", "medal-bronze": "3"}
    assert "Member since" in html
    assert "Last seen" in html and "3\xa0hours ago" in html
    assert "Lyon" in html
    website = page.with_class("a", "profile-website")[0]
    assert website.attrs["href"] == "https://example.com/sophie"
    assert "nofollow" in website.attrs["rel"]


def test_a_member_without_an_avatar_gets_an_initials_avatar(client, member):
    page = parse(client.get(profile_url(member)))

    initials = page.with_class("span", "avatar-initials")
    assert initials and initials[0].text == "AM"


def test_an_unknown_member_is_404(client, db):
    assert client.get("/u/nobody-here/").status_code == 404


def test_a_username_in_another_case_redirects_to_the_profile(client, member):
    response = client.get("/u/ALICE/")

    assert response.status_code == 301
    assert response["Location"] == "/u/alice/"


def test_an_unknown_tab_shows_the_summary(client, member):
    response = client.get(profile_url(member, tab="nonsense"))

    assert response.status_code == 200
    assert parse(response).find_all("a", href="?tab=summary")[0].attrs.get("aria-current") == "page"


def test_the_email_address_is_never_shown_to_others(client, member, bruno, story):
    for viewer in (None, bruno):
        if viewer:
            client.force_login(viewer)
        for tab in TABS:
            html = text_of(client.get(profile_url(member, tab=tab)))
            assert member.email not in html
            assert "alice@" not in html


def test_only_the_member_sees_the_edit_link_on_their_profile(client, member, bruno):
    edit_url = reverse("profiles:edit", args=["alice"])
    assert edit_url not in text_of(client.get(profile_url(member)))

    client.force_login(bruno)
    assert edit_url not in text_of(client.get(profile_url(member)))

    client.force_login(member)
    assert edit_url in text_of(client.get(profile_url(member)))


def test_the_member_menu_links_to_edit_profile(member_client, member):
    response = member_client.get("/")

    assert reverse("profiles:edit", args=["alice"]) in text_of(response)


# Tabs ---------------------------------------------------------------------------------------------------


def test_summary_shows_counts_best_replies_accepted_answers_top_tags_and_recent_badges(client, bruno, story):
    response = client.get(profile_url(bruno))

    assert response.status_code == 200
    html = text_of(response)
    page = parse(response)
    counts = {
        e.attrs["href"]: e.text for e in page.find_all("a") if e.attrs.get("href", "").startswith("?tab=activity&")
    }
    assert counts == {
        "?tab=activity&kind=threads": "1",
        "?tab=activity&kind=replies": "2",
        "?tab=activity&kind=accepted": "1",
        "?tab=activity&kind=endorsed": "1",
        "?tab=activity&kind=votes": "2",
    }
    assert "Lamp keeps disconnecting from Wi-Fi" in html
    assert "Accepted answer" in html
    assert "Endorsed by Acme Support" in html
    assert 'href="/tags/wifi/"' in html and 'href="/tags/bridge/"' in html
    assert "Solver" in html  # the badge for a first accepted answer
    assert "Turn off band steering on the router." in html  # the excerpt, as text


def test_summary_counts_only_what_the_visitor_can_read(client, bruno, story):
    summary = selectors.summary(bruno, AnonymousUser())

    assert summary.counts.threads == 1
    assert summary.counts.replies == 2
    assert summary.counts.accepted == 1
    assert summary.counts.endorsed == 1
    assert summary.counts.votes == 2


def test_an_empty_profile_shows_an_empty_state_on_every_tab(client, member):
    expected = {
        "summary": ["No reply marked helpful yet.", "No accepted answers yet.", "No tags yet.", "No badges yet."],
        "badges": ["No badges yet."],
        "reputation": ["No reputation yet."],
    }
    for tab, messages in expected.items():
        html = text_of(client.get(profile_url(member, tab=tab)))
        for message in messages:
            assert message in html, (tab, message)
    empty = {
        "threads": "No threads started yet.",
        "replies": "No replies yet.",
        "accepted": "No accepted answers yet.",
        "endorsed": "No endorsements received yet.",
        "votes": "No helpful votes received yet.",
    }
    for kind, message in empty.items():
        assert message in text_of(client.get(profile_url(member, tab="activity", kind=kind)))


@pytest.mark.parametrize(
    ("kind", "present", "absent"),
    [
        ("threads", ["Show us your living room setup"], ["Lamp keeps disconnecting from Wi-Fi"]),
        ("replies", ["Lamp keeps disconnecting from Wi-Fi", "Show us your living room setup"], []),
        ("accepted", ["Lamp keeps disconnecting from Wi-Fi"], ["Show us your living room setup"]),
        ("endorsed", ["Lamp keeps disconnecting from Wi-Fi"], ["Show us your living room setup"]),
        ("votes", ["Reply marked helpful:", "Lamp keeps disconnecting from Wi-Fi"], ["Show us your living room setup"]),
    ],
)
def test_activity_filters_by_kind(client, bruno, story, kind, present, absent):
    response = client.get(profile_url(bruno, tab="activity", kind=kind))

    assert response.status_code == 200
    page = parse(response)
    current = [a for a in page.find_all("a") if a.attrs.get("aria-current") == "page"]
    assert {a.attrs["href"] for a in current} == {"?tab=activity", f"?tab=activity&kind={kind}"}
    html = text_of(response)
    for text in present:
        assert text in html
    for text in absent:
        assert text not in html


def test_votes_received_do_not_name_the_voter(client, bruno, story):
    html = text_of(client.get(profile_url(bruno, tab="activity", kind="votes")))

    assert "carla" not in html


def test_activity_is_paginated_and_the_links_keep_the_tab_and_kind(client, bruno, categories, member):
    thread = forum_services.start_thread(
        category=categories["general"], author=member, title="A long thread", body="Hi"
    )
    for n in range(25):
        Post.objects.create(thread=thread, author=bruno, body=f"Reply {n}", body_html=f"<p>Reply number {n}</p>")
    contributions.rebuild([bruno])  # written without the services

    first = client.get(profile_url(bruno, tab="activity", kind="replies"))
    second = client.get(profile_url(bruno, tab="activity", kind="replies", page=2))

    assert len(parse(first).with_class("li", "activity-item")) == selectors.ACTIVITY_PER_PAGE
    assert len(parse(second).with_class("li", "activity-item")) == 25 - selectors.ACTIVITY_PER_PAGE
    assert 'href="?tab=activity&amp;kind=replies&amp;page=2"' in text_of(first)
    assert "Reply number 24" in text_of(first) and "Reply number 0" in text_of(second)


def test_a_page_number_out_of_range_shows_the_last_page(client, bruno, story):
    response = client.get(profile_url(bruno, tab="activity", kind="replies", page=99))

    assert response.status_code == 200
    assert "Show us your living room setup" in text_of(response)


def test_badges_tab_lists_each_badge_with_its_date_and_the_post_that_earned_it(client, bruno, story):
    BadgeAward.objects.create(member=bruno, badge="good-answer", post=story.answer)
    BadgeAward.objects.create(member=bruno, badge="retired-badge")  # no longer in the catalogue: left out

    response = client.get(profile_url(bruno, tab="badges"))

    page = parse(response)
    rows = page.with_class("li", "earned-badge")
    names = [e.text for e in page.with_class("span", "badge-token")]
    assert "Good answer" in names and "Solver" in names
    assert len(rows) == BadgeAward.objects.filter(member=bruno).count() - 1
    assert page.find_all("a", href=story.answer.get_absolute_url())
    assert "Earned" in text_of(response)
    assert "retired-badge" not in text_of(response)


def test_reputation_tab_lists_every_ledger_entry_with_its_reason_points_and_link(client, bruno, story):
    entries = ReputationEntry.objects.filter(member=bruno)

    response = client.get(profile_url(bruno, tab="reputation"))

    page = parse(response)
    rows = page.find_all("tbody")[0]
    assert rows
    points = [e.text for e in page.with_class("td", "ledger-points")]
    assert sorted(points) == sorted(f"{e.amount:+d}" for e in entries)
    html = text_of(response)
    assert "Answer accepted" in html and "Reply marked helpful" in html and "Reply endorsed by staff" in html
    assert page.find_all("a", href=story.answer.get_absolute_url())


def test_a_reversed_vote_shows_as_an_undone_entry_and_the_total_follows(client, bruno, member, story):
    forum_services.retract_vote(post=story.answer, voter=member)

    page = parse(client.get(profile_url(bruno, tab="reputation")))

    assert "-10" in [e.text for e in page.with_class("td", "ledger-points")]
    assert [e for e in page.find_all("span") if e.text == "Undone"]
    assert page.with_class("circle", "chart-point")[-1].attrs["data-total"] == str(ledger_total(bruno.pk))


def test_the_ledger_is_paginated(client, bruno, categories, member):
    thread = forum_services.start_thread(category=categories["general"], author=member, title="Votes galore", body="x")
    post = Post.objects.create(thread=thread, author=bruno, body="y", body_html="<p>y</p>")
    ReputationEntry.objects.bulk_create(
        ReputationEntry(member=bruno, reason="reply_helpful", amount=10, post=post, category=categories["general"])
        for _ in range(selectors.LEDGER_PER_PAGE + 3)
    )

    first = parse(client.get(profile_url(bruno, tab="reputation")))
    second = parse(client.get(profile_url(bruno, tab="reputation", page=2)))

    assert len(first.with_class("td", "ledger-points")) == selectors.LEDGER_PER_PAGE
    assert len(second.with_class("td", "ledger-points")) == 3


# Visibility ---------------------------------------------------------------------------------------------

SECRET = "Unreleased firmware rollout plan"


@pytest.mark.parametrize("tab", ["summary", "activity", "badges", "reputation"])
@pytest.mark.parametrize("viewer", ["visitor", "member"])
def test_staff_only_content_is_absent_for_visitors_and_members(client, bruno, member, story, tab, viewer):
    BadgeAward.objects.create(member=bruno, badge="good-answer", post=story.secret_reply)
    if viewer == "member":
        client.force_login(member)

    for kind in KINDS if tab == "activity" else ["replies"]:
        html = text_of(client.get(profile_url(bruno, tab=tab, kind=kind)))
        assert SECRET not in html
        assert story.secret_reply.get_absolute_url() not in html
        assert "Staff room" not in html


@pytest.mark.parametrize("viewer", ["staff_member", "moderator"])
def test_staff_only_content_is_present_for_staff_and_moderators(client, bruno, story, viewer, request):
    client.force_login(request.getfixturevalue(viewer))

    html = text_of(client.get(profile_url(bruno, tab="activity", kind="accepted")))

    assert SECRET in html
    assert story.secret_reply.get_absolute_url() in html


def test_ledger_entries_from_a_private_category_keep_their_points_but_lose_their_link(client, bruno, story):
    response = client.get(profile_url(bruno, tab="reputation"))

    html = text_of(response)
    page = parse(response)
    assert "in a private category" in html
    assert SECRET not in html
    points = sum(int(e.text) for e in page.with_class("td", "ledger-points"))
    assert points == ledger_total(bruno.pk) == Member.objects.get(pk=bruno.pk).reputation
    assert page.with_class("circle", "chart-point")[-1].attrs["data-total"] == str(points)


def test_a_badge_earned_in_a_private_category_is_listed_without_its_post(client, bruno, story):
    BadgeAward.objects.create(member=bruno, badge="good-answer", post=story.secret_reply)

    html = text_of(client.get(profile_url(bruno, tab="badges")))

    assert "Good answer" in html
    assert "for a post in a private category" in html
    assert SECRET not in html


def test_hidden_posts_and_threads_are_absent(client, bruno, story, staff_member):
    Post.objects.filter(pk=story.answer.pk).update(visibility=Visibility.HIDDEN)
    Thread.objects.filter(pk=story.discussion.pk).update(visibility=Visibility.HIDDEN)
    contributions.rebuild([bruno])  # hidden without the services (tests/contributions goes through them)
    client.force_login(staff_member)

    for tab in TABS:
        for kind in KINDS if tab == "activity" else ["replies"]:
            html = text_of(client.get(profile_url(bruno, tab=tab, kind=kind)))
            assert "Lamp keeps disconnecting from Wi-Fi" not in html, (tab, kind)
            assert "Show us your living room setup" not in html, (tab, kind)
    counts = selectors.contribution_counts(bruno, staff_member)
    assert counts.replies == 1  # only the one in the staff room is left
    assert counts.threads == 0


def test_a_suspended_member_page_says_until_when(client, make_member, member):
    until = timezone.now() + timedelta(days=3)
    sam = make_member("sam", suspended_until=until, suspension_reason="Spam in three threads")

    client.force_login(member)
    html = text_of(client.get(profile_url(sam)))

    assert "This account is suspended until" in html
    with translation.override("en"):
        assert date_filter(until, "DATETIME_FORMAT") in html
    assert "Spam in three threads" not in html


@pytest.mark.parametrize("viewer", ["moderator", "sam"])
def test_the_suspension_reason_is_shown_to_moderators_and_the_member(client, make_member, moderator, viewer):
    sam = make_member("sam", suspended_until=timezone.now() + timedelta(days=3), suspension_reason="Spam")
    client.force_login(moderator if viewer == "moderator" else sam)

    assert "Reason: Spam" in text_of(client.get(profile_url(sam)))


def test_a_past_suspension_is_not_mentioned(client, make_member):
    sam = make_member("sam", suspended_until=timezone.now() - timedelta(days=1), suspension_reason="Spam")

    assert "suspended" not in text_of(client.get(profile_url(sam)))


def test_a_deleted_member_page_says_so_and_lists_nothing(client, bruno, story):
    Member.objects.filter(pk=bruno.pk).update(is_active=False)

    for tab in TABS:
        response = client.get(profile_url(bruno, tab=tab))
        assert response.status_code == 200
        html = text_of(response)
        assert "This account was deleted" in html
        assert "Lamp keeps disconnecting from Wi-Fi" not in html
        assert "Bruno Lefèvre" not in html
        assert "heatmap" not in html


# Charts -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("offset", range(7))
def test_the_heat_map_has_one_cell_per_day_from_a_monday_52_weeks_back_to_today(offset):
    today = date(2026, 11, 16) + timedelta(days=offset)  # a Monday, then each day of that week

    heat = charts.heat_map({}, today=today)

    assert heat.start.weekday() == 0
    assert heat.end == today
    assert len(heat.cells) == 52 * 7 + today.weekday() + 1
    assert len({cell.x for cell in heat.cells}) == charts.WEEKS
    assert {cell.y for cell in heat.cells} <= {charts.HEAT_TOP + row * charts.PITCH for row in range(7)}


def test_heat_map_levels_go_from_0_to_4_relative_to_the_busiest_day():
    today = date(2026, 11, 21)
    counts = {today: 8, today - timedelta(days=1): 1, today - timedelta(days=2): 4, today - timedelta(days=3): 6}

    heat = charts.heat_map(counts, today=today)

    levels = {cell.day: cell.level for cell in heat.cells}
    assert levels[today] == 4
    assert levels[today - timedelta(days=1)] == 1
    assert levels[today - timedelta(days=2)] == 2
    assert levels[today - timedelta(days=3)] == 3
    assert levels[today - timedelta(days=4)] == 0
    assert heat.total == 19


def test_the_reputation_chart_ends_on_the_ledger_total():
    today = date(2026, 11, 21)

    chart = charts.reputation_chart(
        [(date(2026, 3, 1), 25), (date(2026, 5, 2), -10), (date(2026, 1, 5), 40)], today=today
    )

    assert [p.total for p in chart.points] == [40, 65, 55]
    assert chart.total == 55
    assert chart.points[-1].y > chart.points[1].y  # a lower total is drawn lower
    assert chart.y_ticks[0].value == 0 and chart.y_ticks[-1].value >= 65
    assert chart.path.startswith("M") and chart.area.endswith("Z")


def test_no_ledger_means_no_chart():
    assert charts.reputation_chart([], today=date(2026, 11, 21)) is None


def test_the_profile_heat_map_counts_readable_posts_per_day(client, bruno, story):
    response = client.get(profile_url(bruno))

    page = parse(response)
    svg = page.with_class("svg", "heatmap")[0]
    assert svg.attrs["role"] == "img" and svg.attrs["aria-label"]
    cells = page.with_class("rect", "heat")
    today = timezone.localdate()
    assert len(cells) == 52 * 7 + today.weekday() + 1
    by_day = {cell.attrs["data-date"]: int(cell.attrs["data-count"]) for cell in cells}
    assert by_day[today.isoformat()] == 3  # two replies and a thread; the staff-room reply is not counted
    assert sum(by_day.values()) == 3
    assert len(page.find_all("title")) == 1 + len(cells)  # the page's, then a tooltip in each cell


def test_the_reputation_chart_on_the_page_ends_on_the_total(client, prolific):
    response = client.get(profile_url(prolific, tab="reputation"))

    page = parse(response)
    svg = page.with_class("svg", "line-chart")[0]
    assert svg.attrs["role"] == "img" and str(prolific.reputation) in svg.attrs["aria-label"]
    points = page.with_class("circle", "chart-point")
    assert points[-1].attrs["data-total"] == str(ledger_total(prolific.pk)) == str(prolific.reputation)
    days = [p.attrs["data-date"] for p in points]
    assert days == sorted(days) and len(days) == len(set(days))


def test_the_charts_keep_dots_in_their_coordinates_in_french(client, prolific):
    client.cookies["django_language"] = "fr"

    page = parse(client.get(profile_url(prolific, tab="reputation")))

    for point in page.with_class("circle", "chart-point"):
        float(point.attrs["cx"]), float(point.attrs["cy"])
    for path in page.with_class("path", "chart-line"):
        assert "," not in path.attrs["d"]


# Queries ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("viewer", ["visitor", "member", "staff"])
@pytest.mark.parametrize("tab", [*TABS, *(f"activity&kind={kind}" for kind in KINDS)])
def test_every_tab_renders_in_at_most_20_queries_for_a_member_of_300_posts(
    client, prolific, member, staff_member, viewer, tab, django_assert_max_num_queries
):
    assert Post.objects.filter(author=prolific).count() == 300
    if viewer != "visitor":
        client.force_login(member if viewer == "member" else staff_member)

    with django_assert_max_num_queries(20):
        response = client.get(profile_url(prolific) + f"?tab={tab}")

    assert response.status_code == 200


@pytest.mark.parametrize("tab", [*TABS, *(f"activity&kind={kind}" for kind in KINDS)])
def test_the_number_of_queries_does_not_grow_with_contributions(client, modest, prolific, member, tab):
    client.force_login(member)
    client.get("/")  # warm the site-wide caches (the announcement banner) so both pages start equal

    def queries(who):
        with CaptureQueriesContext(connection) as context:
            assert client.get(profile_url(who) + f"?tab={tab}").status_code == 200
        return len(context)

    assert queries(modest) == queries(prolific)


# XSS ----------------------------------------------------------------------------------------------------

XSS_CORPUS = [
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "' onmouseover='alert(1)' x='",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "<iframe src=//evil.example></iframe>",
    "</title><script>alert(1)</script>",
    "<body onload=alert(1)>",
    "![x](javascript:alert(1))",
    "<ScRiPt>alert(1)</sCrIpT>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
]


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_xss_through_display_name_bio_and_location_runs_nowhere(client, make_member, categories, payload):
    from profiles.services import update_profile

    mallory = make_member("mallory")
    update_profile(member=mallory, display_name=payload[:60], bio=payload, location=payload[:80])
    thread = forum_services.start_thread(
        category=categories["general"], author=mallory, title="A perfectly normal thread", body="Hello"
    )
    pages = [profile_url(mallory, tab=tab) for tab in TABS] + [thread.get_absolute_url()]

    for url in pages:
        assert_no_script_injection(client.get(url))
    client.force_login(mallory)
    for url in ["/", profile_url(mallory), thread.get_absolute_url()]:
        assert_no_script_injection(client.get(url))


def test_the_display_name_is_shown_as_text(client, make_member):
    from profiles.services import update_profile

    mallory = make_member("mallory")
    update_profile(member=mallory, display_name='"><svg onload=alert(1)>')

    page = parse(client.get(profile_url(mallory)))

    assert page.find_all("h1", id="profile-name")[0].text == '"><svg onload=alert(1)>'
