"""Webhooks in the Django admin: administrators only (even staff of the Django admin holding the
model permissions get 403); a new webhook's secret, the checks on its URL and events, the test
ping and the redelivery, through the real admin views."""

import pytest
from django.contrib.auth.models import Permission

from integrations.delivery import deliver_due
from integrations.models import Delivery, Webhook

pytestmark = pytest.mark.django_db

PAGES = [
    "/admin/integrations/webhook/",
    "/admin/integrations/webhook/add/",
    "/admin/integrations/delivery/",
]


@pytest.fixture
def admin_staff(make_member):
    """In the Django admin (is_staff) with every permission on webhooks, but not an administrator."""
    member = make_member("clerk", moderator=True)
    member.is_staff = True
    member.save(update_fields=["is_staff"])
    member.user_permissions.set(Permission.objects.filter(content_type__app_label="integrations"))
    return member


@pytest.fixture
def people(member, staff_member, moderator, admin_staff, admin_member):
    return {
        "visitor": None,
        "member": member,
        "staff": staff_member,
        "moderator": moderator,
        "admin staff": admin_staff,
        "admin": admin_member,
    }


@pytest.mark.parametrize("who", ["visitor", "member", "staff", "moderator", "admin staff", "admin"])
def test_only_administrators_open_the_webhooks_pages(client, people, make_webhook, who, django_assert_max_num_queries):
    webhook = make_webhook()
    if people[who] is not None:
        client.force_login(people[who])
    for url in [*PAGES, f"/admin/integrations/webhook/{webhook.pk}/change/"]:
        with django_assert_max_num_queries(12):
            response = client.get(url)
        expected = {"admin": 200, "admin staff": 403}.get(who, 302)
        assert response.status_code == expected, (url, response.status_code)
        if expected == 302:
            assert response["Location"].startswith("/admin/login/")


def test_an_administrator_adds_a_webhook_and_reads_its_secret_on_its_page(admin_client, admin_member):
    response = admin_client.post(
        "/admin/integrations/webhook/add/",
        {"name": "Help desk", "url": "https://desk.example.com/agora", "events": ["reply.posted"], "is_active": "on"},
    )
    assert response.status_code == 302
    webhook = Webhook.objects.get()
    assert (webhook.events, webhook.created_by, webhook.staff_level) == (["reply.posted"], admin_member, False)
    assert len(webhook.secret) >= 40
    page = admin_client.get(f"/admin/integrations/webhook/{webhook.pk}/change/")
    assert webhook.secret in page.content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"url": "ftp://desk.example.com/"}, "Enter an http:// or https:// address."),
        ({"url": "file:///etc/passwd"}, "Enter a valid URL."),
        ({"events": ["report.filed"]}, "sent to staff-level webhooks only"),
    ],
)
def test_the_form_refuses_what_a_webhook_may_not_be(admin_client, fields, message):
    data = {"name": "Desk", "url": "https://desk.example.com/", "events": ["reply.posted"], **fields}
    response = admin_client.post("/admin/integrations/webhook/add/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Webhook.objects.exists()


def test_a_test_ping_is_queued_and_the_worker_sends_it_even_to_a_paused_webhook(admin_client, make_webhook, receiver):
    webhook = make_webhook(active=False)
    response = admin_client.post(
        "/admin/integrations/webhook/", {"action": "send_test_ping", "_selected_action": [webhook.pk]}, follow=True
    )
    assert "A ping is queued for 1 webhook" in response.content.decode()
    deliver_due()
    [ping] = receiver.received
    assert ping.signed and ping.payload["event"] == "ping"
    assert ping.payload["data"]["webhook"] == {"id": webhook.pk, "name": "desk"}


def test_redeliver_queues_the_same_body_again_as_a_new_delivery(
    admin_client, make_webhook, receiver, make_thread, discussion, member
):
    make_webhook(events=["thread.posted"])
    make_thread(category=discussion, author=member)
    deliver_due()
    first = Delivery.objects.get()
    response = admin_client.post(
        "/admin/integrations/delivery/", {"action": "redeliver", "_selected_action": [first.pk]}, follow=True
    )
    assert "1 delivery is queued again" in response.content.decode()
    deliver_due()
    again = Delivery.objects.exclude(pk=first.pk).get()
    assert (again.payload, again.thread_id, again.status) == (first.payload, first.thread_id, "succeeded")
    assert [r.headers["Agora-Delivery"] for r in receiver.received] == [str(first.pk), str(again.pk)]
    assert receiver.received[0].payload["id"] == receiver.received[1].payload["id"]  # the same event


def test_staff_of_the_django_admin_cannot_ping_redeliver_or_delete(client, admin_staff, make_webhook):
    webhook = make_webhook()
    client.force_login(admin_staff)
    for url, action in [
        ("/admin/integrations/webhook/", "send_test_ping"),
        ("/admin/integrations/webhook/", "delete_selected"),
        ("/admin/integrations/delivery/", "redeliver"),
    ]:
        response = client.post(url, {"action": action, "_selected_action": [webhook.pk], "post": "yes"})
        assert response.status_code == 403
    assert Webhook.objects.exists() and not Delivery.objects.exists()


def test_deleting_a_webhook_stops_its_events_at_once(admin_client, make_webhook, make_thread, discussion, member):
    webhook = make_webhook()
    make_thread(category=discussion, author=member)
    response = admin_client.post(f"/admin/integrations/webhook/{webhook.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Webhook.objects.exists() and not Delivery.objects.exists()
    make_thread(category=discussion, author=member)
    assert not Delivery.objects.exists()
