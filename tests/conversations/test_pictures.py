"""Pictures in private messages: sent as a post's are, shown in the conversation, and served
(full size and thumbnail) to whoever may read the conversation and to nobody else, over the
matrix of readers, from the outside. No post takes them, no public page shows them, and
remove_stale_uploads keeps them while their message is kept."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from conversations import services
from tests.uploads import conftest as uploads
from tests.uploads.conftest import key_of, picture, stored_files
from uploads.models import Upload

# The uploads tests' fixtures: pictures sent as the composer sends them, into a temporary folder.
upload_as, uploads_root = uploads.upload_as, uploads.uploads_root

READERS = ("visitor", "author", "other member", "staff", "moderator", "suspended", "admin")


@pytest.fixture
def readers(member, other_member, staff_member, moderator, admin_member, make_member):
    suspended = make_member("sam", suspended_until=timezone.now() + timedelta(days=3))
    return {
        "visitor": None,
        "author": member,
        "other member": other_member,
        "staff": staff_member,
        "moderator": moderator,
        "suspended": suspended,
        "admin": admin_member,
    }


@pytest.fixture
def shown(settings, upload_as, member):
    """Alice sends the team a picture of her parcel: a picture with a thumbnail, in her first message."""
    settings.UPLOAD_THUMBNAIL_SIDE = 100
    answer = upload_as(member, picture("PNG", size=(300, 200)))
    conversation = services.start_team_conversation(
        member=member, subject="My parcel arrived broken", body=f"Look at the box:\n\n{answer['markdown']}"
    )
    return conversation, answer


def statuses(client, readers, urls) -> dict:
    """Each reader's answer, the same for every address of the picture or it says which."""
    found = {}
    for name, reader in readers.items():
        client.logout()
        if reader is not None:
            client.force_login(reader)
        codes = {client.get(url).status_code for url in urls}
        found[name] = codes.pop() if len(codes) == 1 else codes
    return found


def addresses(answer) -> list[str]:
    assert answer["thumbnail"] != answer["url"]
    return [answer["url"], answer["thumbnail"]]


def test_a_message_shows_its_picture_as_a_thumbnail_and_its_composer_takes_pictures(client, shown, member):
    conversation, answer = shown
    client.force_login(member)

    page = client.get(conversation.get_absolute_url()).content.decode()

    assert f'<a href="{answer["url"]}" class="picture"' in page and f'<img src="{answer["thumbnail"]}"' in page
    assert "data-pictures" in page and "js/pictures.js" in page
    assert Upload.objects.get().held_by == f"message:{conversation.messages.get().pk}"


def test_a_picture_in_a_conversation_with_the_team_is_seen_by_its_readers_alone(client, readers, shown, moderator):
    conversation, answer = shown
    urls = addresses(answer)
    alone = {**dict.fromkeys(READERS, 404), "author": 200, "staff": 200, "admin": 200}

    assert statuses(client, readers, urls) == alone

    report = services.report_conversation(conversation=conversation, reporter=readers["author"], reason="Test")
    assert statuses(client, {"moderator": moderator}, urls) == {"moderator": 200}

    services.resolve_reports(conversation=report.conversation, by=moderator)
    assert statuses(client, readers, urls) == alone


def test_a_picture_between_members_is_seen_by_the_two_alone_not_by_staff(
    client,
    settings,
    readers,
    upload_as,
    member,
    other_member,
):
    settings.MEMBER_MESSAGES, settings.MEMBER_MESSAGES_MIN_REPUTATION = True, 0
    answer = upload_as(other_member)
    conversation = services.start_member_conversation(
        sender=member, recipient=other_member, subject="Your lamp settings", body="Which scene do you use?"
    )
    services.post_message(conversation=conversation, author=other_member, body=f"This one: {answer['markdown']}")

    assert statuses(client, readers, [answer["url"]]) == {
        **dict.fromkeys(READERS, 404),
        "author": 200,
        "other member": 200,
    }


def test_a_suspended_member_still_sees_the_pictures_of_their_own_conversation(client, shown, member):
    _conversation, answer = shown
    type(member).objects.filter(pk=member.pk).update(suspended_until=timezone.now() + timedelta(days=3))

    client.force_login(member)

    assert client.get(answer["url"]).status_code == 200


def test_a_post_never_takes_a_messages_picture_and_shows_it_as_a_link(client, shown, member, make_thread, discussion):
    _conversation, answer = shown

    thread = make_thread(category=discussion, author=member, body=f"Public: {answer['markdown']}")

    post = thread.posts.get()
    assert Upload.objects.get().post is None
    assert "<img" not in post.body_html and answer["url"] in post.body_html
    client.logout()
    assert client.get(answer["url"]).status_code == 404


def test_a_message_takes_only_its_authors_pictures_that_nothing_shows_yet(
    upload_as,
    member,
    staff_member,
    make_thread,
    discussion,
):
    in_a_post = upload_as(member)
    make_thread(category=discussion, author=member, body=in_a_post["markdown"])
    someone_elses = upload_as(staff_member)

    services.start_team_conversation(
        member=member, subject="Two pictures", body=f"{in_a_post['markdown']} {someone_elses['markdown']}"
    )

    assert not Upload.objects.exclude(held_by="").exists()


def test_stale_removal_keeps_the_pictures_messages_hold(shown, upload_as, member, uploads_root):
    _conversation, answer = shown
    unused = upload_as(member)
    Upload.objects.update(created_at=timezone.now() - timedelta(days=3))

    call_command("remove_stale_uploads")

    assert list(Upload.objects.values_list("key", flat=True)) == [key_of(answer)]
    assert len(stored_files(uploads_root)) == 2  # the picture and its thumbnail
    assert key_of(unused) not in str(stored_files(uploads_root))


def test_a_picture_whose_message_is_gone_is_seen_by_nobody(client, shown, member):
    conversation, answer = shown
    conversation.delete()

    client.force_login(member)

    assert client.get(answer["url"]).status_code == 404
