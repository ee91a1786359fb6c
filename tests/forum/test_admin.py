"""The admin shows threads and posts but never changes them: the site's services do."""

import pytest
from django.urls import reverse

from forum.models import Post, Visibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def reply(make_thread, discussion, member, other_member):
    from forum import services

    thread = make_thread(category=discussion, author=member, title="Kettle lid stuck")
    return services.post_reply(thread=thread, author=other_member, body="Twist it the other way.")


@pytest.mark.parametrize("model", ["thread", "post"])
def test_the_lists_show_content_within_a_query_budget(admin_client, reply, model, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse(f"admin:forum_{model}_changelist"))

    assert response.status_code == 200
    assert b"Kettle lid stuck" in response.content
    assert f'href="{reverse(f"admin:forum_{model}_add")}"'.encode() not in response.content


def test_a_post_is_shown_read_only_and_a_forged_save_changes_nothing(admin_client, reply):
    url = reverse("admin:forum_post_change", args=[reply.pk])

    page = admin_client.get(url)
    assert page.status_code == 200
    assert b"Twist it the other way." in page.content
    assert b'name="_save"' not in page.content

    forged = admin_client.post(url, {"visibility": Visibility.HIDDEN, "body": "Changed"})
    assert forged.status_code == 403
    reply.refresh_from_db()
    assert (reply.visibility, reply.body) == (Visibility.VISIBLE, "Twist it the other way.")


@pytest.mark.parametrize("model", ["thread", "post"])
def test_content_is_never_added_or_deleted_in_the_admin(admin_client, reply, model):
    target = reply.thread if model == "thread" else reply

    assert admin_client.get(reverse(f"admin:forum_{model}_add")).status_code == 403
    assert (
        admin_client.post(reverse(f"admin:forum_{model}_delete", args=[target.pk]), {"post": "yes"}).status_code == 403
    )
    assert Post.objects.filter(pk=reply.pk).exists()


def test_categories_are_still_edited_in_the_admin(admin_client, discussion):
    page = admin_client.get(reverse("admin:forum_category_change", args=[discussion.pk]))

    assert page.status_code == 200
    assert b'name="_save"' in page.content
