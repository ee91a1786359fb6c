"""Prepared reads (web/prepared.py) return what their QuerySet returns, on both databases."""

from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.paginator import Paginator
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from forum.models import Post, Thread
from notifications.models import Notification
from notifications.services import unread_count, visible_to
from profiles.models import Member
from web.prepared import Prepared, PreparedError, PreparedList, PreparedUpdate

pytestmark = pytest.mark.django_db


def thread_posts(thread_id):
    return Post.objects.filter(thread_id=thread_id).order_by("created_at", "pk")


def test_rows_are_the_querysets_own_with_each_calls_values(make_thread, discussion, member, other_member):
    first = make_thread(category=discussion, author=member, title="Lampe qui clignote")
    second = make_thread(category=discussion, author=other_member, title="Bridge offline")
    read = Prepared(
        lambda author, since: (
            Thread.objects.filter(author=author, created_at__gte=since)
            .order_by("pk")
            .values_list("pk", "title", "created_at", "is_locked", "category_id")
        )
    )
    an_hour_ago = timezone.now() - timedelta(hours=1)

    for author in (member, other_member):
        expected = list(
            Thread.objects.filter(author=author, created_at__gte=an_hour_ago)
            .order_by("pk")
            .values_list("pk", "title", "created_at", "is_locked", "category_id")
        )
        assert read.rows(author=author.pk, since=an_hour_ago) == expected
    # Converted as the ORM converts: aware datetimes and booleans, on SQLite too.
    ((pk, title, created, locked, _category),) = read.rows(author=member.pk, since=an_hour_ago)
    assert (pk, title, locked) == (first.pk, "Lampe qui clignote", False)
    assert created == first.created_at and created.tzinfo is not None
    assert read.rows(author=second.author_id, since=timezone.now() + timedelta(hours=1)) == []


def test_lists_strings_and_counts(make_thread, discussion, member):
    threads = [make_thread(category=discussion, author=member, title=f"Thread {n}") for n in range(4)]
    read = Prepared(lambda ids, title: Thread.objects.filter(pk__in=ids).exclude(title=title).values_list("pk"))

    ids = [t.pk for t in threads]
    assert sorted(read.rows(ids=ids, title="Thread 0")) == [(t.pk,) for t in threads[1:]]
    assert read.rows(ids=ids[:1], title="Thread 0") == []  # another length
    assert read.count(ids=ids, title="nothing") == 4
    assert read.count(ids=ids[2:], title="Thread 3") == 1


def test_it_compiles_once_per_shape(make_thread, discussion, member, django_assert_num_queries):
    thread = make_thread(category=discussion, author=member)
    built = []

    def build(pk):
        built.append(pk)
        return Thread.objects.filter(pk=pk).values_list("title")

    read = Prepared(build)
    with django_assert_num_queries(3):
        for _ in range(3):
            assert read.rows(pk=thread.pk) == [(thread.title,)]
    assert len(built) == 1
    read.count(pk=thread.pk)
    assert len(built) == 2  # a count is a shape of its own


def test_a_value_used_twice_is_bound_twice(make_thread, discussion, member, other_member):
    mine = make_thread(category=discussion, author=member)
    make_thread(category=discussion, author=other_member)
    read = Prepared(lambda who: Thread.objects.filter(Q(author=who) | Q(last_poster=who)).values_list("pk"))

    assert read.rows(who=member.pk) == [(mine.pk,)]


def test_a_value_that_does_not_reach_the_sql_as_a_parameter_is_refused(member):
    sliced = Prepared(lambda n: Member.objects.order_by("pk").values_list("pk")[:n])
    with pytest.raises(PreparedError, match="n does not reach the SQL"):
        sliced.rows(n=5)
    with pytest.raises(TypeError):
        Prepared(lambda flag: Member.objects.filter(is_active=flag).values_list("pk")).rows(flag=True)
    # A QuerySet the ORM compiles to no SQL at all (on PostgreSQL, a value beyond a column's range).
    with pytest.raises(PreparedError, match="empty for its stand-ins"):
        Prepared(lambda pk: Member.objects.filter(pk=pk, pk__in=[]).values_list("pk")).rows(pk=1)


def test_lists_share_a_compilation_per_power_of_two(make_thread, discussion, member):
    threads = [make_thread(category=discussion, author=member, title=f"Thread {n}") for n in range(5)]
    built = []

    def build(ids):
        built.append(len(ids))
        return Thread.objects.filter(pk__in=ids).order_by("pk").values_list("pk")

    read = Prepared(build)
    ids = [t.pk for t in threads]
    for length in (3, 4, 1, 5, 2):
        assert read.rows(ids=ids[:length]) == [(pk,) for pk in ids[:length]]
    assert built == [4, 1, 8, 2]  # 3 and 4 items are one compilation, padded with the last id


def test_objects_are_the_orms_instances_with_what_select_related_joined(
    make_thread, discussion, member, other_member, django_assert_num_queries
):
    thread = make_thread(category=discussion, author=member, replies=[(other_member, "Me too.")])
    read = Prepared(lambda thread: thread_posts(thread).select_related("author", "endorsed_by", "thread__category"))

    with django_assert_num_queries(1):
        posts = read.objects(thread=thread.pk)
        shown = [(p.pk, p.body, p.author.username, p.endorsed_by, p.thread.category.slug) for p in posts]
    expected = list(thread_posts(thread.pk).select_related("author", "endorsed_by", "thread__category"))
    assert posts == expected and all(isinstance(p, Post) for p in posts)
    assert shown == [(p.pk, p.body, p.author.username, None, discussion.slug) for p in expected]
    assert posts[0].created_at == expected[0].created_at and posts[0]._state.db == "default"
    assert not posts[0]._state.adding


def test_deferred_fields_load_on_access_as_the_orms_do(make_thread, discussion, member):
    thread = make_thread(category=discussion, author=member, title="Only the title")
    (found,) = Prepared(lambda pk: Thread.objects.filter(pk=pk).only("pk", "title")).objects(pk=thread.pk)
    assert found.title == "Only the title" and found.get_deferred_fields() >= {"slug", "author_id"}
    assert found.author_id == member.pk  # read then, by the ORM


def test_a_window_reads_a_slice_with_its_numbers_bound(make_thread, discussion, member, other_member):
    replies = [(other_member, f"Reply {n}") for n in range(7)]
    thread = make_thread(category=discussion, author=member, replies=replies)
    built = []

    def build(thread):
        built.append(thread)
        return thread_posts(thread)

    read = Prepared(build)
    everything = list(thread_posts(thread.pk))
    assert read.objects(thread=thread.pk, window=(0, 3)) == everything[:3]
    assert read.objects(thread=thread.pk, window=(3, 3)) == everything[3:6]
    assert read.objects(thread=thread.pk, window=(6, 3)) == everything[6:]
    assert read.rows(thread=thread.pk, window=(8, 3)) == []
    assert len(built) == 2  # objects and rows: every window of each is one compilation
    with pytest.raises(PreparedError, match="neither sliced nor locked"):
        Prepared(lambda thread: thread_posts(thread)[:2]).objects(thread=thread.pk, window=(0, 1))


def test_a_paginator_pages_through_a_prepared_list(make_thread, discussion, member, other_member):
    thread = make_thread(category=discussion, author=member, replies=[(other_member, f"R{n}") for n in range(6)])
    posts = PreparedList(Prepared(lambda thread: thread_posts(thread)), 3, thread=thread.pk)
    everything = list(thread_posts(thread.pk))

    paginator = Paginator(posts, 3)
    assert (paginator.count, paginator.num_pages) == (7, 3)
    assert [list(paginator.page(n).object_list) for n in (1, 2, 3)] == [everything[:3], everything[3:6], everything[6:]]


def test_uncounted_reads_keep_what_djangos_cursor_checks(make_thread, discussion, member):
    """Outside a query count, SQLite's reads skip Django's cursor (web/prepared.py): they still
    open a closed connection, refuse to run in a broken transaction, and raise Django's errors."""
    thread = make_thread(category=discussion, author=member, title="Still here")
    read = Prepared(lambda pk: Thread.objects.filter(pk=pk).values_list("title"))
    assert read.rows(pk=thread.pk) == [("Still here",)]

    with transaction.atomic():
        transaction.set_rollback(True)  # what an error caught inside the block leaves
        with pytest.raises(TransactionManagementError):
            read.rows(pk=thread.pk)

    broken = Prepared(lambda pk: Thread.objects.filter(pk=pk).extra(where=["no_such_column = 1"]).values_list("pk"))
    with pytest.raises(DatabaseError):  # Django's (the driver's own is not one)
        broken.rows(pk=thread.pk)


def test_an_update_changes_what_the_querysets_update_changes(make_thread, discussion, member, other_member):
    threads = [make_thread(category=discussion, author=member, title=f"Thread {n}") for n in range(4)]
    update = PreparedUpdate(
        lambda ids, poster, when: (
            Thread.objects.filter(pk__in=ids, is_locked=False),
            {
                "reply_count": F("reply_count") + 1,
                "last_poster": poster,
                "last_activity_at": when,
                "first_official_at": Coalesce("first_official_at", when),
                "accepted_answer": None,
            },
        )
    )
    Thread.objects.filter(pk=threads[2].pk).update(is_locked=True)
    when = timezone.now() + timedelta(hours=1)

    assert update.run(ids=[t.pk for t in threads[:3]], poster=other_member.pk, when=when) == 2
    assert update.run(ids=[threads[0].pk], poster=member.pk, when=when + timedelta(hours=1)) == 1

    rows = Thread.objects.order_by("pk").values_list(
        "reply_count", "last_poster", "last_activity_at", "first_official_at"
    )
    counts = [threads[n].reply_count for n in range(4)]
    assert list(rows) == [
        (counts[0] + 2, member.pk, when + timedelta(hours=1), when),
        (counts[1] + 1, other_member.pk, when, when),
        (counts[2], threads[2].last_poster_id, threads[2].last_activity_at, None),
        (counts[3], threads[3].last_poster_id, threads[3].last_activity_at, None),
    ]


def test_an_update_compiles_once_per_shape(make_thread, discussion, member, django_assert_num_queries):
    threads = [make_thread(category=discussion, author=member) for _ in range(3)]
    built = []

    def build(ids):
        built.append(len(ids))
        return Thread.objects.filter(pk__in=ids), {"reply_count": F("reply_count") + 1}

    update = PreparedUpdate(build)
    with django_assert_num_queries(3):
        for length in (3, 4, 3):
            update.run(ids=[t.pk for t in threads][:length])
    assert built == [4]


def test_an_update_of_more_than_one_table_or_with_a_value_out_of_its_sql_is_refused(member):
    joined = PreparedUpdate(lambda name: (Thread.objects.filter(author__username=name), {"is_locked": True}))
    with pytest.raises(PreparedError, match="one table"):
        joined.run(name="alice")
    with pytest.raises(PreparedError, match="pk does not reach the SQL"):
        PreparedUpdate(lambda pk: (Thread.objects.filter(is_locked=False), {"is_locked": True})).run(pk=1)


def test_an_update_that_fails_in_a_transaction_leaves_it_to_roll_back(make_thread, discussion, member):
    thread = make_thread(category=discussion, author=member, title="Kept as it was")
    update = PreparedUpdate(
        lambda pk: (Thread.objects.filter(pk=pk).extra(where=["no_such_column = 1"]), {"title": "Lost"})
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        Thread.objects.filter(pk=thread.pk).update(title="Lost")
        update.run(pk=thread.pk)

    assert Thread.objects.get(pk=thread.pk).title == "Kept as it was"


def test_members_by_key_are_the_orms_members(make_member):
    member = make_member(display_name="Élodie")
    member.suspended_until = timezone.now() + timedelta(days=1)
    member.save()

    prepared = Member.objects.get(pk=member.pk)
    orm = Member.objects.filter(pk=member.pk).get()
    for field in Member._meta.concrete_fields:
        assert getattr(prepared, field.attname) == getattr(orm, field.attname), field.name
    assert prepared._state.adding is False and prepared._state.db == "default"
    assert prepared.is_suspended
    assert Member.objects.get(pk=str(member.pk)) == member  # as the session stores it
    with pytest.raises(Member.DoesNotExist):
        Member.objects.get(pk=member.pk + 1000)
    with pytest.raises(Member.DoesNotExist):
        Member.objects.get(pk=None)
    with pytest.raises(ValueError, match="expected a number"):
        Member.objects.get(pk="not a number")
    assert Member.objects.get(username=member.username) == member  # any other get is the ORM's


def test_sessions_load_only_while_they_live(member):
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(member.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store.create()
    key = store.session_key

    assert import_module(settings.SESSION_ENGINE).SessionStore(key)[SESSION_KEY] == str(member.pk)
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = import_module(settings.SESSION_ENGINE).SessionStore(key)
    assert SESSION_KEY not in expired
    assert expired.session_key is None  # a new session, never the expired one's key


def test_a_sessions_checked_text_gives_each_reader_objects_of_its_own(member):
    """A session's text is checked once per process; each load still gets its own objects, and a
    text altered by a byte is refused as Django refuses it."""
    engine = import_module(settings.SESSION_ENGINE)
    store = engine.SessionStore()
    store[SESSION_KEY] = str(member.pk)
    store["recent"] = [1, 2]
    store.create()
    text = Session.objects.get(session_key=store.session_key).session_data

    first, second = engine.SessionStore(store.session_key), engine.SessionStore(store.session_key)
    first["recent"].append(3)
    assert second["recent"] == [1, 2]
    assert engine.SessionStore().decode(text)["recent"] == [1, 2]

    altered = text[:-1] + ("A" if text[-1] != "A" else "B")
    assert engine.SessionStore().decode(altered) == {}


def test_unread_counts_follow_each_readers_access(
    make_thread, discussion, staff_category, member, other_member, staff_member, moderator
):
    public = make_thread(category=discussion, author=other_member)
    staff_only = make_thread(category=staff_category, author=staff_member)
    for recipient in (member, staff_member, moderator):
        for thread in (public, staff_only, None):
            Notification.objects.create(recipient=recipient, kind="reply", thread=thread)
    Thread.objects.filter(pk=public.pk).update(visibility="hidden")
    own_hidden = make_thread(category=discussion, author=member)
    Thread.objects.filter(pk=own_hidden.pk).update(visibility="hidden")
    Notification.objects.create(recipient=member, kind="reply", thread=own_hidden)

    for reader in (member, other_member, staff_member, moderator):
        expected = Notification.objects.filter(visible_to(reader), recipient=reader, read_at__isnull=True).count()
        assert unread_count(reader) == expected
    # The member reads their own hidden thread and the notification about no thread; not the
    # staff-only thread nor another's hidden thread.
    assert unread_count(member) == 2
    assert unread_count(moderator) == 3
    assert unread_count(other_member) == 0
