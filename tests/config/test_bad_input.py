"""A NUL byte anywhere in a request (path, query string, form field, cookie) is a 400, never a 500.

PostgreSQL refuses NUL in text where SQLite stores it, so a value that reaches a query
unchecked answers 500 there only. The gate is web/badinput.py; these tests walk every
route of config.urls, signed in with every role so that no permission check answers
first; CI runs them on SQLite and again on PostgreSQL (DATABASE_URL).
"""

import re
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

NUL = "\x00"

# Every parameter a view reads from the query string or a form, and the fields of the forms.
QUERY_FIELDS = [
    *("q", "actor", "category", "filter", "kind", "language", "member", "next", "page", "period"),
    *("reason", "scope", "tab", "tag", "title", "unread", "quote", "sort"),
]
FORM_FIELDS = [
    *QUERY_FIELDS,
    *("action", "body", "message", "target", "thread", "to", "hours", "tags", "login", "email", "username"),
    *("password", "password1", "password2", "display_name", "bio", "location", "website", "remember"),
]


def _routes(patterns=None, prefix=""):
    """(route, name) of every pattern, with the prefixes of the includes above it."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.name


ROUTES = [pytest.param(route, id=f"/{route}") for route, _name in _routes()]
PARAMETER = re.compile(r"<(?:\w+:)?(?P<name>\w+)>|\(\?P<(?P<group>\w+)>[^)]*\)")


@pytest.fixture
def boss(make_member):
    """Moderator, brand staff and administrator: every permission check lets them through."""
    return make_member("boss", moderator=True, staff=True, title="Acme", admin=True)


@pytest.fixture
def world(boss, member, make_thread, discussion, staff_category):
    """Real rows for every kind of path parameter, so that the views go as deep as they can."""
    from notifications import announcements
    from notifications.services import notify
    from notifications.unsubscribe import make_token
    from reputation.badges import CATALOGUE

    thread = make_thread(category=discussion, author=member, tags=["lamps"], replies=[(boss, "Try this.")])
    reply = thread.posts.get(is_opening=False)
    notification = notify(recipients=[boss], kind="reply", actor=member, thread=thread, post=reply)[0]
    announcement = announcements.publish(
        by=boss, message="Maintenance tonight", expires_at=thread.created_at.replace(year=2100)
    )
    return {
        "slug": {"c/": discussion.slug, "tags/": "lamps", "badges/": CATALOGUE[0].slug, "t/": thread.slug},
        "pk": {
            "notifications/": notification.pk,
            "staff/thread/": thread.pk,
            "staff/announcements/": announcement.pk,
            "announcements/": announcement.pk,
            "mod/post/": reply.pk,
            "mod/thread/": thread.pk,
        },
        "thread_id": thread.pk,
        "post_id": reply.pk,
        "username": member.username,
        "action": {"mod/post/": "hide", "mod/thread/": "lock", "mod/member/": "warn"},
        "token": make_token(boss.pk, None),
        "object_id": thread.pk,
        "content_type_id": "1",
        "id": member.pk,
        "app_label": "forum",
        "url": "forum/",
        "path": "avatars/none.png",
        "key": "abc",
        "uidb36": "1",
    }


def _value(world, route: str, name: str) -> str:
    value = world.get(name, "x")
    if isinstance(value, dict):
        value = next((v for prefix, v in value.items() if route.startswith(prefix)), "x")
    return str(value)


def _path(route: str, world, poisoned: str | None = None) -> str:
    """The route with every parameter filled in, and a NUL in the one named `poisoned`."""

    def fill(match):
        name = match["name"] or match["group"]
        value = _value(world, route, name)
        return quote(value + NUL if name == poisoned else value, safe="/")

    return "/" + PARAMETER.sub(fill, route).replace("^", "").replace("$", "")


def _parameters(route: str) -> list[str]:
    return [match["name"] or match["group"] for match in PARAMETER.finditer(route)]


@pytest.fixture
def boss_client(boss, _request_handler):
    client = Client(raise_request_exception=False)
    client.handler = _request_handler
    client.force_login(boss)
    return client


def _assert_refused(response, what):
    assert response.status_code in (400, 404), f"{what}: {response.status_code}"


def _check_route(client, world, route):
    for name in _parameters(route):
        path = _path(route, world, poisoned=name)
        _assert_refused(client.get(path), f"GET {path}")
        _assert_refused(client.post(path, {}), f"POST {path}")
    path = _path(route, world)
    query = {field: f"{_value(world, route, field)}{NUL}" for field in QUERY_FIELDS}
    _assert_refused(client.get(path, query), f"GET {path} with NUL in the query string")
    form = {field: f"{_value(world, route, field)}{NUL}" for field in FORM_FIELDS}
    _assert_refused(client.post(path, form), f"POST {path}, multipart, NUL in the fields")
    urlencoded = urlencode(form)
    _assert_refused(
        client.post(path, urlencoded, content_type="application/x-www-form-urlencoded"),
        f"POST {path}, urlencoded, NUL in the fields",
    )
    _assert_refused(client.post(path, {f"body{NUL}": "hello"}), f"POST {path}, NUL in a field's name")


@pytest.mark.parametrize("route", ROUTES)
def test_a_nul_byte_in_any_part_of_any_route_is_refused_with_a_4xx(boss_client, world, route):
    _check_route(boss_client, world, route)


def test_a_nul_byte_in_the_session_cookie_is_refused_before_the_session_is_looked_up(client, db):
    # A quoted cookie value may spell a NUL as an octal escape; Django's cookie parser decodes it.
    response = client.get("/", HTTP_COOKIE='sessionid="abcdefgh\\000ijkl"')

    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    assert "Content-Security-Policy" in response.headers, "the refusal is a page like any other"


def test_a_nul_byte_in_a_cookie_name_is_refused(client, db):
    assert client.get("/", HTTP_COOKIE='agora\x00x="1"').status_code == 400


def test_the_refusal_is_a_short_page_in_the_readers_language(client, db):
    response = client.get("/search/", {"q": f"lamp{NUL}"}, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 400
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert "octet NUL" in page
    assert "Requête invalide" in page


def test_django_own_bad_requests_get_the_same_page(client, db, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = client.post("/search/", {f"field{n}": "x" for n in range(10)})

    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


def test_ordinary_requests_still_pass(member_client, member, make_thread, discussion):
    thread = make_thread(category=discussion, author=member)

    # An encoded percent sign followed by zeros is text, not a NUL.
    assert member_client.get("/search/", {"q": "100%00 lamp"}).status_code == 200
    assert member_client.get(thread.get_absolute_url(), {"page": "1"}).status_code == 200
    response = member_client.post(f"{thread.get_absolute_url()}reply/", {"body": "A reply with ünïcode and 100%."})
    assert response.status_code == 302
    assert thread.posts.filter(body__contains="100%").exists()


async def test_the_gate_answers_on_the_async_path_too(db):
    from django.test import AsyncClient

    client = AsyncClient()

    assert (await client.get("/healthz", {"next": f"/{NUL}"})).status_code == 400
    assert (await client.post("/report/", {"reason": f"spam{NUL}"})).status_code == 400
    assert (await client.get("/healthz")).status_code == 200


# The session backend warns that keys this long would not suit memcached; it is not in use.
@pytest.mark.filterwarnings("ignore::django.core.cache.backends.base.CacheKeyWarning")
@pytest.mark.parametrize("name", ["sessionid", "csrftoken", "messages", "django_language", "agora_dismissed"])
@pytest.mark.parametrize(
    "value", ["²", "9" * 5000, "é" * 3000, '"\\377\\376"', "a=b; c", "..."], ids=lambda v: repr(v[:12])
)
def test_every_cookie_the_site_reads_survives_a_forged_value(client, db, name, value):
    # A WSGI header is bytes read as Latin-1, so UTF-8 travels as its Latin-1 reading.
    header = f"{name}={value}".encode().decode("latin-1")

    assert client.get("/", HTTP_COOKIE=header).status_code == 200
    assert client.get("/no-such-page/", HTTP_COOKIE=header).status_code == 404
