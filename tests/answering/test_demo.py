"""The demo's answerers: members whose answers (accepted, voted helpful) give them expertise that
their profiles show, and a question in each language still waiting for an answer, old enough that
the first run of invite_answerers (as `make demo` runs it) invites them."""

import io
import re
from datetime import timedelta

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from answering.models import Invitation
from demo import content
from demo.seed import Options, seed_forum
from forum.models import Thread
from forum.selectors import unanswered
from notifications.models import Kind, Notification
from profiles.models import Member

EXPERTS = {
    "Ma Halo reste hors ligne depuis le redémarrage de la box": {"bruno", "chloe", "hugo"},
    "The motion sensor turns the hallway lights on in broad daylight": {"david", "giulia", "kenji"},
}


def knows_about(username) -> list[str]:
    html = Client().get(f"/u/{username}/").content.decode()
    line = re.search(r'<p class="profile-expertise">(.*?)</p>', html, re.S)
    return re.findall(r">#([^<]+)</a>", line.group(1)) if line else []


def test_the_demo_waits_for_answers_that_its_experts_are_invited_to_give(db):
    seed_forum(Options(members=6, threads=12, replies=2), stream=io.StringIO())

    waiting = Thread.objects.filter(title__in=EXPERTS)
    assert set(unanswered(waiting).values_list("title", flat=True)) == set(EXPERTS)
    assert {spec["title"] for spec in content.WAITING} == set(EXPERTS)
    recently = timezone.now() - timedelta(days=1)
    experts = set().union(*EXPERTS.values())
    assert set(Member.objects.filter(last_seen__gte=recently).values_list("username", flat=True)) >= experts

    call_command("invite_answerers", stdout=io.StringIO())

    for title, invited in EXPERTS.items():
        thread = Thread.objects.get(title=title)
        assert set(Invitation.objects.filter(thread=thread).values_list("member__username", flat=True)) == invited
        told = Notification.objects.filter(kind=Kind.HELP_INVITE, thread=thread)
        assert set(told.values_list("recipient__username", flat=True)) == invited
    call_command("invite_answerers", stdout=io.StringIO())  # each round once
    assert Invitation.objects.filter(thread__title__in=EXPERTS).count() == 6


def test_the_demo_experts_profiles_say_what_they_know_about(db):
    seed_forum(Options(members=6, threads=12, replies=2), stream=io.StringIO())

    expected = {
        "bruno": {"wifi", "halo"},
        "chloe": {"wifi", "halo", "firmware"},
        "hugo": {"wifi", "halo", "home-assistant"},
        "david": {"automation", "scenes"},
        "giulia": {"automation", "motion-sensor"},
        "kenji": {"automation", "motion-sensor"},
    }
    for username, tags in expected.items():
        assert tags <= set(knows_about(username)), username
