"""A reply to a thread with many followers costs the same queries as one with a few.

Posted through the reply form as a member posts it, with the work after the commit (the
pushes to the followers' sockets, the search index) counted too: nothing runs a query per
follower, whether the reply writes the followers' notifications or collapses into them.
"""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forum.models import Follow
from notifications.models import Kind, Notification
from web import push

# The whole request: session and member, the thread, the transaction (post, counters,
# follow, badges, contribution rows, notifications, index queue, the author's read position)
# and the pushes after it.
REPLY_QUERIES = 37


@pytest.fixture
def replier(client, other_member, discussion, start_thread, member):
    """bruno, logged in, who has answered before: his first answer's badge is not counted here."""
    start_thread(category=discussion, author=member, replies=[(other_member, "Welcome!")])
    client.force_login(other_member)
    return client


@pytest.fixture
def followed_thread(discussion, start_thread, member, make_member):
    """A thread of alice's, followed by `count` other members."""

    def make(count):
        thread = start_thread(category=discussion, author=member)
        followers = [make_member() for _ in range(count)]
        Follow.objects.bulk_create([Follow(thread=thread, member=m) for m in followers])
        return thread, followers

    return make


def reply_queries(client, thread, body, django_capture_on_commit_callbacks) -> int:
    url = f"{thread.get_absolute_url()}reply/"
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"body": body})
    assert response.status_code == 302 and response["Location"].startswith("/p/")
    return len(queries)


def unread_counts_of(thread, members) -> set[int]:
    rows = Notification.objects.filter(
        thread=thread, recipient__in=members, kind=Kind.FOLLOWED_REPLY, read_at__isnull=True
    )
    assert rows.count() == len(members)
    return set(rows.values_list("count", flat=True))


def test_a_reply_costs_the_same_queries_for_five_followers_as_for_a_hundred_and_twenty(
    replier, followed_thread, django_capture_on_commit_callbacks
):
    few, few_followers = followed_thread(5)
    many, many_followers = followed_thread(120)
    counted = {}
    for name, thread in (("few", few), ("many", many)):
        # The first reply writes each follower a row; the second collapses into it.
        first = reply_queries(replier, thread, "Try the warm white one.", django_capture_on_commit_callbacks)
        second = reply_queries(replier, thread, "Or the dimmable one.", django_capture_on_commit_callbacks)
        counted[name] = (first, second)

    assert counted["few"] == counted["many"], "a query per follower"
    assert max(counted["many"]) <= REPLY_QUERIES
    assert unread_counts_of(few, few_followers) == {2}
    assert unread_counts_of(many, many_followers) == {2}


def test_muted_and_inactive_followers_are_left_out_of_a_large_fan_out(
    replier, followed_thread, django_capture_on_commit_callbacks
):
    thread, followers = followed_thread(30)
    muted, gone = followers[0], followers[1]
    Follow.objects.filter(thread=thread, member=muted).update(level=Follow.Level.MUTED)
    gone.is_active = False
    gone.save(update_fields=["is_active"])

    reply_queries(replier, thread, "Warm white, 2700 K.", django_capture_on_commit_callbacks)

    told = set(Notification.objects.filter(thread=thread, kind=Kind.FOLLOWED_REPLY).values_list("recipient", flat=True))
    assert told == {m.pk for m in followers[2:]}
    assert Notification.objects.filter(thread=thread, recipient=thread.author, kind=Kind.REPLY).count() == 1


@pytest.fixture
def pushed(monkeypatch):
    """The groups of every message pushed, by type, in place of sending them."""
    groups = []

    def send_many(pushes):
        groups.extend((one.group, one.event.get("message", {}).get("type")) for one in pushes)

    monkeypatch.setattr(push, "send_many", send_many)
    return groups


def test_the_followers_pushes_are_made_only_for_those_with_a_page_open(
    replier, followed_thread, pushed, django_capture_on_commit_callbacks
):
    # None where the layer cannot tell (Redis: the sockets are in other processes too).
    knows_sockets = push.listened([]) is not None
    thread, followers = followed_thread(40)
    reader = followers[7]
    layer = get_channel_layer()
    if knows_sockets:
        async_to_sync(layer.group_add)(push.member_group(reader.pk), "specific.reader!one")
    try:
        reply_queries(replier, thread, "Try the warm white one.", django_capture_on_commit_callbacks)
    finally:
        if knows_sockets:
            async_to_sync(layer.flush)()

    # Every follower is told (the rows); only the one with a page open is pushed to.
    assert unread_counts_of(thread, followers) == {1}
    told = [group for group, kind in pushed if kind == "notification"]
    if knows_sockets:
        assert told == [push.member_group(reader.pk)]
    else:  # every follower is pushed to: a page of theirs may be open on another process
        assert {push.member_group(follower.pk) for follower in followers} <= set(told)
