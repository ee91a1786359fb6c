"""Declaring, updating, resolving, linking and merging, following: the write path and its checks."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from forum import services as forum_services
from forum.models import Follow, Post, Thread
from incidents import banner, services
from incidents.models import Incident, Link, Status, Update
from notifications.models import Kind, Notification
from tests.incidents.conftest import STATEMENT, STATEMENT_FR, TITLE


@pytest.mark.parametrize("who", ["staff_member", "admin_member"])
def test_brand_staff_and_admins_declare_an_incident_in_a_pinned_thread(declare, request, who):
    by = request.getfixturevalue(who)
    incident = declare(by=by)

    thread = incident.thread
    opening = thread.posts.get(is_opening=True)
    assert (thread.title, thread.is_pinned, thread.author) == (TITLE, True, by)
    assert opening.is_official
    assert STATEMENT in opening.body and STATEMENT_FR in opening.body
    assert "Status: Investigating" in opening.body and "Statut\u00a0: En cours d’analyse" in opening.body
    assert list(incident.updates.values_list("status", "post")) == [(Status.INVESTIGATING, opening.pk)]
    assert incident.declared_by == by


@pytest.mark.parametrize("who", ["visitor", "member", "moderator", "suspended_staff"])
def test_nobody_but_brand_staff_and_admins_declares_an_incident(declare, request, who):
    by = AnonymousUser() if who == "visitor" else request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        declare(by=by)
    assert not Incident.objects.exists() and not Thread.objects.exists()


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"title": "", "title_fr": ""}, "title"),
        ({"statement": " ", "statement_fr": ""}, "statement"),
        ({"status": Status.RESOLVED}, "status"),
        ({"status": "exploded"}, "status"),
        ({"title": "x" * 151}, "too_long"),
        ({"category": None}, "category"),
    ],
)
def test_a_declaration_with_bad_input_is_refused_and_writes_nothing(declare, fields, code):
    with pytest.raises(ValidationError) as refused:
        declare(**fields)
    assert refused.value.code == code
    assert not Incident.objects.exists() and not Thread.objects.exists()


def test_an_incident_thread_cannot_live_in_a_staff_only_category(declare, staff_category):
    with pytest.raises(ValidationError):
        declare(category=staff_category)
    assert not Incident.objects.exists() and not Thread.objects.exists()


def test_staff_adopt_an_existing_thread_as_the_incident_with_an_official_statement(
    declare, make_thread, discussion, member
):
    asked = make_thread(category=discussion, author=member, title="My lamp blinks since this morning")

    incident = declare(thread=asked, category=None)

    asked.refresh_from_db()
    assert incident.thread == asked and asked.is_pinned
    statement = asked.posts.get(is_opening=False)
    assert statement.is_official and STATEMENT in statement.body
    assert Notification.objects.filter(recipient=member, kind=Kind.OFFICIAL_RESPONSE, thread=asked).exists()


def test_a_thread_in_a_staff_only_category_cannot_be_adopted(declare, make_thread, staff_category, staff_member):
    hidden = make_thread(category=staff_category, author=staff_member, title="Internal: blinking lamps")
    with pytest.raises(ValidationError):
        declare(thread=hidden, category=None)
    assert not Incident.objects.exists()


def test_an_update_is_an_official_response_that_tells_the_followers(incident, staff_member, member):
    services.follow_incident(incident=incident, member=member)

    update = services.post_update(incident=incident, by=staff_member, status=Status.IDENTIFIED, body="Found it.")

    incident.refresh_from_db()
    assert incident.status == Status.IDENTIFIED and incident.is_active
    assert update.post.thread_id == incident.thread_id and update.post.is_official
    told = Notification.objects.get(recipient=member)
    assert (told.kind, told.post) == (Kind.OFFICIAL_RESPONSE, update.post)


@pytest.mark.parametrize("who", ["visitor", "member", "moderator", "suspended_staff"])
def test_nobody_but_brand_staff_and_admins_posts_an_update(incident, request, who):
    by = AnonymousUser() if who == "visitor" else request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.post_update(incident=incident, by=by, status=Status.FIXING, body="Fixed?")
    assert incident.updates.count() == 1 and incident.thread.posts.count() == 1


def test_an_empty_update_is_refused(incident, staff_member):
    with pytest.raises(ValidationError):
        services.post_update(incident=incident, by=staff_member, status=Status.FIXING, body=" ", body_fr="")
    assert incident.updates.count() == 1


def test_resolving_posts_the_closing_statement_unpins_the_thread_and_ends_the_banner(
    incident, staff_member, member, django_capture_on_commit_callbacks
):
    services.follow_incident(incident=incident, member=member)
    assert banner.current()["html"]["en"]

    with django_capture_on_commit_callbacks(execute=True):
        services.resolve_incident(incident=incident, by=staff_member, body="Update 2.4.1 fixes it.")

    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED and incident.resolved_at is not None
    assert not incident.thread.is_pinned
    assert banner.current() == {"key": "0", "html": {"en": "", "fr": ""}}
    assert Notification.objects.filter(recipient=member, kind=Kind.OFFICIAL_RESPONSE).exists()
    with pytest.raises(ValidationError):
        services.post_update(incident=incident, by=staff_member, status=Status.FIXING, body="Again?")


def test_linking_a_thread_tells_its_author_and_followers_where_the_answers_are(
    incident, make_thread, discussion, member, other_member, staff_member
):
    asked = make_thread(category=discussion, author=member, title="Blinking lamp")
    forum_services.follow_thread(thread=asked, member=other_member)

    link = services.link_thread(incident=incident, thread=asked, by=staff_member)

    note = Post.objects.filter(thread=asked, is_official=True).get()
    assert incident.get_absolute_url() in note.body
    assert not link.merged and not Thread.objects.get(pk=asked.pk).is_locked
    told = Notification.objects.filter(thread=asked, kind=Kind.OFFICIAL_RESPONSE)
    assert set(told.values_list("recipient", flat=True)) == {member.pk, other_member.pk}


def test_merging_a_thread_locks_it_and_its_people_follow_the_incident(
    incident, make_thread, discussion, member, other_member, staff_member
):
    asked = make_thread(category=discussion, author=member, title="Blinking lamp")
    forum_services.follow_thread(thread=asked, member=other_member)

    services.link_thread(incident=incident, thread=asked, by=staff_member, merge=True)

    assert Thread.objects.get(pk=asked.pk).is_locked
    following = Follow.objects.filter(thread=incident.thread, level=Follow.Level.FOLLOWING)
    assert {member.pk, other_member.pk} <= set(following.values_list("member", flat=True))
    assert Notification.objects.filter(recipient=other_member, thread=asked).exists()


@pytest.mark.parametrize("who", ["member", "moderator", "suspended_staff"])
def test_nobody_but_brand_staff_and_admins_links_a_thread(incident, make_thread, discussion, member, request, who):
    asked = make_thread(category=discussion, author=member, title="Blinking lamp")
    with pytest.raises(PermissionDenied):
        services.link_thread(incident=incident, thread=asked, by=request.getfixturevalue(who), merge=True)
    assert not Link.objects.exists() and not Thread.objects.get(pk=asked.pk).is_locked


def test_a_thread_is_linked_once_and_never_the_incidents_own(incident, make_thread, discussion, member, staff_member):
    asked = make_thread(category=discussion, author=member, title="Blinking lamp")
    services.link_thread(incident=incident, thread=asked, by=staff_member)
    for thread in (asked, incident.thread):
        with pytest.raises(ValidationError):
            services.link_thread(incident=incident, thread=thread, by=staff_member)
    assert Link.objects.count() == 1


def test_an_older_linked_thread_moves_the_start_of_the_incident(
    incident, make_thread, discussion, member, staff_member
):
    asked = make_thread(category=discussion, author=member, title="Blinking lamp")
    Thread.objects.filter(pk=asked.pk).update(created_at=incident.declared_at - timedelta(hours=3))
    asked.refresh_from_db()

    services.link_thread(incident=incident, thread=asked, by=staff_member)

    assert Incident.objects.get(pk=incident.pk).started_at == asked.created_at


def test_members_follow_and_unfollow_an_incident_in_one_action_and_visitors_cannot(incident, member):
    services.follow_incident(incident=incident, member=member)
    assert Follow.objects.filter(thread=incident.thread, member=member, level=Follow.Level.FOLLOWING).exists()
    services.unfollow_incident(incident=incident, member=member)
    assert not Follow.objects.filter(thread=incident.thread, member=member).exists()
    with pytest.raises(PermissionDenied):
        services.follow_incident(incident=incident, member=AnonymousUser())


def test_every_update_is_kept_in_order(incident, staff_member):
    services.post_update(incident=incident, by=staff_member, status=Status.IDENTIFIED, body="Found.")
    services.post_update(incident=incident, by=staff_member, status=Status.FIXING, body_fr="On corrige.")
    assert list(Update.objects.filter(incident=incident).values_list("status", flat=True)) == [
        Status.FIXING,
        Status.IDENTIFIED,
        Status.INVESTIGATING,
    ]
    assert Incident.objects.get().title == TITLE
