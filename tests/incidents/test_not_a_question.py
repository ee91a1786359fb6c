"""An incident's thread in a questions category is the brand's statement, not a question: its
updates are posts by the staff member who declared it, its asker, yet it is never counted as
unanswered, on /answer/, in the category's "Unanswered" filter, in the staff figures, or in the
invitations to answer (forum.selectors.unanswered, the one definition)."""

import re
from datetime import timedelta

import pytest

from answering.models import Invitation
from answering.services import invite_answerers
from incidents import services
from incidents.models import Status
from tests.answering.test_answer_page import reader, titles
from tests.answering.test_invitees import know, seen
from tests.forum.parsed import parse_html

QUESTION = "My lamp drops off the wifi every night"


@pytest.fixture
def help_with_an_incident(declare, questions, make_thread, member, other_member, staff_member):
    """In Help: Alice's question, and Sophie's incident (with, unless told, an update of hers);
    Bruno knows Help and was seen today."""

    def make(*, updated=True):
        know(other_member, questions, 20)
        seen(other_member)
        question = make_thread(category=questions, author=member, title=QUESTION)
        incident = declare(category=questions)
        if updated:
            services.post_update(incident=incident, by=staff_member, status=Status.IDENTIFIED, body="A fix is coming.")
        return question, incident

    return make


def unanswered_in_the_filter(client, staff_member, bruno):
    return parse_html(client.get("/c/help/", {"filter": "unanswered"}).content).thread_titles()


def open_on_brunos_answer_page(client, staff_member, bruno):
    return titles(reader(bruno))


def unanswered_in_the_staff_figures(client, staff_member, bruno):
    client.force_login(staff_member)
    page = client.get("/staff/figures/").content.decode()
    return int(re.search(r'data-figure="unanswered">(\d+)<', page)[1])


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        (unanswered_in_the_filter, [QUESTION]),
        (open_on_brunos_answer_page, [QUESTION]),
        (unanswered_in_the_staff_figures, 1),
    ],
)
def test_an_incidents_thread_updated_by_its_declarer_is_not_an_unanswered_question(
    client, help_with_an_incident, staff_member, other_member, read, expected
):
    help_with_an_incident()

    assert read(client, staff_member, other_member) == expected


def test_a_declared_incident_invites_nobody_to_answer_it(help_with_an_incident, other_member):
    question, incident = help_with_an_incident(updated=False)

    invite_answerers(now=incident.thread.created_at + timedelta(minutes=31))

    invited = Invitation.objects.values_list("thread", "member")
    assert list(invited) == [(question.pk, other_member.pk)]
