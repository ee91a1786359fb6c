"""invite_answerers: an unanswered question invites its experts after its category's delays, a
wider circle after the second, nobody once answered or past its response target, each round
once. The invitations are notifications like the others: on the page, live, by email, through
the reader's current access. An invited member's reply answers the invitation, and its
acceptance earns "Came to help".

Time moves by passing `now=` (what the command passes with the real clock).
"""

from datetime import timedelta
from io import StringIO

import pytest
from channels.db import database_sync_to_async
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation

from answering.models import Invitation, InvitationRound
from answering.services import invite_answerers, invite_to_answer
from forum import services
from forum.models import Category, Thread, Visibility
from notifications import email
from notifications.models import Kind, Notification
from notifications.services import set_preferences, unread_count
from reputation.models import BadgeAward
from tests.answering.test_invitees import know, seen
from tests.notifications.test_delivery import receive_until
from tests.notifications.test_socket import session_cookie_for, socket

pytestmark = pytest.mark.django_db

TITLE = "My lamp drops off the wifi every night"
TIMEOUT = 5


def minutes(thread, n) -> timezone.datetime:
    """`n` minutes after the question was asked."""
    return thread.created_at + timedelta(minutes=n)


def invitees(thread, round=None) -> list[str]:
    rows = Invitation.objects.filter(thread=thread)
    if round is not None:
        rows = rows.filter(round=round)
    return sorted(rows.values_list("member__username", flat=True))


def help_invites(member) -> list[Notification]:
    return list(Notification.objects.filter(recipient=member, kind=Kind.HELP_INVITE))


@pytest.fixture
def experts(make_member, questions):
    """expert1 (100 points under #wifi) to expert10 (10 points), all seen today."""
    found = []
    for n in range(1, 11):
        expert = make_member(f"expert{n}", display_name=f"Expert {n}")
        know(expert, questions, (11 - n) * 10, tags=["wifi"])
        found.append(expert)
    seen(*found)
    return found


@pytest.fixture
def question(make_thread, questions, member, experts):
    """Alice asks about her wifi (after the experts earned their points)."""
    return make_thread(category=questions, author=member, title=TITLE, tags=["wifi"])


# The delays ---------------------------------------------------------------------------------------------


def test_nobody_is_invited_before_the_first_delay(question):
    assert invite_answerers(now=minutes(question, 29)) == 0
    assert invitees(question) == []


def test_after_the_first_delay_the_best_experts_are_invited_and_told(question, experts):
    assert invite_answerers(now=minutes(question, 31)) == 3

    assert invitees(question, round=1) == ["expert1", "expert2", "expert3"]
    for expert in experts[:3]:
        [notification] = help_invites(expert)
        assert notification.thread_id == question.pk and notification.actor_id == question.author_id
        assert notification.url == question.get_absolute_url()
    assert help_invites(experts[3]) == []
    [ran] = InvitationRound.objects.filter(thread=question)
    assert (ran.round, ran.invited) == (1, 3)


def test_after_the_second_delay_the_circle_widens(question, experts):
    invite_answerers(now=minutes(question, 31))

    assert invite_answerers(now=minutes(question, 121)) == 5

    assert invitees(question, round=2) == ["expert4", "expert5", "expert6", "expert7", "expert8"]
    assert invitees(question, round=1) == ["expert1", "expert2", "expert3"]
    assert all(len(help_invites(expert)) == 1 for expert in experts[:8])


def test_each_category_has_its_own_delays(make_thread, make_category, member, experts):
    quick = make_category("quick-help", kind=Category.Kind.QUESTIONS)
    Category.objects.filter(pk=quick.pk).update(invite_after_minutes=5, widen_after_minutes=10)
    for expert in experts[:4]:
        know(expert, quick, 50, tags=["wifi"])
    thread = make_thread(category=quick, author=member, tags=["wifi"])

    assert invite_answerers(now=minutes(thread, 4)) == 0
    assert invite_answerers(now=minutes(thread, 6)) == 3
    assert invite_answerers(now=minutes(thread, 11)) == 1  # only expert4 is left who knows #wifi here


def test_a_question_found_late_gets_only_the_wider_round(question):
    assert invite_answerers(now=minutes(question, 200)) == 5

    assert invitees(question, round=1) == []
    assert invitees(question, round=2) == ["expert1", "expert2", "expert3", "expert4", "expert5"]


def test_after_the_response_target_staff_take_over(question, questions):
    Category.objects.filter(pk=questions.pk).update(response_target_hours=1)

    assert invite_answerers(now=minutes(question, 31)) == 3
    assert invite_answerers(now=minutes(question, 121)) == 0  # past the 1-hour target: no wider round
    assert invite_answerers(now=minutes(question, 61)) == 0


def test_without_a_response_target_invitations_stop_after_a_day(settings, question):
    settings.ANSWERING_STOP_AFTER_HOURS = 24
    assert invite_answerers(now=minutes(question, 24 * 60 + 1)) == 0


def test_questions_whose_target_alert_went_out_invite_nobody(question):
    Thread.objects.filter(pk=question.pk).update(target_breach_notified_at=timezone.now())
    assert invite_answerers(now=minutes(question, 31)) == 0


def test_only_question_categories_invite(make_thread, discussion, member, experts):
    for expert in experts:
        know(expert, discussion, 100, tags=["wifi"])
    thread = make_thread(category=discussion, author=member, tags=["wifi"])

    assert invite_answerers(now=minutes(thread, 31)) == 0


# Answered meanwhile, run twice -------------------------------------------------------------------------


def test_a_question_answered_meanwhile_invites_nobody(question, carol):
    services.post_reply(thread=question, author=carol, body="Try another channel on the router.")

    assert invite_answerers(now=minutes(question, 31)) == 0
    assert invite_answerers(now=minutes(question, 121)) == 0
    assert Notification.objects.filter(kind=Kind.HELP_INVITE).count() == 0


def test_the_askers_own_follow_up_does_not_answer_it(question, member):
    services.post_reply(thread=question, author=member, body="It happens at 2 am, if that helps.")
    assert invite_answerers(now=minutes(question, 31)) == 3

    services.post_reply(thread=question, author=member, body="Still nobody? It did it again tonight.")
    assert invite_answerers(now=minutes(question, 121)) == 5


def test_a_reply_hidden_by_moderators_answers_nobody(question, carol, moderator):
    reply = services.post_reply(thread=question, author=carol, body="Buy a better lamp, this one is junk.")
    services.set_post_visibility(post=reply, by=moderator, visibility=Visibility.HIDDEN, reason="Not helpful.")

    assert invite_answerers(now=minutes(question, 31)) == 3


def test_a_solved_locked_or_hidden_question_invites_nobody(make_thread, questions, member, carol, moderator):
    solved, locked, hidden = (make_thread(category=questions, author=member, tags=["wifi"]) for _ in range(3))
    answer = services.post_reply(thread=solved, author=carol, body="Update the firmware.")
    services.accept_answer(post=answer, by=member)
    services.lock_thread(thread=locked, by=moderator)
    Thread.objects.filter(pk=hidden.pk).update(visibility=Visibility.HIDDEN)

    assert invite_answerers(now=minutes(hidden, 31)) == 0


def test_a_reply_between_finding_and_inviting_is_seen(question, carol):
    """invite_to_answer checks the question again under its lock."""
    services.post_reply(thread=question, author=carol, body="Move it closer to the router.")

    assert invite_to_answer(thread_id=question.pk, round=1, now=minutes(question, 31)) == []
    assert not InvitationRound.objects.exists()


def test_running_twice_invites_once(question, experts):
    assert invite_answerers(now=minutes(question, 31)) == 3
    assert invite_answerers(now=minutes(question, 31)) == 0
    assert invite_answerers(now=minutes(question, 45)) == 0
    assert invite_to_answer(thread_id=question.pk, round=1, now=minutes(question, 31)) == []

    assert Invitation.objects.count() == 3 and InvitationRound.objects.count() == 1
    assert all(len(help_invites(expert)) == 1 for expert in experts[:3])


def test_a_round_that_found_nobody_is_not_run_again(make_thread, questions, member):
    thread = make_thread(category=questions, author=member, tags=["nobody-knows-this"])

    assert invite_answerers(now=minutes(thread, 31)) == 0
    assert InvitationRound.objects.get(thread=thread).invited == 0
    assert invite_answerers(now=minutes(thread, 32)) == 0


def test_the_command_runs_the_rounds_due_now(question):
    Thread.objects.filter(pk=question.pk).update(created_at=timezone.now() - timedelta(minutes=31))
    out = StringIO()

    call_command("invite_answerers", stdout=out)

    assert out.getvalue().strip() == "3 member(s) invited to answer."
    assert len(invitees(question)) == 3


# The notification -------------------------------------------------------------------------------------


def test_a_member_who_muted_the_question_or_switched_the_kind_off_is_not_invited(question, experts):
    services.mute_thread(thread=question, member=experts[0])
    set_preferences(member=experts[1], choices={Kind.HELP_INVITE: (False, "off")})

    invite_answerers(now=minutes(question, 31))

    assert invitees(question) == ["expert3"]  # the others chosen were not reached, so not invited
    assert help_invites(experts[0]) == [] and help_invites(experts[1]) == []


def test_the_notifications_page_shows_the_invitation_in_each_language(question, experts, django_assert_max_num_queries):
    invite_answerers(now=minutes(question, 31))
    client = Client()
    client.force_login(experts[0])

    with django_assert_max_num_queries(10):
        page = client.get("/notifications/").content.decode()
    assert f"Can you help? “{TITLE}” is waiting for an answer" in page
    with translation.override("fr"):
        page = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f"Pouvez-vous aider\u00a0? «\u00a0{TITLE}\u00a0» attend une réponse" in page
    assert client.get("/notifications/", {"kind": Kind.HELP_INVITE}).status_code == 200


def test_invitations_are_emailed_by_default_and_follow_the_preferences(settings, question, experts):
    settings.NOTIFICATION_EMAIL_DELAY_MINUTES = 10
    set_preferences(member=experts[2], choices={Kind.HELP_INVITE: (True, "off")})

    invite_answerers(now=minutes(question, 31))
    email.send_due(now=timezone.now() + timedelta(minutes=11))

    assert sorted(m.to[0] for m in mail.outbox) == [experts[0].email, experts[1].email]
    assert TITLE in mail.outbox[0].body
    assert len(help_invites(experts[2])) == 1  # on the site all the same


def test_an_invitation_to_a_question_that_became_staff_only_never_reaches_a_member(
    settings, question, questions, experts, moderator
):
    settings.NOTIFICATION_EMAIL_DELAY_MINUTES = 10
    invite_answerers(now=minutes(question, 31))
    counted = unread_count(experts[0])
    Category.objects.filter(pk=questions.pk).update(access=Category.Access.STAFF)
    client = Client()
    client.force_login(experts[0])

    page = client.get("/notifications/").content.decode()
    email.send_due(now=timezone.now() + timedelta(minutes=11))

    assert TITLE not in page
    assert mail.outbox == []
    assert unread_count(experts[0]) == counted - 1  # nor in the header's count


@pytest.mark.django_db(transaction=True)
async def test_an_invited_member_sees_the_invitation_arrive_live(question, experts):
    communicator = socket(cookie=await database_sync_to_async(session_cookie_for)(experts[0]))
    connected, _code = await communicator.connect(timeout=TIMEOUT)
    assert connected
    try:
        await receive_until(communicator, "hello")
        await database_sync_to_async(invite_answerers)(now=minutes(question, 31))
        message = (await receive_until(communicator, "notification"))[-1]
        assert message["kind"] == Kind.HELP_INVITE
        assert message["text"] == f"Can you help? “{TITLE}” is waiting for an answer" and message["unread"] == 1
    finally:
        await communicator.disconnect()


# Answering the invitation, and the badge ------------------------------------------------------------


def test_an_invited_members_reply_answers_the_invitation(question, experts, carol):
    invite_answerers(now=minutes(question, 31))
    services.post_reply(thread=question, author=carol, body="Not invited, still helping.")
    first = services.post_reply(thread=question, author=experts[0], body="Set a fixed channel on the router.")
    services.post_reply(thread=question, author=experts[0], body="And update the firmware.")

    answered = dict(Invitation.objects.values_list("member__username", "answered_post"))
    assert answered == {"expert1": first.pk, "expert2": None, "expert3": None}


def test_an_accepted_answer_to_an_invitation_earns_came_to_help(question, member, experts):
    invite_answerers(now=minutes(question, 31))
    answer = services.post_reply(thread=question, author=experts[1], body="Set a fixed channel on the router.")

    services.accept_answer(post=answer, by=member)

    assert BadgeAward.objects.filter(member=experts[1], badge="came-to-help").count() == 1
    [told] = Notification.objects.filter(recipient=experts[1], kind=Kind.BADGE, data__badge="came-to-help")
    assert told.count == 1


def test_an_accepted_answer_without_an_invitation_earns_no_came_to_help(question, member, experts, carol):
    invite_answerers(now=minutes(question, 31))
    services.post_reply(thread=question, author=experts[0], body="Try a fixed channel.")
    answer = services.post_reply(thread=question, author=carol, body="Update the firmware, it fixed mine.")

    services.accept_answer(post=answer, by=member)

    assert not BadgeAward.objects.filter(badge="came-to-help").exists()


def test_the_badge_rule_back_fills(question, member, experts):
    """`award_badges --badge came-to-help` finds the same members as the event."""
    invite_answerers(now=minutes(question, 31))
    answer = services.post_reply(thread=question, author=experts[2], body="Set a fixed channel.")
    services.accept_answer(post=answer, by=member)
    BadgeAward.objects.filter(badge="came-to-help").delete()

    call_command("award_badges", "--badge", "came-to-help", stdout=StringIO())

    assert list(BadgeAward.objects.filter(badge="came-to-help").values_list("member", flat=True)) == [experts[2].pk]


# The end to end, with expertise earned through the forum ------------------------------------------------


def test_expertise_earned_in_the_forum_invites(make_thread, questions, member, other_member, carol, dmitri):
    earlier = make_thread(category=questions, author=carol, title="Wifi keeps dropping", tags=["wifi"])
    reply = services.post_reply(thread=earlier, author=other_member, body="Change the router's channel.")
    services.cast_vote(post=reply, voter=dmitri)  # bruno earns under #wifi, and is seen
    question = make_thread(category=questions, author=member, title=TITLE, tags=["wifi"])

    invite_answerers(now=minutes(question, 31))

    assert invitees(question) == ["bruno"]


# The category's delays -----------------------------------------------------------------------------------


def test_the_delays_are_at_least_a_minute_and_the_second_is_longer(questions):
    questions.invite_after_minutes = 0
    with pytest.raises(ValidationError) as error:
        questions.full_clean()
    assert "invite_after_minutes" in error.value.message_dict

    questions.invite_after_minutes, questions.widen_after_minutes = 60, 60
    with pytest.raises(ValidationError) as error:
        questions.full_clean()
    assert error.value.message_dict["widen_after_minutes"] == [
        "The second delay must be longer than the first (60 minutes)."
    ]


def test_the_admin_edits_the_delays(admin_client, questions):
    url = f"/admin/forum/category/{questions.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert 'name="invite_after_minutes"' in page and 'name="widen_after_minutes"' in page

    fields = {
        "slug": questions.slug,
        "kind": questions.kind,
        "access": questions.access,
        "colour": questions.colour,
        "position": 2,
        "name": questions.name,
        "invite_after_minutes": 15,
        "widen_after_minutes": 10,
    }
    answer = admin_client.post(url, fields)
    assert answer.status_code == 200 and "The second delay must be longer" in answer.content.decode()

    answer = admin_client.post(url, {**fields, "widen_after_minutes": 45})
    assert answer.status_code == 302
    questions.refresh_from_db()
    assert (questions.invite_after_minutes, questions.widen_after_minutes) == (15, 45)
