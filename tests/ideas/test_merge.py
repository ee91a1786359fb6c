"""Merging a duplicate into another idea (ideas.services.merge_idea and its page): votes move and
a member who voted for both counts once, followers move (a mute stays a mute), the duplicate is
closed, locked and linked, its author, voters and followers are told, the audit log keeps it;
and who may merge what, checked from the outside for every role and every refusal."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test import Client
from django.utils import timezone, translation

from forum.models import Category, Follow, Post, Thread, Visibility
from forum.services import follow_thread, mute_thread
from ideas import events
from ideas.forms import thread_number
from ideas.models import Idea, IdeaVote, Status, StatusChange
from ideas.services import merge_idea, set_idea_status, vote_for_idea
from moderation.models import Action
from notifications.models import Kind, Notification
from tests.conftest import IDEA_TITLE, all_at_once, require_service
from tests.live_html import element_by_id

pytestmark = pytest.mark.django_db

ORIGINAL_TITLE = "Scenes that follow the sun"


@pytest.fixture
def zoe(make_member):
    return make_member("zoe", display_name="Zoé Blanc")


@pytest.fixture
def original(make_thread, ideas_category, zoe):
    """The idea the duplicate (`idea`, by alice) is merged into, proposed earlier by zoe."""
    return make_thread(category=ideas_category, author=zoe, title=ORIGINAL_TITLE)


@pytest.fixture
def merged_events():
    sent = []

    def receiver(sender, **kwargs):
        sent.append(kwargs)

    events.idea_merged.connect(receiver)
    yield sent
    events.idea_merged.disconnect(receiver)


def state(thread) -> Idea:
    return Idea.objects.select_related("thread").get(thread=thread)


def voters(thread) -> set:
    return set(IdeaVote.objects.filter(idea_id=thread.pk).values_list("member__username", flat=True))


def level(thread, member):
    return Follow.objects.filter(thread=thread, member=member).values_list("level", flat=True).first()


def told(member) -> list:
    return list(Notification.objects.filter(recipient=member).values_list("kind", "data"))


# The merge itself -----------------------------------------------------------------------------


def test_votes_move_and_a_member_who_voted_for_both_counts_once(
    idea, original, other_member, carol, dmitri, zoe, staff_member
):
    for person in (other_member, carol, dmitri):
        vote_for_idea(thread=idea, member=person)
    for person in (carol, zoe):
        vote_for_idea(thread=original, member=person)
    dates = dict(IdeaVote.objects.filter(idea_id=idea.pk).values_list("member__username", "created_at"))

    merge_idea(duplicate=idea, into=original, by=staff_member)

    assert voters(original) == {"bruno", "carol", "dmitri", "zoe"} and voters(idea) == set()
    assert state(original).votes == 4 and state(idea).votes == 0
    moved = dict(IdeaVote.objects.filter(idea_id=original.pk).values_list("member__username", "created_at"))
    assert moved["bruno"] == dates["bruno"] and moved["dmitri"] == dates["dmitri"]  # each keeps its date
    assert moved["carol"] != dates["carol"]  # carol's vote for the original stays; the other is gone


def test_moved_votes_are_not_held_to_the_cap(settings, make_thread, ideas_category, staff_ideas, original, make_member):
    """A staff member at the cap in the public category keeps the vote they gave a staff idea
    when it is merged into a public one: they gave it already."""
    settings.IDEA_VOTES_PER_MEMBER = 1
    colleague, merger = make_member(staff=True), make_member(staff=True)
    other = make_thread(category=ideas_category, author=colleague, title="Another public idea")
    internal = make_thread(category=staff_ideas, author=colleague, title="The same, said by the team")
    vote_for_idea(thread=other, member=colleague)
    vote_for_idea(thread=internal, member=colleague)

    merge_idea(duplicate=internal, into=original, by=merger)

    assert IdeaVote.objects.filter(member=colleague, idea__status=Status.NEW).count() == 2
    assert state(original).votes == 1


def test_followers_move_and_a_muted_target_stays_muted(idea, original, member, other_member, carol, dmitri, moderator):
    follow_thread(thread=idea, member=other_member)
    follow_thread(thread=idea, member=carol)
    mute_thread(thread=original, member=carol)
    follow_thread(thread=idea, member=dmitri)
    mute_thread(thread=idea, member=dmitri)  # muted the duplicate: not a follower

    merge_idea(duplicate=idea, into=original, by=moderator)

    assert level(original, other_member) == Follow.Level.FOLLOWING
    assert level(original, member) == Follow.Level.FOLLOWING  # the duplicate's author followed it
    assert level(original, carol) == Follow.Level.MUTED
    assert level(original, dmitri) is None
    assert level(original, moderator) is None  # the merger posted in the duplicate, not in the original


def test_the_duplicate_is_closed_locked_and_linked_with_a_note(idea, original, staff_member, merged_events):
    before = timezone.now()

    merged = merge_idea(duplicate=idea, into=original, by=staff_member)

    duplicate = state(idea)
    assert merged == duplicate and duplicate.status == Status.DUPLICATE and duplicate.is_closed
    assert duplicate.merged_into_id == original.pk and duplicate.status_changed_at >= before
    assert Thread.objects.get(pk=idea.pk).is_locked and not Thread.objects.get(pk=original.pk).is_locked
    change = StatusChange.objects.get(idea=duplicate)
    assert (change.previous, change.status, change.by) == (Status.NEW, Status.DUPLICATE, staff_member)
    note = change.note
    assert note.thread_id == idea.pk and note.author == staff_member and note.is_official
    assert f"[{ORIGINAL_TITLE}]({original.get_absolute_url()})" in note.body
    assert f'href="{original.get_absolute_url()}"' in note.body_html
    assert list(Idea.objects.get(thread=original).merged.all()) == [duplicate]

    [sent] = merged_events
    assert sent["duplicate"].pk == idea.pk and sent["into"].pk == original.pk
    assert sent["by"] == staff_member and sent["note"] == note and sent["moved"] == 0
    assert sent["voters"] == [] and sent["change"] == change


def test_a_moderator_s_note_is_not_an_official_response(idea, original, moderator):
    merge_idea(duplicate=idea, into=original, by=moderator)

    note = StatusChange.objects.get(idea_id=idea.pk).note
    assert note.author == moderator and not note.is_official


def test_the_note_is_in_the_site_s_language_and_its_link_survives_any_title(
    idea, make_thread, ideas_category, zoe, staff_member
):
    title = "Scenes [beta] *now* (at sunset) #2"
    target = make_thread(category=ideas_category, author=zoe, title=title)

    with translation.override("fr"):  # the merger reads French; the thread's readers may not
        merge_idea(duplicate=idea, into=target, by=staff_member)

    note = StatusChange.objects.get(idea_id=idea.pk).note
    assert note.body.startswith("This idea was merged into ")
    assert f'<a href="{target.get_absolute_url()}"' in note.body_html and f">{title}</a>" in note.body_html


def test_the_audit_log_keeps_the_merge(idea, original, member, other_member, staff_member):
    vote_for_idea(thread=idea, member=other_member)

    merge_idea(duplicate=idea, into=original, by=staff_member)

    logged = Action.objects.get(kind=Action.Kind.IDEA_MERGED)
    assert logged.actor == staff_member and logged.member == member and logged.thread_id == idea.pk
    assert logged.before == {"status": "new"}
    assert logged.after == {"status": "duplicate", "into": original.pk, "moved": 1}
    assert not Action.objects.filter(kind__in=[Action.Kind.IDEA_STATUS, Action.Kind.LOCK]).exists()


def test_a_merged_duplicate_takes_no_status_and_no_vote(idea, original, other_member, staff_member):
    merge_idea(duplicate=idea, into=original, by=staff_member)

    with pytest.raises(ValidationError, match="merged into another"):
        set_idea_status(thread=idea, by=staff_member, status=Status.PLANNED, note="We plan this for the spring.")
    with pytest.raises(PermissionDenied, match="closed"):
        vote_for_idea(thread=idea, member=other_member)


# Who hears of it ------------------------------------------------------------------------------


def test_the_author_voters_and_followers_are_told_once_each_and_the_merger_is_not(
    idea, original, member, other_member, carol, dmitri, staff_member
):
    vote_for_idea(thread=idea, member=other_member)
    vote_for_idea(thread=original, member=other_member)  # voted for both: told all the same
    vote_for_idea(thread=idea, member=staff_member)  # the merger voted: not told of their own merge
    follow_thread(thread=idea, member=carol)
    vote_for_idea(thread=idea, member=dmitri)
    mute_thread(thread=idea, member=dmitri)

    merge_idea(duplicate=idea, into=original, by=staff_member)

    expected = [(Kind.IDEA_STATUS, {"status": "duplicate", "previous": "new", "into": ORIGINAL_TITLE})]
    for person in (member, other_member, carol):
        assert told(person) == expected, person
        row = Notification.objects.get(recipient=person)
        assert row.url == original.get_absolute_url() and row.thread_id == idea.pk and row.actor == staff_member
    assert told(staff_member) == [] and told(dmitri) == []


def test_voters_who_may_no_longer_read_the_duplicate_are_not_told(idea, original, other_member, moderator):
    vote_for_idea(thread=idea, member=other_member)
    vote_for_idea(thread=idea, member=moderator)
    Category.objects.filter(pk=idea.category_id).update(access=Category.Access.STAFF)

    merge_idea(duplicate=Thread.objects.get(pk=idea.pk), into=Thread.objects.get(pk=original.pk), by=moderator)

    assert told(other_member) == []  # not even with its title: the category is staff-only now
    assert state(original).votes == 2  # the vote moved all the same: it is still theirs


def test_the_notification_says_where_the_idea_went_in_each_language(idea, original, other_member, staff_member):
    vote_for_idea(thread=idea, member=other_member)
    merge_idea(duplicate=idea, into=original, by=staff_member)
    client = Client()
    client.force_login(other_member)

    page = client.get("/notifications/").content.decode()
    assert f"“{IDEA_TITLE}” was merged into “{ORIGINAL_TITLE}”" in page
    with translation.override("fr"):
        page = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f"«\u00a0{IDEA_TITLE}\u00a0» a été fusionnée avec «\u00a0{ORIGINAL_TITLE}\u00a0»" in page


# Who may merge what ---------------------------------------------------------------------------

ROLES = ["visitor", "member", "author", "suspended staff", "staff", "moderator", "admin"]
MAY_MERGE = {"staff", "moderator", "admin"}


@pytest.fixture
def person(member, other_member, staff_member, moderator, admin_member, make_member):
    """The member in a role of the matrix (the author: alice, who proposed the duplicate)."""

    def who(role):
        if role == "suspended staff":
            return make_member(staff=True, suspended_until=timezone.now() + timedelta(days=1))
        people = {"member": other_member, "author": member, "staff": staff_member, "moderator": moderator}
        return {"visitor": AnonymousUser(), "admin": admin_member, **people}[role]

    return who


@pytest.mark.parametrize("role", ROLES)
def test_who_may_merge(idea, original, person, role):
    by = person(role)

    if role in MAY_MERGE:
        assert merge_idea(duplicate=idea, into=original, by=by).status == Status.DUPLICATE
    else:
        with pytest.raises(PermissionDenied):
            merge_idea(duplicate=idea, into=original, by=by)
        assert state(idea).status == Status.NEW and not Thread.objects.get(pk=idea.pk).is_locked


@pytest.mark.parametrize("role", ROLES)
def test_only_those_who_may_merge_see_the_form(client, idea, original, person, role):
    by = person(role)
    if not isinstance(by, AnonymousUser):
        client.force_login(by)

    shown = str(element_by_id(client.get(idea.get_absolute_url()).content.decode(), "idea"))
    answer = client.post(f"/ideas/{idea.pk}/merge/", {"into": original.pk})

    assert ("Merge into another idea" in shown) == (role in MAY_MERGE)
    expected = 200 if role in MAY_MERGE else 302 if role == "visitor" else 403
    assert answer.status_code == expected


def _hidden(thread):
    Thread.objects.filter(pk=thread.pk).update(visibility=Visibility.HIDDEN)
    return Thread.objects.get(pk=thread.pk)


@pytest.mark.parametrize(
    ("case", "error", "message"),
    [
        ("same idea", ValidationError, "cannot be merged into itself"),
        ("target not an idea", ValidationError, "Only an idea can take a merge"),
        ("duplicate not an idea", PermissionDenied, "Only ideas"),
        ("chain", ValidationError, "is itself merged into another idea"),
        ("already merged", ValidationError, "already merged"),
        ("public into staff-only", ValidationError, "choose a public idea"),
        ("into a hidden idea", ValidationError, "choose a public idea"),
    ],
)
def test_merges_that_are_refused_write_nothing(
    case, error, message, idea, original, make_thread, ideas_category, staff_ideas, discussion, zoe, moderator
):
    duplicate, into = idea, original
    third = make_thread(category=ideas_category, author=zoe, title="A third idea about scenes")
    if case == "same idea":
        into = idea
    elif case == "target not an idea":
        into = make_thread(category=discussion, author=zoe)
    elif case == "duplicate not an idea":
        duplicate = make_thread(category=discussion, author=zoe)
    elif case == "chain":
        merge_idea(duplicate=original, into=third, by=moderator)
    elif case == "already merged":
        merge_idea(duplicate=idea, into=third, by=moderator)
    elif case == "public into staff-only":
        into = make_thread(category=staff_ideas, author=moderator, title="An internal idea")
    elif case == "into a hidden idea":
        into = _hidden(original)
    rows = (Post.objects.count(), StatusChange.objects.count(), Follow.objects.count())

    with pytest.raises(error, match=message):
        merge_idea(duplicate=duplicate, into=into, by=moderator)

    assert (Post.objects.count(), StatusChange.objects.count(), Follow.objects.count()) == rows


def test_a_staff_only_idea_may_go_into_a_public_one(make_thread, staff_ideas, original, staff_member):
    internal = make_thread(category=staff_ideas, author=staff_member, title="The same, said by the team")

    assert merge_idea(duplicate=internal, into=original, by=staff_member).merged_into.pk == original.pk


def test_an_idea_the_merger_cannot_read_does_not_exist_for_them(idea, original, staff_member):
    """Staff do not read hidden threads (moderators do)."""
    hidden = _hidden(original)

    with pytest.raises(Http404):
        merge_idea(duplicate=hidden, into=idea, by=staff_member)
    with pytest.raises(ValidationError, match="No idea you can read"):
        merge_idea(duplicate=idea, into=hidden, by=staff_member)


# The page -------------------------------------------------------------------------------------


def staff_client(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def test_staff_merge_from_the_page_in_two_steps(
    idea, original, other_member, carol, zoe, staff_member, django_assert_max_num_queries
):
    vote_for_idea(thread=idea, member=other_member)
    vote_for_idea(thread=idea, member=carol)
    vote_for_idea(thread=original, member=zoe)
    client = staff_client(staff_member)

    with django_assert_max_num_queries(10):
        confirm = client.post(f"/ideas/{idea.pk}/merge/", {"into": f"https://forum.example/t/x/{original.pk}/"})

    page = re.sub(r"\s+", " ", confirm.content.decode())
    assert confirm.status_code == 200
    assert f"Merge “{IDEA_TITLE}” into “{ORIGINAL_TITLE}”?" in page
    assert "2 votes" in page and "1 vote" in page
    assert state(idea).status == Status.NEW  # nothing merged before the confirmation

    done = client.post(f"/ideas/{idea.pk}/merge/", {"into": original.pk, "confirm": "1"}, follow=True)

    assert done.redirect_chain == [(f"{original.get_absolute_url()}#idea", 302)]
    assert "The ideas are merged" in done.content.decode()
    assert state(idea).merged_into_id == original.pk and state(original).votes == 3


@pytest.mark.parametrize("page_cache", [False, True])
def test_a_merged_duplicate_links_to_where_it_went_instead_of_the_vote_button(
    settings, idea, original, other_member, moderator, page_cache
):
    settings.PAGE_CACHE = page_cache
    merge_idea(duplicate=idea, into=original, by=moderator)

    for client in (Client(), staff_client(other_member), staff_client(moderator)):
        page = client.get(idea.get_absolute_url()).content.decode()
        shown = str(element_by_id(page, "idea"))
        assert f'Merged into <a href="{original.get_absolute_url()}">{ORIGINAL_TITLE}</a>' in page
        assert "Vote for this idea" not in shown and "Log in to vote" not in shown
        assert "Merge into another idea" not in shown and "Set the status" not in shown


@pytest.mark.parametrize(
    ("into", "message"),
    [
        ("", "This field is required."),
        ("999999", "No idea you can read has this number or address."),
        ("not a number", "No idea you can read has this number or address."),
        ("http://[", "No idea you can read has this number or address."),
        ("99999999999999999999999", "No idea you can read has this number or address."),
        ("self", "An idea cannot be merged into itself."),
    ],
)
def test_a_bad_target_gets_the_form_again_with_the_reason(idea, staff_member, into, message):
    into = str(idea.pk) if into == "self" else into
    client = staff_client(staff_member)

    for confirm in ("", "1"):
        response = client.post(f"/ideas/{idea.pk}/merge/", {"into": into, "confirm": confirm})
        assert response.status_code == 400
        assert message in response.content.decode() and 'name="into"' in response.content.decode()
    assert state(idea).status == Status.NEW


def test_an_already_merged_idea_is_refused_with_the_reason(idea, original, make_thread, ideas_category, zoe, moderator):
    merge_idea(duplicate=idea, into=original, by=moderator)
    third = make_thread(category=ideas_category, author=zoe)

    response = staff_client(moderator).post(f"/ideas/{idea.pk}/merge/", {"into": third.pk, "confirm": "1"})

    assert response.status_code == 400 and "already merged" in response.content.decode()


def test_a_staff_only_idea_is_not_found_by_a_member_and_the_page_takes_no_get(
    make_thread, staff_ideas, idea, original, staff_member, other_member
):
    internal = make_thread(category=staff_ideas, author=staff_member)

    assert staff_client(other_member).post(f"/ideas/{internal.pk}/merge/", {"into": original.pk}).status_code == 404
    assert staff_client(staff_member).get(f"/ideas/{idea.pk}/merge/").status_code == 405


def test_a_target_hidden_since_is_named_but_not_linked_for_members(idea, original, other_member, moderator):
    merge_idea(duplicate=idea, into=original, by=moderator)
    _hidden(original)

    member_panel = str(element_by_id(staff_client(other_member).get(idea.get_absolute_url()).content, "idea"))
    moderator_page = staff_client(moderator).get(idea.get_absolute_url()).content.decode()

    assert "Merged into another idea" in member_panel and ORIGINAL_TITLE not in member_panel
    assert f'Merged into <a href="{original.get_absolute_url()}">' in moderator_page


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_merges_of_one_pair_in_opposite_directions_end_with_one_on_postgresql(idea, original, moderator):
    """Each merge locks both ideas in the order of their keys: the second waits for the first,
    then finds a chain and is refused, instead of a deadlock or two duplicates of each other."""
    require_service("PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL=postgres://...")

    errors = all_at_once(
        [
            lambda: merge_idea(duplicate=idea, into=original, by=moderator),
            lambda: merge_idea(duplicate=original, into=idea, by=moderator),
        ]
    )

    assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors
    assert Idea.objects.filter(status=Status.DUPLICATE).count() == 1
    assert StatusChange.objects.count() == 1


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("42", 42),
        (" #42 ", 42),
        ("/t/dark-mode/42/", 42),
        ("/t/42/", 42),
        ("https://forum.example/t/dark-mode/42/?page=2#post-7", 42),
        ("/t/dark-mode/42/reply/", 42),
        ("0", None),
        ("/c/ideas/", None),
        ("/p/42/", None),
        ("forty-two", None),
        ("http://[", None),
    ],
)
def test_the_target_is_read_from_a_number_or_an_address(text, number):
    assert thread_number(text) == number
