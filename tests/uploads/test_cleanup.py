"""remove_stale_uploads: pictures no post references, sent more than 24 hours ago, are removed
(rows and files); those a post shows, and recent ones, stay."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from forum import services
from tests.uploads.conftest import key_of, picture, stored_files
from uploads import services as upload_services
from uploads.models import Upload


def age(answer, hours):
    Upload.objects.filter(key=key_of(answer)).update(created_at=timezone.now() - timedelta(hours=hours))


def test_pictures_never_attached_within_a_day_are_removed_with_their_files(
    upload_as, member, discussion, make_thread, uploads_root, capsys, settings
):
    settings.UPLOAD_THUMBNAIL_SIDE = 100
    stale = upload_as(member, picture("PNG", size=(300, 200)))  # a file and its thumbnail
    recent = upload_as(member)
    shown = upload_as(member)
    make_thread(category=discussion, author=member, body=shown["markdown"])
    age(stale, 25)
    age(shown, 25)
    age(recent, 23)

    call_command("remove_stale_uploads")

    assert set(Upload.objects.values_list("key", flat=True)) == {key_of(recent), key_of(shown)}
    assert len(stored_files(uploads_root)) == 2
    assert capsys.readouterr().out.strip() == "1 pictures removed"


def test_a_picture_an_edit_took_out_of_its_post_is_removed_a_day_after_it_was_sent(
    upload_as, member, discussion, make_thread, uploads_root
):
    answer = upload_as(member)
    thread = make_thread(category=discussion, author=member, body=answer["markdown"])
    services.edit_post(post=thread.posts.get(), editor=member, body="On second thought, no picture.")
    age(answer, 25)

    call_command("remove_stale_uploads")

    assert not Upload.objects.exists()
    assert stored_files(uploads_root) == []


def test_a_removed_picture_is_no_longer_served(client, upload_as, member):
    answer = upload_as(member)
    age(answer, 30)
    call_command("remove_stale_uploads")
    client.force_login(member)

    assert client.get(answer["url"]).status_code == 404


def test_many_stale_pictures_go_batch_after_batch(upload_as, member, uploads_root, monkeypatch):
    monkeypatch.setattr(upload_services, "BATCH", 2)
    for _ in range(5):
        upload_as(member)
    Upload.objects.update(created_at=timezone.now() - timedelta(days=2))

    assert upload_services.remove_stale_uploads() == 5
    assert not Upload.objects.exists()
    assert stored_files(uploads_root) == []
