"""A picture is seen by whoever may read the body of the post that shows it, over the matrix
of readers, and follows the post: hidden, deleted, moved to a staff-only category. Before a
post shows it, only its uploader sees it. Sending pictures is for members who may post."""

import pytest

from forum import services
from forum.models import Visibility
from tests.uploads.conftest import picture, send
from uploads.models import Upload

READERS = ("visitor", "member", "author", "staff", "moderator", "suspended")


@pytest.fixture
def readers(make_member, member, staff_member, moderator, suspended_member):
    """Each reader of the matrix; the author is Alice (`member`)."""
    return {
        "visitor": None,
        "member": make_member("reader"),
        "author": member,
        "staff": staff_member,
        "moderator": moderator,
        "suspended": suspended_member,
    }


@pytest.fixture
def posted(upload_as, make_thread, discussion, member, other_member):
    """Alice's reply, in a public thread, shows a picture she uploaded."""
    answer = upload_as(member)
    thread = make_thread(category=discussion, author=other_member)
    post = services.post_reply(thread=thread, author=member, body=f"Here is mine:\n\n{answer['markdown']}")
    return post, answer


def status_for(client, reader, url):
    client.logout()
    if reader is not None:
        client.force_login(reader)
    return client.get(url).status_code


def statuses(client, readers, url) -> dict:
    return {name: status_for(client, reader, url) for name, reader in readers.items()}


def test_a_picture_in_a_visible_public_post_is_seen_by_everyone(client, readers, posted):
    _post, answer = posted

    assert statuses(client, readers, answer["url"]) == dict.fromkeys(READERS, 200)
    assert statuses(client, readers, answer["thumbnail"]) == dict.fromkeys(READERS, 200)


def test_a_picture_in_a_hidden_post_is_seen_by_its_author_and_moderators_only(client, readers, posted, moderator):
    post, answer = posted

    services.set_post_visibility(post=post, by=moderator, visibility=Visibility.HIDDEN, reason="spam")

    assert statuses(client, readers, answer["url"]) == {
        "visitor": 404,
        "member": 404,
        "author": 200,
        "staff": 404,
        "moderator": 200,
        "suspended": 404,
    }


def test_a_picture_in_a_deleted_post_is_seen_by_moderators_only(client, readers, posted, moderator):
    post, answer = posted

    services.set_post_visibility(post=post, by=moderator, visibility=Visibility.DELETED)

    assert statuses(client, readers, answer["url"]) == {**dict.fromkeys(READERS, 404), "moderator": 200}


def test_a_picture_moved_with_its_thread_to_a_staff_only_category_is_seen_by_staff_and_moderators(
    client, readers, posted, moderator, staff_category
):
    post, answer = posted

    services.move_thread(thread=post.thread, by=moderator, category=staff_category)

    assert statuses(client, readers, answer["url"]) == {
        **dict.fromkeys(READERS, 404),
        "staff": 200,
        "moderator": 200,
    }


def test_a_picture_restored_with_its_post_is_seen_again(client, readers, posted, moderator):
    post, answer = posted
    services.set_post_visibility(post=post, by=moderator, visibility=Visibility.HIDDEN)

    services.set_post_visibility(post=post, by=moderator, visibility=Visibility.VISIBLE)

    assert statuses(client, readers, answer["url"]) == dict.fromkeys(READERS, 200)


def test_a_picture_in_a_staff_only_thread_is_never_seen_by_members(
    client, readers, upload_as, staff_member, staff_category, make_thread
):
    answer = upload_as(staff_member)
    make_thread(category=staff_category, author=staff_member, body=answer["markdown"])

    assert statuses(client, readers, answer["url"]) == {
        **dict.fromkeys(READERS, 404),
        "staff": 200,
        "moderator": 200,
    }


def test_a_picture_no_post_shows_yet_is_seen_by_its_uploader_only(client, readers, upload_as, member):
    answer = upload_as(member)

    assert statuses(client, readers, answer["url"]) == {**dict.fromkeys(READERS, 404), "author": 200}


def test_a_picture_another_member_uploaded_is_not_taken_by_a_post_that_names_it(
    client, readers, upload_as, member, other_member, make_thread, discussion
):
    """Knowing a picture's address does not make it one's own: it stays its uploader's."""
    answer = upload_as(member)

    make_thread(category=discussion, author=other_member, body=f"Look: {answer['markdown']}")

    assert Upload.objects.get().post is None
    assert statuses(client, readers, answer["url"]) == {**dict.fromkeys(READERS, 404), "author": 200}


@pytest.mark.parametrize(("reader", "status"), [("visitor", 403), ("suspended", 403), ("member", 201), ("staff", 201)])
def test_only_members_who_may_post_can_send_pictures(client, readers, reader, status, uploads_root):
    if readers[reader] is not None:
        client.force_login(readers[reader])

    response = send(client, picture("PNG"))

    assert response.status_code == status
    assert Upload.objects.count() == (1 if status == 201 else 0)
    if status == 403:
        assert response.json()["error"]


def test_sending_a_picture_needs_the_csrf_token(member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = send(client, picture("PNG"))

    assert response.status_code == 403
    assert not Upload.objects.exists()


def test_the_upload_address_takes_only_posts(client, member):
    client.force_login(member)

    assert client.get("/uploads/").status_code == 405
