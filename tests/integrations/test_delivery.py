"""The worker against a real endpoint (tests/integrations/conftest.py): signed deliveries,
retries after errors and time-outs with back-off, a thread's order, access checked again when
sending, and nothing lost while the endpoint is down."""

import random
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from forum import services
from integrations import signing
from integrations.delivery import MAX_DELAY, deliver_due, retry_delay
from integrations.models import Delivery
from moderation import actions
from tests.conftest import all_at_once
from tests.integrations.conftest import TIMEOUT_MS, Answer, Receiver, verify
from tests.servers import free_port

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


@pytest.fixture
def thread(make_thread, discussion, member):
    return make_thread(category=discussion, author=member, title="Which bulb for a reading lamp?")


def reply(thread, author, body="A warm white one, 2700 K."):
    return services.post_reply(thread=thread, author=author, body=body)


def later(hours: float):
    return timezone.now() + timedelta(hours=hours)


def test_a_reply_reaches_the_endpoint_signed_after_the_commit_never_during_the_request(
    make_webhook, receiver, thread, other_member
):
    make_webhook(events=["reply.posted"])
    post = reply(thread, other_member)
    assert receiver.received == []  # posting sent nothing: the worker does

    assert deliver_due() == 1
    [got] = receiver.received
    delivery = Delivery.objects.get()
    assert got.signed
    assert got.headers["Agora-Event"] == "reply.posted"
    assert got.headers["Agora-Delivery"] == str(delivery.pk)
    assert got.headers["Content-Type"] == "application/json"
    assert got.payload["data"]["post"]["id"] == post.pk
    assert got.body == delivery.payload.encode()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 1, 200)
    assert delivery.response_excerpt == "ok" and delivery.duration_ms is not None and not delivery.error


def test_a_delivery_signed_with_another_secret_is_refused_by_the_endpoint(make_webhook, receiver, thread, other_member):
    make_webhook(events=["reply.posted"])
    receiver.secrets["/desk"] = "not-the-webhook-secret"
    reply(thread, other_member)
    deliver_due()
    delivery = Delivery.objects.get()
    assert not receiver.received[0].signed
    assert (delivery.status, delivery.last_status_code, delivery.error) == ("pending", 401, "HTTP 401")


def test_server_errors_are_retried_with_growing_waits_until_the_endpoint_answers(
    make_webhook, receiver, thread, other_member
):
    make_webhook(events=["reply.posted"])
    receiver.answers += [Answer(500, "boom"), Answer(503, "busy")]
    reply(thread, other_member)

    deliver_due()
    first = Delivery.objects.get()
    assert (first.status, first.attempts, first.last_status_code, first.response_excerpt) == ("pending", 1, 500, "boom")
    wait = first.next_attempt_at - timezone.now()
    assert timedelta(seconds=29) < wait <= timedelta(seconds=60)

    assert deliver_due() == 0  # not due yet
    deliver_due(now=later(0.1))
    second = Delivery.objects.get()
    assert (second.attempts, second.last_status_code) == (2, 503)
    assert second.next_attempt_at - later(0.1) > timedelta(seconds=59)

    deliver_due(now=later(1))
    done = Delivery.objects.get()
    assert (done.status, done.attempts, done.last_status_code, done.error) == ("succeeded", 3, 200, "")
    assert len(receiver.received) == 3 and all(r.signed for r in receiver.received)


def test_an_endpoint_that_does_not_answer_in_time_is_retried(make_webhook, receiver, thread, other_member):
    make_webhook(events=["reply.posted"])
    receiver.answers.append(Answer(200, delay=TIMEOUT_MS / 1000 + 0.2))
    reply(thread, other_member)

    deliver_due()
    slow = Delivery.objects.get()
    assert (slow.status, slow.attempts, slow.last_status_code) == ("pending", 1, None)
    assert slow.error == f"No answer within {TIMEOUT_MS} ms."
    assert slow.duration_ms < TIMEOUT_MS + 200

    deliver_due(now=later(1))
    assert Delivery.objects.get().status == "succeeded"


def test_a_delivery_fails_for_good_after_the_last_attempt(settings, make_webhook, receiver, thread, other_member):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    make_webhook(events=["reply.posted"])
    receiver.answers += [Answer(500), Answer(500), Answer(200)]
    reply(thread, other_member)
    deliver_due()
    deliver_due(now=later(1))
    deliver_due(now=later(2))
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.error) == ("failed", 2, "HTTP 500")
    assert len(receiver.received) == 2


@pytest.mark.parametrize("attempts", [1, 2, 3, 8, 20])
def test_the_wait_doubles_with_each_attempt_with_jitter_and_a_cap(settings, attempts):
    settings.WEBHOOK_RETRY_SECONDS = 60
    full = min(60 * 2 ** (attempts - 1), MAX_DELAY.total_seconds())
    waits = [retry_delay(attempts, rng=random.Random(seed)).total_seconds() for seed in range(20)]
    assert all(full / 2 <= wait <= full for wait in waits)
    assert len(set(waits)) > 1  # jittered


def test_a_thread_s_deliveries_go_out_in_their_order_even_across_retries(
    make_webhook, make_thread, discussion, receiver, member, other_member
):
    make_webhook(events=["reply.posted"])
    other = make_thread(category=discussion, author=member, title="Another thread")
    receiver.answers.append(Answer(500))
    first, second = reply(other, other_member, "one"), reply(other, other_member, "two")
    unrelated = reply(make_thread(category=discussion, author=member), other_member, "elsewhere")

    deliver_due()
    # The first failed: the second waits behind it; another thread's is not held back.
    assert [r.payload["data"]["post"]["id"] for r in receiver.received] == [first.pk, unrelated.pk]
    assert Delivery.objects.filter(status="pending").count() == 2

    deliver_due(now=later(1))
    sent = [r.payload["data"]["post"]["id"] for r in receiver.received]
    assert sent == [first.pk, unrelated.pk, first.pk, second.pk]


def test_a_thread_moved_to_a_staff_only_category_after_queueing_is_withheld_from_public_webhooks(
    make_webhook, receiver, thread, other_member, staff_category, moderator
):
    public = make_webhook("public", events=["reply.posted"])
    staff = make_webhook("staff", events=["reply.posted"], staff_level=True)
    reply(thread, other_member)
    services.move_thread(thread=thread, by=moderator, category=staff_category)

    deliver_due()
    assert [r.path for r in receiver.received] == ["/staff"]
    withheld = Delivery.objects.get(webhook=public)
    assert (withheld.status, withheld.attempts) == ("failed", 0)
    assert withheld.error.startswith("Withheld")
    assert Delivery.objects.get(webhook=staff).status == "succeeded"


@pytest.mark.parametrize("action", [actions.hide_post, actions.delete_post], ids=["hidden", "deleted"])
def test_a_reply_hidden_or_deleted_after_queueing_is_withheld_from_public_webhooks(
    make_webhook, receiver, thread, other_member, moderator, action
):
    public = make_webhook("public", events=["reply.posted"])
    make_webhook("staff", events=["reply.posted"], staff_level=True)
    kept = reply(thread, other_member, "A warm white one.")
    removed = reply(thread, other_member, "My order number is 4411-2290.")
    action(post=removed, by=moderator, reason="Private details")

    deliver_due()
    by_path = sorted((r.path, r.payload["data"]["post"]["id"]) for r in receiver.received)
    assert by_path == [("/public", kept.pk), ("/staff", kept.pk), ("/staff", removed.pk)]
    withheld = Delivery.objects.get(webhook=public, post=removed)
    assert (withheld.status, withheld.attempts) == ("failed", 0)
    assert withheld.error.startswith("Withheld: the post")


def test_nothing_is_lost_while_the_endpoint_is_down(make_webhook, admin_member, thread, other_member):
    port = free_port()  # nobody listens there yet
    desk = Receiver(port)
    webhook = make_webhook("down", events=["reply.posted"], url=f"http://127.0.0.1:{port}/down")
    desk.secrets["/down"] = webhook.secret
    posts = [reply(thread, other_member, f"reply {n}") for n in range(3)]

    deliver_due()
    assert Delivery.objects.filter(status="pending", attempts=1).count() == 1  # the others wait behind it
    assert Delivery.objects.get(attempts=1).error.startswith("ConnectionError")

    desk.start()
    try:
        deliver_due(now=later(1))
    finally:
        desk.stop()
    assert [r.payload["data"]["post"]["id"] for r in desk.received] == [post.pk for post in posts]
    assert all(r.signed for r in desk.received)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"succeeded"}


def test_a_paused_webhook_keeps_its_queue_until_it_is_active_again(make_webhook, receiver, thread, other_member):
    from integrations import services as webhook_services

    webhook = make_webhook(events=["reply.posted"])
    reply(thread, other_member)
    webhook.is_active = False
    webhook_services.save_webhook(webhook=webhook, by=webhook.created_by)
    assert deliver_due() == 0
    webhook.is_active = True
    webhook_services.save_webhook(webhook=webhook, by=webhook.created_by)
    assert deliver_due() == 1
    assert receiver.events() == ["reply.posted"]


def test_the_worker_command_delivers_and_clears_the_old_log(make_webhook, receiver, thread, other_member, capsys):
    make_webhook(events=["reply.posted"])
    reply(thread, other_member)
    reply(thread, other_member)
    Delivery.objects.filter(pk=Delivery.objects.earliest("pk").pk).update(
        status="succeeded", created_at=timezone.now() - timedelta(days=31)
    )
    call_command("deliver_webhooks")
    assert "1 webhook delivery(ies) done." in capsys.readouterr().out
    assert list(Delivery.objects.values_list("status", flat=True)) == ["succeeded"]
    assert len(receiver.received) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_delivery_once(make_webhook, receiver, make_thread, discussion, member):
    make_webhook(events=["thread.posted"])
    for n in range(8):
        make_thread(category=discussion, author=member, title=f"Question number {n}")
    assert all_at_once([deliver_due, deliver_due]) == []
    sent = [r.payload["data"]["thread"]["title"] for r in receiver.received]
    assert sorted(sent) == [f"Question number {n}" for n in range(8)]
    assert set(Delivery.objects.values_list("status", "attempts")) == {("succeeded", 1)}


@pytest.mark.parametrize(
    ("change", "accepted"),
    [
        ({}, True),
        ({"body": b'{"event": "forged"}'}, False),
        ({"secret": "another"}, False),
        ({"age": 301}, False),
        ({"header": "v1=abc"}, False),
    ],
)
def test_the_readme_s_verifier_accepts_only_a_fresh_signature_of_the_very_body(change, accepted):
    secret, body = "s3cret", b'{"event": "ping"}'
    signed_at = int(time.time()) - change.get("age", 0)
    header = change.get("header") or signing.signature_header(change.get("secret", secret), signed_at, body)
    assert verify(secret, header, change.get("body", body)) is accepted
