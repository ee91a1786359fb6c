"""/answer/preferences/: a member turns invitations off, chooses tags and a daily cap; bad input
gets the form back with its message and a 400, and nothing is saved."""

import pytest
from django.utils import translation

from answering.invitees import choose_invitees
from answering.models import AnsweringPreference
from forum.models import Thread
from tests.answering.test_invitees import know, seen

pytestmark = pytest.mark.django_db

URL = "/answer/preferences/"


@pytest.fixture
def tagged(make_thread, questions, discussion, other_member, staff_questions, staff_member):
    """Threads under #wifi, #halo and, in a staff-only category only, #launch."""
    make_thread(category=questions, author=other_member, tags=["wifi"])
    make_thread(category=discussion, author=other_member, tags=["Halo"])
    make_thread(category=staff_questions, author=staff_member, tags=["launch"])


def saved(member) -> tuple[bool, list[str], int | None] | None:
    preference = AnsweringPreference.objects.filter(member=member).first()
    if preference is None:
        return None
    return preference.invitations, sorted(t.name for t in preference.tags.all()), preference.daily_cap


def test_a_visitor_is_sent_to_log_in(client):
    answer = client.get(URL)
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")
    assert client.post(URL, {"invitations": "on", "daily_cap": 2}).status_code == 302
    assert not AnsweringPreference.objects.exists()


def test_the_page_shows_the_defaults_in_a_few_queries(member_client, member, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        page = member_client.get(URL)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="invitations"' in html and "checked" in html.split('name="invitations"')[1].split(">")[0]
    assert 'name="daily_cap" value="3"' in html
    assert saved(member) is None  # reading the page writes nothing


def test_the_notification_preferences_page_links_here(member_client):
    assert URL in member_client.get("/notifications/preferences/").content.decode()


def test_a_member_saves_their_choices(member_client, member, tagged, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        answer = member_client.post(URL, {"invitations": "on", "tags": "WIFI, halo", "daily_cap": "5"})

    assert answer.status_code == 302 and answer["Location"] == URL
    assert saved(member) == (True, ["halo", "wifi"], 5)  # the forum keeps tags in lower case
    page = member_client.get(URL).content.decode()
    assert "Your choices about invitations to answer are saved." in page
    assert 'value="halo, wifi"' in page and 'name="daily_cap" value="5"' in page


def test_turning_invitations_off_and_back_on(member_client, member):
    member_client.post(URL, {"tags": "", "daily_cap": "3"})  # an unchecked box is not sent
    assert saved(member) == (False, [], None)  # the site's cap: followed when it changes

    member_client.post(URL, {"invitations": "on", "tags": "", "daily_cap": "0"})
    assert saved(member) == (True, [], 0)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"tags": "wifi, nosuchtag", "daily_cap": "2"}, "There is no tag nosuchtag. Check the spelling"),
        ({"tags": "ghost, phantom", "daily_cap": "2"}, "There are no tags ghost, phantom."),
        ({"tags": ", ".join(f"t{n}" for n in range(21)), "daily_cap": "2"}, "Choose 20 tags at most."),
        ({"tags": "wifi", "daily_cap": "11"}, "less than or equal to 10"),
        ({"tags": "wifi", "daily_cap": "-1"}, "greater than or equal to 0"),
        ({"tags": "wifi", "daily_cap": "many"}, "Enter a whole number."),
        ({"tags": "wifi"}, "This field is required."),
        ({"tags": "x" * 501, "daily_cap": "2"}, "at most 500 characters"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_saved(member_client, member, tagged, fields, message):
    answer = member_client.post(URL, {"invitations": "on", **fields})

    assert answer.status_code == 400
    html = answer.content.decode()
    assert message in html and "Some choices were not valid; nothing was saved." in html
    assert saved(member) is None


def test_a_tag_used_only_where_the_member_may_not_read_is_unknown_to_them(client, member, moderator, tagged):
    client.force_login(member)
    answer = client.post(URL, {"invitations": "on", "tags": "launch", "daily_cap": "2"})
    assert answer.status_code == 400 and "There is no tag launch." in answer.content.decode()

    client.force_login(moderator)
    assert client.post(URL, {"invitations": "on", "tags": "launch", "daily_cap": "2"}).status_code == 302
    assert saved(moderator) == (True, ["launch"], 2)


def test_the_message_in_french(member_client, tagged):
    with translation.override("fr"):
        answer = member_client.post(
            URL, {"invitations": "on", "tags": "nosuchtag", "daily_cap": "2"}, HTTP_ACCEPT_LANGUAGE="fr"
        )
    assert answer.status_code == 400
    assert "Il n’y a pas d’étiquette nosuchtag." in answer.content.decode()


def test_the_choices_decide_who_is_invited(client, make_member, make_thread, questions, member, tagged):
    """The form's choices, saved, are the ones choose_invitees follows."""
    expert = make_member("expert")
    know(expert, questions, 100, tags=["wifi", "Halo"])
    seen(expert)
    thread = make_thread(category=questions, author=member, tags=["wifi"])
    thread = Thread.objects.select_related("category").get(pk=thread.pk)
    client.force_login(expert)

    client.post(URL, {"invitations": "on", "tags": "Halo", "daily_cap": "3"})
    assert choose_invitees(thread, round=1) == []
    client.post(URL, {"invitations": "on", "tags": "Halo, wifi", "daily_cap": "3"})
    assert choose_invitees(thread, round=1) == [expert]
    client.post(URL, {"tags": "", "daily_cap": "3"})
    assert choose_invitees(thread, round=1) == []
