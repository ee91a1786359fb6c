"""An announcement pushed live is the banner every page renders on load.

The push carries the banner's HTML (templates/notifications/_announcement.html), the same for
every reader, in each language; the page fills in only its own address as the dismiss form's
`next` (static/js/live.js). These tests compare the two banners element by element.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from notifications import announcements
from tests.live_html import element_by_id
from web import push

MESSAGE = "Maintenance tonight from 22:00 to 23:00: the forum will be read-only."


@pytest.fixture
def pushed(monkeypatch):
    messages = []
    monkeypatch.setattr(push, "send_many", lambda pushes: messages.extend(p.event["message"] for p in pushes))
    return messages


@pytest.fixture
def linked_thread(make_thread, discussion, member):
    return make_thread(category=discussion, author=member, title="Update 2.4.1 release notes")


@pytest.fixture
def published(staff_member, linked_thread, pushed, django_capture_on_commit_callbacks):
    """The announcement as pushed to open pages."""
    with django_capture_on_commit_callbacks(execute=True):
        announcements.publish(
            by=staff_member, message=MESSAGE, thread=linked_thread, expires_at=timezone.now() + timedelta(hours=4)
        )
    [message] = [m for m in pushed if m["type"] == "announcement"]
    return message


def as_on_page(pushed_html: str, path: str) -> str:
    """What live.js does to the pushed banner: the dismiss form comes back to this page."""
    assert pushed_html.count('name="next" value=""') == 1
    return pushed_html.replace('name="next" value=""', f'name="next" value="{path}"')


def reader_client(who, member) -> Client:
    client = Client()
    if who == "member":
        client.force_login(member)
    return client


@pytest.mark.parametrize("who", ["visitor", "member"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_live_announcement_is_the_banner_the_page_renders_on_load(published, linked_thread, member, who, language):
    client = reader_client(who, member)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    path = linked_thread.get_absolute_url()

    on_load = element_by_id(client.get(path).content, "announcement")
    live = element_by_id(as_on_page(published["html"][language], path), "announcement")

    assert str(live) == str(on_load)
    assert live == on_load


def test_a_live_announcement_keeps_its_label_its_read_more_link_and_its_dismiss_button(published, linked_thread):
    html = published["html"]["en"]

    assert "<strong>Announcement:</strong>" in html
    assert f'<a href="{linked_thread.get_absolute_url()}">Read more</a>' in html
    assert 'aria-label="Dismiss the announcement"' in html
    assert "<strong>Annonce" in published["html"]["fr"]


def test_the_dismiss_form_of_a_live_announcement_works_without_javascript(published, linked_thread):
    client = Client()
    path = linked_thread.get_absolute_url()
    assert 'id="announcement"' in client.get(path).content.decode()
    form = element_by_id(as_on_page(published["html"]["en"], path), "announcement").children[0].children[1]
    action = dict(form.attributes)["action"]

    response = client.post(action, {"next": path})

    assert (response.status_code, response.url) == (302, path)
    assert 'id="announcement"' not in client.get(path).content.decode()


def test_a_withdrawn_announcement_is_pushed_without_a_banner(
    published, staff_member, pushed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        announcements.withdraw(by=staff_member, announcement=announcements.active())

    withdrawn = pushed[-1]
    assert (withdrawn["id"], withdrawn["active"]) == (published["id"], False)
    assert "html" not in withdrawn
