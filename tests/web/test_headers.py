"""Every page carries a Content-Security-Policy with no inline script, and a Permissions-Policy."""

import threading
from html.parser import HTMLParser

import pytest
from asgiref.sync import sync_to_async
from csp.decorators import csp_exempt, csp_update
from csp.middleware import CSPMiddleware
from django.db import connections
from django.http import HttpResponse
from django.urls import reverse

from web.headers import SecurityHeadersMiddleware

pytestmark = pytest.mark.django_db

# script types a browser treats as data, never runs, and so never checks against script-src
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}
FEATURES_OFF = ["camera", "microphone", "geolocation", "payment", "usb", "interest-cohort", "browsing-topics"]


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy as {directive: [sources]}."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        assert name not in directives, f"{name} appears twice"
        directives[name] = sources
    return directives


class InlineCode(HTMLParser):
    """Finds what a script-src without 'unsafe-inline' would block: inline scripts and on* handlers."""

    def __init__(self):
        super().__init__()
        self.found, self._in_inline_script = [], False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        handlers = [name for name in attributes if name.startswith("on")]
        if handlers:
            self.found.append(f"<{tag} {' '.join(handlers)}>")
        if any((value or "").strip().lower().startswith("javascript:") for value in attributes.values()):
            self.found.append(f"<{tag}> with a javascript: address")
        self._in_inline_script = (
            tag == "script" and "src" not in attributes and attributes.get("type") not in DATA_SCRIPT_TYPES
        )

    def handle_endtag(self, tag):
        self._in_inline_script = False

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.found.append(f"<script>{data.strip()[:60]}")


def inline_code(response) -> list[str]:
    parser = InlineCode()
    parser.feed(response.content.decode())
    return parser.found


@pytest.fixture
def site(make_thread, discussion, member, other_member, moderator, staff_member, admin_member):
    """A thread with a reply, and one person of each role to look at the pages with."""
    thread = make_thread(category=discussion, author=member, replies=[(other_member, "Try the | table | too")])
    return {
        "thread": thread,
        "visitor": None,
        "member": member,
        "moderator": moderator,
        "staff": staff_member,
        "admin": admin_member,
    }


PAGES = {
    "home": ("visitor", lambda site: reverse("forum:home")),
    "category": ("visitor", lambda site: site["thread"].category.get_absolute_url()),
    "thread": ("visitor", lambda site: site["thread"].get_absolute_url()),
    "thread, as a member": ("member", lambda site: site["thread"].get_absolute_url()),
    "profile": ("visitor", lambda site: reverse("profiles:profile", args=[site["member"].username])),
    "search": ("visitor", lambda site: reverse("search:search") + "?q=table"),
    "log-in": ("visitor", lambda site: reverse("account_login")),
    "sign-up": ("visitor", lambda site: reverse("account_signup")),
    "email addresses": ("member", lambda site: reverse("account_email")),
    "new thread": ("member", lambda site: reverse("forum:new_thread")),
    "notifications": ("member", lambda site: reverse("notifications:index")),
    "moderation queue": ("moderator", lambda site: reverse("moderation:queue")),
    "staff queue": ("staff", lambda site: reverse("staff:queue")),
    "staff figures": ("staff", lambda site: reverse("staff:figures")),
    "admin": ("admin", lambda site: reverse("admin:index")),
    "admin list": ("admin", lambda site: reverse("admin:profiles_member_changelist")),
    "admin form": ("admin", lambda site: reverse("admin:profiles_member_change", args=[site["member"].pk])),
    "not found": ("visitor", lambda site: "/no/such/page/"),
}


@pytest.mark.parametrize("name", PAGES)
def test_every_page_type_forbids_inline_scripts_and_unused_browser_features(client, site, name):
    who, url = PAGES[name]
    if site[who]:
        client.force_login(site[who])

    response = client.get(url(site))

    assert response.status_code == (404 if name == "not found" else 200)
    directives = policy(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in directives["style-src"], "<style> elements stay blocked"
    assert directives["connect-src"] == ["'self'", "ws://testserver"]
    features = response["Permissions-Policy"].split(", ")
    assert all(f"{feature}=()" in features for feature in FEATURES_OFF)
    assert inline_code(response) == [], "the policy would block this: move it to a file under static/"


def test_the_thread_page_keeps_its_structured_data_as_a_data_block(client, site):
    """JSON-LD is data: it needs no 'unsafe-inline' and must not be mistaken for a script."""
    content = client.get(site["thread"].get_absolute_url()).content.decode()

    assert '<script type="application/ld+json">' in content


def test_a_page_from_the_visitors_cache_carries_the_same_headers(client, site, settings):
    settings.PAGE_CACHE = True
    url = site["thread"].get_absolute_url()
    first = client.get(url)

    second = client.get(url)

    assert second["X-Page-Cache"] == "hit"
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert second["Permissions-Policy"] == first["Permissions-Policy"]


def test_a_page_over_https_lets_the_live_socket_connect_over_wss(client, site):
    response = client.get(reverse("forum:home"), secure=True)

    assert policy(response)["connect-src"] == ["'self'", "wss://testserver"]


def test_a_request_for_an_unknown_host_still_gets_a_policy_without_its_socket(client, site):
    response = client.get(reverse("forum:home"), HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert policy(response)["connect-src"] == ["'self'"]
    assert "camera=()" in response["Permissions-Policy"]


def test_static_files_carry_no_policy(client):
    response = client.get("/static/css/agora.css")

    assert response.status_code == 200
    assert "Content-Security-Policy" not in response


async def test_under_asgi_the_headers_are_added_on_the_event_loop(async_client, db, monkeypatch):
    """No hop to a worker thread and back, as Django's MiddlewareMixin would make."""
    threads = []
    original = SecurityHeadersMiddleware.process_response

    def recorded(self, request, response):
        threads.append(threading.get_ident())
        return original(self, request, response)

    monkeypatch.setattr(SecurityHeadersMiddleware, "process_response", recorded)

    response = await async_client.get(reverse("account_login"))
    await sync_to_async(connections.close_all)()  # the view's, in Django's sync thread

    assert response.status_code == 200
    assert threads == [threading.get_ident()], "process_response ran on the event loop's thread"
    assert policy(response)["script-src"] == ["'self'"]
    assert "microphone=()" in response["Permissions-Policy"]


def test_the_policy_built_once_is_the_one_django_csp_builds(rf, settings):
    settings.ALLOWED_HOSTS = ["forum.example.com"]
    request = rf.get("/", HTTP_HOST="forum.example.com", secure=True)

    ours = SecurityHeadersMiddleware(lambda request: HttpResponse("ok"))(request)
    theirs = CSPMiddleware(lambda request: HttpResponse("ok"))(rf.get("/", HTTP_HOST="forum.example.com", secure=True))

    expected = policy(theirs)
    expected["connect-src"].append("wss://forum.example.com")
    assert policy(ours) == expected


def test_a_view_that_changes_its_policy_with_a_django_csp_decorator_gets_its_change(rf):
    @csp_update({"img-src": ["https://images.example.com"]})
    def view(request):
        return HttpResponse("ok")

    response = SecurityHeadersMiddleware(view)(rf.get("/"))

    directives = policy(response)
    assert directives["img-src"] == ["'self'", "https://images.example.com"]
    assert directives["connect-src"] == ["'self'", "ws://testserver"]
    assert directives["script-src"] == ["'self'"]


def test_a_view_exempted_by_django_csp_gets_no_policy_but_keeps_the_permissions_policy(rf):
    response = SecurityHeadersMiddleware(csp_exempt()(lambda request: HttpResponse("ok")))(rf.get("/"))

    assert "Content-Security-Policy" not in response
    assert "camera=()" in response["Permissions-Policy"]
