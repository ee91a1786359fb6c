"""The middleware run on the event loop under daphne (web/middleware.py) keep Django's behaviour.

Django's test client runs the synchronous stack; these tests go through the asynchronous
one, as daphne does: a request that made any of them touch the database on the event loop
would fail here with SynchronousOnlyOperation.
"""

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.test import AsyncClient
from django.utils.module_loading import import_string

from profiles.models import Member

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_middleware_can_run_on_the_event_loop():
    """One synchronous-only middleware makes Django run the whole chain inside it in a thread."""
    sync_only = [path for path in settings.MIDDLEWARE if not getattr(import_string(path), "async_capable", False)]
    assert sync_only == []


async def test_a_page_through_the_event_loop_has_its_headers_and_language():
    client = AsyncClient()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    response = await client.get("/")

    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response and "Permissions-Policy" in response
    assert "sessionid" not in response.cookies  # a visitor's read creates no session


async def test_logging_in_saves_the_session_and_the_next_page_knows_the_member(django_user_model):
    await django_user_model.objects.acreate(username="nadia", email="nadia@example.com")
    member = await Member.objects.aget(username="nadia")
    member.set_password("a long and good password")
    await member.asave()
    client = AsyncClient(enforce_csrf_checks=True)
    form = await client.get("/accounts/login/")
    token = form.cookies["csrftoken"].value

    response = await client.post(
        "/accounts/login/",
        {"login": "nadia", "password": "a long and good password", "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 302
    assert "sessionid" in response.cookies
    page = await client.get("/")
    assert b"nadia" in page.content.lower()


async def test_a_form_post_without_its_token_is_refused():
    client = AsyncClient(enforce_csrf_checks=True)

    response = await client.post("/accounts/login/", {"login": "nobody", "password": "x"})

    assert response.status_code == 403


async def test_a_message_set_by_a_view_reaches_the_next_page(make_member):
    member = await sync_to_async(make_member)("olga")
    client = AsyncClient()
    await client.aforce_login(member)

    saved = await client.post(f"/u/{member.username}/edit/", {"display_name": "Olga K.", "language": ""})
    profile = await client.get(saved["Location"])

    assert saved.status_code == 302
    assert b"Your profile was saved." in profile.content
    again = await client.get(saved["Location"])
    assert b"Your profile was saved." not in again.content


async def test_a_static_file_and_a_missing_page():
    client = AsyncClient()

    css = await client.get(f"{settings.STATIC_URL}css/agora.css")
    missing = await client.get("/no/such/page/")

    assert css.status_code == 200 and css["Content-Type"].startswith("text/css")
    assert missing.status_code == 404


def test_the_deploy_checks_find_each_protection_as_a_subclass(settings):
    """Django's own checks look for its class names, silenced in settings; web/checks.py stands in."""
    from web.checks import security_middleware

    assert security_middleware(None) == []
    settings.MIDDLEWARE = [path for path in settings.MIDDLEWARE if path != "web.middleware.Csrf"]
    assert [warning.id for warning in security_middleware(None)] == ["web.W003"]
