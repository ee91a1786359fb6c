"""The write path: deliveries are rows written in the post's own transaction, in one statement
for every webhook, and none (nor any query) when no active webhook takes the event."""

import json

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from forum import events as forum_events
from forum import services
from integrations import receivers
from integrations.models import Delivery, Webhook
from integrations.queue import active_webhooks

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(make_thread, discussion, member):
    return make_thread(category=discussion, author=member, title="Which bulb for a reading lamp?")


def reply(thread, author, body="A warm white one, 2700 K."):
    return services.post_reply(thread=thread, author=author, body=body)


def queries_of(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def test_a_reply_is_queued_for_each_webhook_that_takes_it_and_for_no_other(make_webhook, thread, other_member):
    desk = make_webhook("desk", events=["reply.posted"])
    make_webhook("crm", events=["thread.posted"])
    post = reply(thread, other_member)
    [delivery] = Delivery.objects.all()
    assert (delivery.webhook, delivery.event, delivery.status, delivery.thread_id) == (
        desk,
        "reply.posted",
        "pending",
        thread.pk,
    )
    assert json.loads(delivery.payload)["data"]["post"]["id"] == post.pk


def test_a_post_that_rolls_back_leaves_no_delivery(make_webhook, thread, other_member):
    make_webhook()
    with pytest.raises(RuntimeError), transaction.atomic():
        reply(thread, other_member)
        raise RuntimeError("the request failed after the reply")
    assert not Delivery.objects.exists()


def test_posting_costs_no_query_without_an_active_webhook_and_one_with_any_number(
    make_webhook, thread, other_member, staff_member
):
    # Warm: the first replies follow the thread and start the notifications later ones add to.
    for author in (other_member, staff_member, other_member, staff_member):
        reply(thread, author)
    forum_events.reply_posted.disconnect(dispatch_uid="integrations.reply_posted")
    try:
        member_reply = queries_of(lambda: reply(thread, other_member))
        official_reply = queries_of(lambda: reply(thread, staff_member))
    finally:
        forum_events.reply_posted.connect(receivers.on_reply_posted, dispatch_uid="integrations.reply_posted")
    make_webhook("paused", active=False)
    active_webhooks()  # the cache holds the active set (none) from here on
    assert queries_of(lambda: reply(thread, other_member)) == member_reply
    assert not Delivery.objects.exists()

    for name in ("desk", "crm", "chat"):
        make_webhook(name)
    active_webhooks()
    assert queries_of(lambda: reply(thread, other_member)) == member_reply + 1
    # An official response is two events (a reply, an official response): still one statement.
    assert queries_of(lambda: reply(thread, staff_member)) == official_reply + 1
    assert Delivery.objects.filter(event="reply.posted").count() == 6
    assert Delivery.objects.filter(event="official_response.posted").count() == 3


def test_a_thread_in_a_staff_only_category_is_queued_for_staff_level_webhooks_only(
    make_webhook, make_thread, staff_category, staff_member
):
    make_webhook("public")
    staff = make_webhook("staff", staff_level=True)
    make_thread(category=staff_category, author=staff_member, title="Next quarter's price list")
    assert {d.webhook for d in Delivery.objects.all()} == {staff}


def test_a_webhook_deleted_behind_the_cache_never_breaks_posting(make_webhook, thread, other_member):
    make_webhook("gone")
    kept = make_webhook("kept")
    active_webhooks()
    # Another process deleted it; this one's cache has not heard yet.
    Webhook.objects.filter(name="gone").delete()
    reply(thread, other_member)
    assert [d.webhook for d in Delivery.objects.all()] == [kept]


def test_a_new_webhook_is_sent_the_next_event_at_once(make_webhook, thread, other_member):
    reply(thread, other_member)
    assert active_webhooks() == []
    desk = make_webhook()
    reply(thread, other_member)
    assert [d.webhook for d in Delivery.objects.all()] == [desk]
