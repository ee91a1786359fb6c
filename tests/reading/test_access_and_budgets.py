"""Read state on the lists: who sees what (visitor, member, author, staff, moderator, suspended
member), nothing of a staff-only category for those who may not read it, one query for the
marks of a whole page, and members' shared copies keeping each reader's marks their own."""

from datetime import timedelta

import pytest
from django.utils import timezone
from taggit.models import Tag

from forum import services as forum
from forum.models import Post, Thread
from reading import bookmarks, following, services, watching
from reading.models import ReadState
from tests.reading.clients import as_

pytestmark = pytest.mark.django_db

ROLES = ["visitor", "member", "author", "staff", "moderator", "suspended"]
STAFF_TITLE = "Roadmap for the staff"


@pytest.fixture
def people(make_member, member, staff_member, moderator):
    return {
        "visitor": None,
        "member": make_member("carla"),
        "author": member,
        "staff": staff_member,
        "moderator": moderator,
        "suspended": make_member("sam", suspended_until=timezone.now() + timedelta(days=3), suspension_reason="Spam"),
    }


@pytest.fixture
def public_thread(make_thread, discussion, member, other_member):
    return make_thread(category=discussion, author=member, title="Lamps for a reading corner")


@pytest.fixture
def staff_thread(make_thread, staff_category, staff_member):
    return make_thread(category=staff_category, author=staff_member, title=STAFF_TITLE)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_new_marks_on_the_threads_it_may_read_and_only_those(role, people, public_thread, staff_thread):
    person = people[role]
    html = as_(person).get("/").content.decode()

    sees_staff = role in ("staff", "moderator")
    assert (STAFF_TITLE in html) is sees_staff
    marked_new = html.count("badge-new")
    # New to everyone but its author, and to visitors nothing is new.
    expected = 0 if role == "visitor" else (role != "author") + (sees_staff and role != "staff")
    assert marked_new == expected


@pytest.mark.parametrize("role", ["member", "author", "suspended"])
@pytest.mark.parametrize("filter", ["new", "unread"])
def test_a_staff_only_thread_never_reaches_a_members_filters_even_once_read(
    role, filter, people, public_thread, staff_thread, make_thread, staff_member
):
    person = people[role]
    ReadState.objects.create(member=person, thread=staff_thread, read_at=timezone.now(), replies_read=0)
    forum.post_reply(thread=staff_thread, author=staff_member, body="A reply only staff may read.")
    Thread.objects.filter(pk=staff_thread.pk).update(created_at=timezone.now())

    for url in (f"/?filter={filter}", "/c/general/?filter=" + filter):
        html = as_(person).get(url).content.decode()
        assert STAFF_TITLE not in html
    assert as_(person).get(f"/c/staff-room/?filter={filter}").status_code == 404


def test_a_thread_moved_to_a_staff_only_category_leaves_the_members_unread_list(
    member, other_member, public_thread, staff_category, moderator, report
):
    client = as_(other_member)
    report(client, Post.objects.get(thread=public_thread))
    forum.post_reply(thread=public_thread, author=member, body="Any other ideas?")
    assert "Lamps for a reading corner" in client.get("/?filter=unread").content.decode()

    forum.move_thread(thread=public_thread, by=moderator, category=staff_category)

    assert "Lamps for a reading corner" not in client.get("/?filter=unread").content.decode()
    assert client.get(f"{public_thread.get_absolute_url()}unread/").status_code == 404


@pytest.fixture
def fifty_threads(discussion, make_member):
    """50 threads by 10 authors with 0 to 4 replies each; the reader read 30 of them, 20 of those
    have unread replies since."""
    authors = [make_member(f"writer{n}") for n in range(10)]
    now = timezone.now()
    threads = Thread.objects.bulk_create(
        Thread(
            category=discussion,
            title=f"Thread number {n}",
            slug=f"thread-number-{n}",
            author=authors[n % 10],
            last_poster=authors[(n + 1) % 10],
            created_at=now - timedelta(hours=n),
            last_activity_at=now - timedelta(minutes=n),
            reply_count=n % 5,
        )
        for n in range(50)
    )
    return threads


def read_some(reader, threads):
    ReadState.objects.bulk_create(
        ReadState(
            member=reader, thread=thread, read_at=thread.created_at, replies_read=0 if n < 20 else thread.reply_count
        )
        for n, thread in enumerate(threads[:30])
    )


def test_a_members_home_with_unread_counts_takes_at_most_8_queries(
    settings, member, fifty_threads, django_assert_max_num_queries
):
    settings.THREADS_PER_PAGE = 50
    read_some(member, fifty_threads)
    client = as_(member)

    # The first page also reads the site's announcement and the member's watches, cached from then on.
    for limit in (10, 8):
        with django_assert_max_num_queries(limit):
            html = client.get("/").content.decode()

    assert html.count('class="thread-row') == 50
    assert html.count("badge-unread") == 16  # the first 20 read, less those with no reply
    assert html.count("badge-new") == 20


@pytest.mark.parametrize("url", ["/", "/?filter=new", "/?filter=unread", "/c/general/", "/c/general/?filter=unread"])
def test_no_list_takes_a_query_per_thread(settings, member, fifty_threads, url, django_assert_max_num_queries):
    settings.THREADS_PER_PAGE = 50
    read_some(member, fifty_threads)
    client = as_(member)
    counts = []

    for shown in (10, 50):
        settings.THREADS_PER_PAGE = shown
        client.get(url)
        with django_assert_max_num_queries(8) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))

    assert counts[0] == counts[1]


def test_a_shared_copy_of_a_list_carries_each_members_own_marks(settings, member, other_member, public_thread, carol):
    settings.PAGE_CACHE = True
    services.mark_category_read(member=other_member, category=public_thread.category)
    first = as_(other_member).get("/")
    assert first.get("X-Page-Cache") != "hit"
    assert "badge-new" not in first.content.decode()

    second = as_(carol).get("/")

    assert second.get("X-Page-Cache") == "hit"
    assert second.content.decode().count("badge-new") == 1


def test_filtered_lists_are_never_shared_between_members(settings, other_member, carol, public_thread):
    settings.PAGE_CACHE = True
    as_(other_member).get("/?filter=new")

    assert as_(carol).get("/?filter=new").get("X-Page-Cache") != "hit"


def test_a_member_who_tracks_a_category_and_a_tag_pays_one_query_for_each_on_the_home_page(
    settings, member, fifty_threads, discussion, django_assert_max_num_queries
):
    settings.THREADS_PER_PAGE = 50
    read_some(member, fifty_threads)
    fifty_threads[0].tags.add("lamps")
    watching.set_watch(member=member, level="tracking", category=discussion)
    watching.set_watch(member=member, level="watching", tag=Tag.objects.get(slug="lamps"))
    client = as_(member)
    client.get("/")

    with django_assert_max_num_queries(10):
        html = client.get("/").content.decode()

    assert "What you track" in html and "#lamps" in html


@pytest.mark.parametrize("model", ["readstate", "watch", "memberfollow", "bookmark"])
def test_the_admin_shows_reading_rows_and_never_changes_them(admin_client, admin_member, member, public_thread, model):
    bookmarks.save_bookmark(member=member, thread=public_thread)
    watching.set_watch(member=member, level="watching", category=public_thread.category)
    following.follow_member(follower=admin_member, followed=member)

    assert admin_client.get(f"/admin/reading/{model}/").status_code == 200
    assert admin_client.get(f"/admin/reading/{model}/add/").status_code == 403
