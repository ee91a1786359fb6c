"""Posts show their pictures as thumbnails that open the full picture, with their size set
and loaded lazily; a post takes the pictures its message references when it is written or
edited, and lets go of those an edit removed. Remote images are links, never loaded."""

import re

import pytest

from forum import services
from tests.uploads.conftest import key_of, picture
from uploads.models import Upload


@pytest.fixture
def big_answer(upload_as, member, settings):
    settings.UPLOAD_THUMBNAIL_SIDE = 100
    return upload_as(member, picture("PNG", size=(400, 200)), "Lamp settings.png")


def test_a_reply_shows_its_picture_as_a_sized_lazy_thumbnail_that_opens_the_full_picture(
    client, member, other_member, discussion, make_thread, big_answer
):
    thread = make_thread(category=discussion, author=other_member)

    post = services.post_reply(thread=thread, author=member, body=f"The right setting:\n\n{big_answer['markdown']}")

    html = client.get(thread.get_absolute_url()).content.decode()
    expected = (
        f'<a href="{big_answer["url"]}" class="picture" rel="nofollow ugc noopener">'
        f'<img src="{big_answer["thumbnail"]}" alt="Lamp settings" width="100" height="50" loading="lazy"></a>'
    )
    assert expected in html
    assert Upload.objects.get().post == post


def test_a_new_thread_takes_the_pictures_of_its_opening_post(upload_as, member, discussion, make_thread):
    answers = [upload_as(member) for _ in range(3)]

    thread = make_thread(category=discussion, author=member, body="\n\n".join(a["markdown"] for a in answers))

    assert set(Upload.objects.values_list("post", flat=True)) == {thread.posts.get().pk}


def test_an_edit_takes_the_pictures_it_adds_and_lets_go_of_those_it_removes(upload_as, member, discussion, make_thread):
    first, second = upload_as(member), upload_as(member)
    thread = make_thread(category=discussion, author=member, body=f"Before: {first['markdown']}")
    post = thread.posts.get()

    services.edit_post(post=post, editor=member, body=f"After: {second['markdown']}")

    attached = dict(Upload.objects.values_list("key", "post"))
    assert attached == {key_of(first): None, key_of(second): post.pk}


def test_a_moderator_who_edits_a_post_attaches_pictures_they_uploaded(
    upload_as, member, moderator, discussion, make_thread
):
    thread = make_thread(category=discussion, author=member, body="No picture yet.")
    answer = upload_as(moderator)

    services.edit_post(post=thread.posts.get(), editor=moderator, body=f"With the moderator's: {answer['markdown']}")

    assert Upload.objects.get().post == thread.posts.get()


def test_a_remote_image_in_a_post_is_a_link_and_never_an_image(client, member, discussion, make_thread):
    thread = make_thread(category=discussion, author=member, body="![tracking pixel](https://tracker.example/p.gif)")

    html = client.get(thread.get_absolute_url()).content.decode()

    assert '<a href="https://tracker.example/p.gif" rel="nofollow ugc noopener">tracking pixel</a>' in html
    assert not re.search(r'<img[^>]+src="https?://', html)


def test_pages_no_longer_allow_images_from_other_hosts(client, member, discussion, make_thread):
    thread = make_thread(category=discussion, author=member)

    policy = client.get(thread.get_absolute_url())["Content-Security-Policy"]

    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["img-src"] == "'self'"


def test_the_preview_shows_pictures_as_the_post_will(client, member, big_answer):
    client.force_login(member)

    response = client.post("/preview/", {"body": big_answer["markdown"]})

    assert f'<img src="{big_answer["thumbnail"]}"' in response.content.decode()


def test_a_thread_with_many_pictures_renders_within_a_query_budget(
    client, upload_as, member, other_member, discussion, make_thread, django_assert_max_num_queries
):
    thread = make_thread(category=discussion, author=other_member)
    for _ in range(10):
        answer = upload_as(member)
        services.post_reply(thread=thread, author=member, body=f"{answer['markdown']} {answer['markdown']}")
    client.force_login(other_member)

    with django_assert_max_num_queries(25):
        html = client.get(thread.get_absolute_url()).content.decode()

    assert html.count('class="picture"') == 20


def test_a_picture_is_served_within_a_query_budget(client, posted_picture, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get(posted_picture["url"])

    assert response.status_code == 200


@pytest.fixture
def posted_picture(upload_as, member, discussion, make_thread):
    answer = upload_as(member)
    make_thread(category=discussion, author=member, body=answer["markdown"])
    return answer


def test_a_threads_feed_carries_its_pictures_and_a_feed_reader_may_load_them(client, posted_picture, discussion):
    thread = Upload.objects.get().post.thread

    feed = client.get(f"/t/{thread.slug}/{thread.pk}/feed/").content.decode()

    assert posted_picture["thumbnail"] in feed
    assert client.get(posted_picture["url"]).status_code == 200  # a feed reader has no session


def test_a_hidden_posts_pictures_leave_its_threads_feed_with_it(client, posted_picture, moderator):
    post = Upload.objects.get().post
    services.set_post_visibility(post=post, by=moderator, visibility="hidden")
    thread = post.thread

    response = client.get(f"/t/{thread.slug}/{thread.pk}/feed/")

    assert posted_picture["thumbnail"] not in response.content.decode()
    assert client.get(posted_picture["url"]).status_code == 404


def test_a_quoted_picture_shows_in_the_quote_and_still_follows_its_own_post(
    client, upload_as, member, other_member, moderator, discussion, make_thread
):
    answer = upload_as(member)
    thread = make_thread(category=discussion, author=member, body=f"Mine:\n\n{answer['markdown']}")
    opening = thread.posts.get()

    quoting = services.post_reply(thread=thread, author=other_member, body=f"> {answer['markdown']}\n\nNice lamp.")

    assert f'<img src="{answer["thumbnail"]}"' in quoting.body_html
    assert Upload.objects.get().post == opening
    services.set_post_visibility(post=opening, by=moderator, visibility="hidden")
    client.force_login(other_member)
    assert client.get(answer["url"]).status_code == 404
