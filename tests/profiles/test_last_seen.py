"""A member's profile says when they last took part (profiles.services.mark_seen), to the minute:
a member replying every few seconds has the row written once a minute, not by each reply."""

from datetime import timedelta

import pytest
from django.utils import timezone

from forum import services
from profiles.models import Member
from profiles.services import SEEN_PRECISION

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(make_thread, discussion, member):
    return make_thread(category=discussion, author=member, title="Hallway lamp flickers at night")


def stored(member) -> timezone.datetime:
    return Member.objects.values_list("last_seen", flat=True).get(pk=member.pk)


def seen_ago(member, delta: timedelta):
    """The member as loaded when their row said they took part `delta` ago."""
    Member.objects.filter(pk=member.pk).update(last_seen=timezone.now() - delta)
    return Member.objects.get(pk=member.pk)


def test_a_reply_says_when_a_member_never_seen_took_part(thread, other_member):
    Member.objects.filter(pk=other_member.pk).update(last_seen=None)
    before = timezone.now()

    services.post_reply(thread=thread, author=Member.objects.get(pk=other_member.pk), body="Mine too.")

    assert stored(other_member) >= before


def test_a_reply_within_the_minute_leaves_the_row_as_it_is(thread, other_member):
    author = seen_ago(other_member, SEEN_PRECISION / 2)
    seen = stored(other_member)

    services.post_reply(thread=thread, author=author, body="Mine too.")

    assert stored(other_member) == seen


def test_a_reply_after_the_minute_says_when_again(thread, other_member):
    author = seen_ago(other_member, SEEN_PRECISION * 2)
    before = timezone.now()

    services.post_reply(thread=thread, author=author, body="Mine too.")

    assert stored(other_member) >= before


def test_replies_through_the_form_within_the_minute_write_the_row_once(client, thread, other_member):
    """request.user is a lazy stand-in for the member: what it was loaded with is read through it."""
    Member.objects.filter(pk=other_member.pk).update(last_seen=None)
    client.force_login(other_member)
    url = f"/t/{thread.slug}/{thread.pk}/reply/"

    assert client.post(url, {"body": "Mine flickers too."}).status_code == 302
    seen = stored(other_member)
    assert seen is not None
    assert client.post(url, {"body": "And again this morning."}).status_code == 302

    assert stored(other_member) == seen
