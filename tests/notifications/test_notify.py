"""Who is notified of what, through the real forum services and the real receivers.

alice starts threads, bruno answers, carol and dmitri follow, vote and get
mentioned, sophie is brand staff. Every row here is written by
notifications.receivers reacting to a forum (or badge) event.
"""

from collections import Counter

import pytest
from django.db import transaction
from django.utils import timezone

from forum import services
from forum.models import Thread
from forum.quotes import quote_markdown
from notifications import messages
from notifications.models import Kind, Notification, Preference
from notifications.services import DEFAULT_EMAIL, mark_read, missed_since, set_preferences, unread_count
from web import push


def rows_of(member, **filters) -> list[Notification]:
    """The member's notifications, oldest first."""
    return list(Notification.objects.filter(recipient=member, **filters).order_by("id"))


def kinds_of(member) -> list[str]:
    return [n.kind for n in rows_of(member)]


def new_rows(after_id: int) -> Counter:
    """(username, kind) of every row written after `after_id`, with how many of each."""
    rows = Notification.objects.filter(pk__gt=after_id).values_list("recipient__username", "kind")
    return Counter(rows)


def last_id() -> int:
    return Notification.objects.order_by("-id").values_list("id", flat=True).first() or 0


def read_everything():
    Notification.objects.update(read_at=timezone.now())


@pytest.fixture
def thread(discussion, start_thread, member):
    return start_thread(category=discussion, author=member, title="How do I pair my lamp?")


@pytest.fixture
def question(questions, start_thread, member):
    return start_thread(category=questions, author=member, title="Why does the lamp blink?")


@pytest.fixture
def answer(question, other_member):
    return services.post_reply(thread=question, author=other_member, body="Hold the button for five seconds.")


# Each kind ---------------------------------------------------------------------------------


def test_a_reply_to_your_thread_notifies_you_with_a_link_to_the_reply(thread, member, other_member):
    reply = services.post_reply(thread=thread, author=other_member, body="Hold the button.")

    [n] = rows_of(member)
    assert (n.kind, n.actor, n.thread, n.post, n.count) == (Kind.REPLY, other_member, thread, reply, 1)
    assert n.url == f"/p/{reply.pk}/"
    assert n.shown_on_site and n.read_at is None and n.emailed_at is None
    assert messages.text(n) == "Bruno Lefèvre replied to “How do I pair my lamp?”"


def test_a_reply_in_a_thread_you_follow_notifies_you(thread, other_member, carol):
    services.follow_thread(thread=thread, member=carol)

    reply = services.post_reply(thread=thread, author=other_member, body="Hold the button.")

    [n] = rows_of(carol)
    assert (n.kind, n.actor, n.post) == (Kind.FOLLOWED_REPLY, other_member, reply)
    assert messages.text(n) == "Bruno Lefèvre replied in “How do I pair my lamp?”"


def test_replying_makes_you_a_follower_who_hears_of_the_next_replies(thread, other_member, carol):
    services.post_reply(thread=thread, author=other_member, body="Hold the button.")

    services.post_reply(thread=thread, author=carol, body="Or unplug it.")

    assert [n.kind for n in rows_of(other_member) if n.kind != Kind.BADGE] == [Kind.FOLLOWED_REPLY]


def test_a_mention_in_a_reply_notifies_the_member_mentioned(thread, other_member, carol):
    reply = services.post_reply(thread=thread, author=other_member, body="@carol knows this one.")

    [n] = rows_of(carol)
    assert (n.kind, n.actor, n.post) == (Kind.MENTION, other_member, reply)
    assert messages.text(n) == "Bruno Lefèvre mentioned you in “How do I pair my lamp?”"


def test_a_mention_in_a_new_thread_notifies_the_member_mentioned(discussion, start_thread, member, carol):
    thread = start_thread(category=discussion, author=member, title="Lamp colours", body="What do you think, @carol?")

    [n] = rows_of(carol)
    assert (n.kind, n.actor, n.thread, n.post) == (Kind.MENTION, member, thread, thread.posts.get())


def test_quoting_a_post_with_the_quote_button_notifies_its_author_of_the_quote(thread, other_member, carol):
    quoted = services.post_reply(thread=thread, author=other_member, body="Hold the button.")
    read_everything()

    # The quote button's Markdown names the quoted author ("@bruno wrote:"): that is a quote, not a mention.
    reply = services.post_reply(thread=thread, author=carol, body=quote_markdown(quoted) + "That worked, thanks!")

    [n] = rows_of(other_member, read_at__isnull=True)
    assert (n.kind, n.actor, n.post) == (Kind.QUOTE, carol, reply)
    assert messages.text(n) == "Carol Nguyen quoted you in “How do I pair my lamp?”"


def test_accepting_a_reply_notifies_its_author(question, answer, member, other_member):
    read_everything()

    services.accept_answer(post=answer, by=member)

    [n] = [n for n in rows_of(other_member, read_at__isnull=True) if n.kind != Kind.BADGE]
    assert (n.kind, n.actor, n.post, n.url) == (Kind.ANSWER_ACCEPTED, member, answer, f"/p/{answer.pk}/")
    assert messages.text(n) == "Your answer in “Why does the lamp blink?” was accepted"


def test_a_vote_tells_the_author_their_post_was_helpful(question, answer, other_member, carol):
    read_everything()

    services.cast_vote(post=answer, voter=carol)

    [n] = rows_of(other_member, read_at__isnull=True, kind=Kind.HELPFUL)
    assert (n.actor, n.post, n.count) == (carol, answer, 1)
    assert messages.text(n) == "Carol Nguyen found your post in “Why does the lamp blink?” helpful"


def test_a_first_reply_to_someone_elses_thread_earns_a_badge_and_says_so(question, other_member):
    services.post_reply(thread=question, author=other_member, body="Hold the button for five seconds.")

    [n] = rows_of(other_member)
    assert (n.kind, n.data, n.actor, n.thread, n.post) == (Kind.BADGE, {"badge": "first-answer"}, None, None, None)
    assert messages.text(n) == "You earned the badge “First answer”"


def test_an_official_response_notifies_the_threads_author_and_followers_as_such(thread, member, carol, staff_member):
    services.follow_thread(thread=thread, member=carol)

    reply = services.post_reply(thread=thread, author=staff_member, body="Hold it for ten seconds.")

    for person in (member, carol):
        [n] = rows_of(person)
        assert (n.kind, n.actor, n.post) == (Kind.OFFICIAL_RESPONSE, staff_member, reply)
    assert messages.text(rows_of(member)[0]) == "Sophie Durand gave an official response in “How do I pair my lamp?”"


def test_staff_endorsing_a_reply_notifies_its_author(question, answer, other_member, staff_member):
    read_everything()

    services.endorse_reply(post=answer, by=staff_member)

    [n] = [n for n in rows_of(other_member, read_at__isnull=True) if n.kind != Kind.BADGE]
    assert (n.kind, n.actor, n.post) == (Kind.ENDORSED, staff_member, answer)
    assert messages.text(n) == "Sophie Durand endorsed your reply in “Why does the lamp blink?”"


# Once per recipient per event ---------------------------------------------------------------


def test_a_mentioned_follower_is_told_of_the_mention_only(thread, other_member, carol):
    services.follow_thread(thread=thread, member=carol)

    services.post_reply(thread=thread, author=other_member, body="@carol, you had this lamp too?")

    assert kinds_of(carol) == [Kind.MENTION]


def test_a_mentioned_thread_author_is_told_of_the_mention_only(thread, member, other_member):
    services.post_reply(thread=thread, author=other_member, body="@alice, which model is it?")

    assert kinds_of(member) == [Kind.MENTION]


def test_everyone_touched_by_one_reply_gets_exactly_one_notification(
    thread, member, other_member, carol, dmitri, make_member
):
    eve = make_member("eve")
    services.follow_thread(thread=thread, member=carol)
    dmitris = services.post_reply(thread=thread, author=dmitri, body="Mine blinks too.")
    read_everything()
    before = last_id()

    # alice (the author) is mentioned, dmitri is quoted and mentioned, carol follows, eve is mentioned.
    services.post_reply(
        thread=thread,
        author=other_member,
        body=quote_markdown(dmitris) + "@alice @dmitri @eve @carol @bruno: same here.",
    )

    written = new_rows(before)
    assert set(written.values()) == {1}
    by_member = Counter(username for username, kind in written if kind != Kind.BADGE)
    assert by_member == {"alice": 1, "carol": 1, "dmitri": 1, "eve": 1}
    assert {kind for username, kind in written if username == "bruno"} <= {Kind.BADGE}  # his own badge, if any
    assert eve.notifications.get().kind == Kind.MENTION


def test_notifying_the_same_member_twice_in_one_call_writes_one_row(thread, member, other_member):
    from notifications.services import notify

    notify(recipients=[member, member], kind=Kind.MENTION, actor=other_member, thread=thread)

    assert kinds_of(member) == [Kind.MENTION]


# Collapsing --------------------------------------------------------------------------------


def test_three_votes_collapse_into_one_helpful_notification_that_counts_them(
    question, answer, other_member, carol, dmitri, make_member
):
    eve = make_member("eve", display_name="Eve Blanc")

    for voter in (carol, dmitri, eve):
        services.cast_vote(post=answer, voter=voter)

    [n] = rows_of(other_member, kind=Kind.HELPFUL)
    assert (n.count, n.actor, n.read_at) == (3, eve, None)
    assert messages.text(n) == "3 members found your post in “Why does the lamp blink?” helpful"


def test_a_vote_after_the_collapsed_notification_was_read_starts_a_new_one(
    question, answer, other_member, carol, dmitri, make_member
):
    for voter in (carol, dmitri, make_member("eve")):
        services.cast_vote(post=answer, voter=voter)
    [first] = rows_of(other_member, kind=Kind.HELPFUL)
    mark_read(notification=first, member=other_member)

    services.cast_vote(post=answer, voter=make_member("fred", display_name="Fred Morel"))

    old, new = rows_of(other_member, kind=Kind.HELPFUL)
    assert (old.pk, old.count, old.is_read) == (first.pk, 3, True)
    assert (new.count, new.is_read) == (1, False)
    assert messages.text(new) == "Fred Morel found your post in “Why does the lamp blink?” helpful"


def test_unread_replies_to_one_thread_collapse_and_the_text_counts_them(thread, member, other_member, carol):
    services.post_reply(thread=thread, author=other_member, body="Hold the button.")
    services.post_reply(thread=thread, author=carol, body="Or unplug it.")

    [n] = rows_of(member)
    assert (n.kind, n.count, n.actor) == (Kind.REPLY, 2, carol)
    assert messages.text(n) == "2 new replies to “How do I pair my lamp?”"
    assert unread_count(member) == 1


def test_replies_to_two_threads_do_not_collapse(discussion, start_thread, member, other_member):
    first = start_thread(category=discussion, author=member)
    second = start_thread(category=discussion, author=member)

    services.post_reply(thread=first, author=other_member, body="One.")
    services.post_reply(thread=second, author=other_member, body="Two.")

    assert [(n.thread_id, n.count) for n in rows_of(member)] == [(first.pk, 1), (second.pk, 1)]


def test_mentions_never_collapse(thread, other_member, carol, dmitri):
    services.post_reply(thread=thread, author=other_member, body="@carol?")
    services.post_reply(thread=thread, author=dmitri, body="@carol!")

    assert [(n.kind, n.count) for n in rows_of(carol, kind=Kind.MENTION)] == [(Kind.MENTION, 1), (Kind.MENTION, 1)]


# Nobody hears of their own action ----------------------------------------------------------


def test_nobody_is_notified_of_their_own_reply(thread, member):
    services.post_reply(thread=thread, author=member, body="Update: @alice found it.")

    assert rows_of(member) == []


def test_accepting_your_own_reply_to_your_own_question_notifies_nobody(question, member):
    mine = services.post_reply(thread=question, author=member, body="Found it myself.")

    services.accept_answer(post=mine, by=member)

    assert rows_of(member) == []


def test_an_official_response_in_staffs_own_thread_notifies_nobody(discussion, start_thread, staff_member):
    thread = start_thread(category=discussion, author=staff_member)

    services.post_reply(thread=thread, author=staff_member, body="Also: the new firmware is out.")

    assert rows_of(staff_member) == []


# What members may not read -----------------------------------------------------------------


def test_a_member_mentioned_in_a_staff_only_thread_is_not_notified(
    staff_category, start_thread, member, staff_member, moderator
):
    thread = start_thread(category=staff_category, author=staff_member, body="Should @alice and @marc see this?")
    services.post_reply(thread=thread, author=moderator, body="@alice cannot read this room.")

    assert rows_of(member) == []
    assert Kind.MENTION in kinds_of(moderator)  # staff and moderators may read it: they are told


def test_a_follower_of_a_thread_moved_to_a_staff_only_category_hears_nothing_more(
    thread, staff_category, carol, other_member, staff_member
):
    services.follow_thread(thread=thread, member=carol)
    Thread.objects.filter(pk=thread.pk).update(category=staff_category)  # moved by a moderator

    services.post_reply(thread=thread, author=staff_member, body="Moved to the staff room.")

    assert rows_of(carol) == []


# Muted threads -----------------------------------------------------------------------------


def test_a_muted_thread_tells_its_author_nothing_at_all(thread, member, other_member, carol):
    opening = thread.posts.get()
    services.mute_thread(thread=thread, member=member)

    services.post_reply(thread=thread, author=other_member, body=quote_markdown(opening) + "@alice, any news?")
    services.cast_vote(post=opening, voter=carol)

    assert rows_of(member) == []


def test_a_follower_who_muted_the_thread_is_not_told_of_replies_or_mentions(thread, other_member, carol, dmitri):
    services.post_reply(thread=thread, author=carol, body="Following this.")
    services.mute_thread(thread=thread, member=carol)
    read_everything()

    services.post_reply(thread=thread, author=other_member, body="Hold the button.")
    services.post_reply(thread=thread, author=dmitri, body="@carol, did it work?")

    assert rows_of(carol, read_at__isnull=True) == []


def test_an_inactive_member_is_not_notified(thread, member, other_member):
    member.is_active = False
    member.save(update_fields=["is_active"])

    services.post_reply(thread=thread, author=other_member, body="Hold the button.")

    assert rows_of(member) == []


# Preferences -------------------------------------------------------------------------------


def test_replies_off_on_the_site_keep_a_hidden_row_for_the_email(thread, member, other_member):
    set_preferences(member=member, choices={Kind.REPLY: (False, Preference.Email.IMMEDIATE)})

    services.post_reply(thread=thread, author=other_member, body="Hold the button.")

    [n] = rows_of(member)
    assert not n.shown_on_site
    assert unread_count(member) == 0
    assert list(missed_since(member, 0)) == []


def test_a_kind_off_on_the_site_and_by_email_writes_no_row(thread, member, other_member):
    set_preferences(member=member, choices={Kind.REPLY: (False, Preference.Email.OFF)})

    services.post_reply(thread=thread, author=other_member, body="Hold the button.")

    assert rows_of(member) == []


def test_helpful_off_on_the_site_writes_no_row_since_its_email_is_off_by_default(question, answer, other_member, carol):
    assert DEFAULT_EMAIL.get(Kind.HELPFUL, Preference.Email.OFF) == Preference.Email.OFF
    set_preferences(member=other_member, choices={Kind.HELPFUL: (False, Preference.Email.OFF)})

    services.cast_vote(post=answer, voter=carol)

    assert rows_of(other_member, kind=Kind.HELPFUL) == []


def test_turning_a_kind_off_on_the_site_stops_an_unread_visible_one_from_growing(thread, member, other_member, carol):
    services.post_reply(thread=thread, author=other_member, body="Hold the button.")
    set_preferences(member=member, choices={Kind.REPLY: (False, Preference.Email.IMMEDIATE)})

    services.post_reply(thread=thread, author=carol, body="Or unplug it.")

    visible = rows_of(member, shown_on_site=True)
    assert [(n.count, n.actor_id) for n in visible] == [(1, other_member.pk)]
    assert unread_count(member) == 1


def test_other_kinds_keep_their_defaults_when_one_is_turned_off(thread, member, other_member):
    set_preferences(member=member, choices={Kind.FOLLOWED_REPLY: (False, Preference.Email.OFF)})

    services.post_reply(thread=thread, author=other_member, body="Hold the button, @alice.")

    assert kinds_of(member) == [Kind.MENTION]


# Rows belong to the event's transaction ----------------------------------------------------


def test_notifications_roll_back_with_a_reply_whose_transaction_fails(
    thread, member, other_member, carol, django_capture_on_commit_callbacks
):
    services.follow_thread(thread=thread, member=carol)

    with django_capture_on_commit_callbacks() as pushes, pytest.raises(RuntimeError), transaction.atomic():
        services.post_reply(thread=thread, author=other_member, body="@carol: hold the button.")
        assert Notification.objects.count() == 3  # written inside: alice, carol, bruno's badge
        raise RuntimeError("the request fails after the reply")

    assert Notification.objects.count() == 0
    assert thread.posts.count() == 1
    assert pushes == []  # nothing is pushed for what never committed


def test_notifications_roll_back_with_a_vote_whose_transaction_fails(question, answer, other_member, carol):
    read_everything()
    before = last_id()

    with pytest.raises(RuntimeError), transaction.atomic():
        services.cast_vote(post=answer, voter=carol)
        raise RuntimeError("the request fails after the vote")

    assert new_rows(before) == Counter()
    assert rows_of(other_member, kind=Kind.HELPFUL) == []


def test_a_live_reply_is_rendered_after_the_commit_and_a_failure_there_harms_nothing(
    thread, member, other_member, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    from notifications import receivers

    happened = []

    def failing_render(*args, **kwargs):
        happened.append("rendered")
        raise RuntimeError("template broke")

    monkeypatch.setattr(receivers, "render_to_string", failing_render)
    monkeypatch.setattr(push, "listened", lambda groups: None)  # as if a page of the thread were open

    with django_capture_on_commit_callbacks(execute=True):
        reply = services.post_reply(thread=thread, author=other_member, body="Hold the button.")
        happened.append("reply committed")

    # Rendered once the reply's transaction is over (not holding SQLite's write lock),
    # and its failure is logged: the reply and its notification row stand.
    assert happened == ["reply committed", "rendered"]
    assert Thread.objects.get(pk=thread.pk).posts.filter(pk=reply.pk).exists()
    assert kinds_of(member) == [Kind.REPLY]
    assert "template broke" in caplog.text


def test_a_recipient_read_from_values_has_what_the_role_rules_read(make_member):
    from datetime import timedelta

    from notifications.services import Recipient, recipients
    from profiles import roles
    from profiles.models import Member

    assert set(roles.ROLE_FIELDS) <= set(Recipient._fields)
    moderator = make_member(moderator=True, suspended_until=timezone.now() + timedelta(days=1))

    (read,) = recipients(Member.objects.filter(pk=moderator.pk))

    assert roles.is_member(read) and not roles.is_moderator(read) and roles.is_suspended(read)


def test_a_live_reply_is_not_rendered_when_no_page_of_the_thread_or_its_lists_is_open(
    thread, other_member, monkeypatch, django_capture_on_commit_callbacks
):
    from notifications import receivers

    knows_sockets = push.listened([]) is not None  # not with Redis: other processes hold sockets too
    rendered = []
    monkeypatch.setattr(receivers, "render_to_string", lambda *args, **kwargs: rendered.append(args) or "")

    with django_capture_on_commit_callbacks(execute=True):
        services.post_reply(thread=thread, author=other_member, body="Hold the button.")

    if knows_sockets:
        assert rendered == []
    else:
        assert rendered  # rendered for pages that other processes may hold
