"""In production every cookie the site sets is Secure.

The site runs with ENVIRONMENT=production in a fresh interpreter (as in
test_settings.py: the settings of the process running the tests stay untouched),
on its own SQLite file, and a member goes through every step that sets a cookie.
"""

import json

from tests.config.test_settings import production_secret_key, run_python

JOURNEY = """
import json
import django
django.setup()

from datetime import timedelta
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from profiles.models import Member
from notifications.models import Announcement

call_command("migrate", verbosity=0, interactive=False)
call_command("collectstatic", verbosity=0, interactive=False)  # the manifest storage needs it
member = Member.objects.create_user("alice", "alice@example.com", "velvet-lantern-orbit-42")
EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
announcement = Announcement.objects.create(
    message="Maintenance tonight", created_by=member, expires_at=timezone.now() + timedelta(days=1)
)

# Behind the TLS proxy: the address is https, and the proxy says so.
client = Client(headers={"X-Forwarded-Proto": "https"})
cookies, statuses = [], []

def step(method, path, **data):
    response = getattr(client, method)(path, data)
    statuses.append((path, response.status_code))
    cookies.extend(morsel.OutputString() for morsel in response.cookies.values())

step("get", "/")
step("get", "/accounts/login/")
step("post", "/accounts/login/", login="alice", password="velvet-lantern-orbit-42")
step("get", "/")
step("get", "/language/", language="fr")
step("post", "/i18n/setlang/", language="en", next="/")
step("post", f"/announcements/{announcement.pk}/dismiss/", next="/")
step("post", "/u/alice/edit/", display_name="Alice", bio="", location="", website="", language="fr")
step("post", "/accounts/logout/")
print(json.dumps({"cookies": cookies, "statuses": statuses}))
"""


def test_every_cookie_the_site_sets_in_production_is_secure(tmp_path):
    var_dir = tmp_path / "var"
    var_dir.mkdir()  # production creates no folder of its own
    result = run_python(
        JOURNEY,
        var_dir,
        ENVIRONMENT="production",
        SECRET_KEY=production_secret_key(),
        ALLOWED_HOSTS="testserver",
        EMAIL_URL="memory://",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.splitlines()[-1])

    assert all(status in (200, 302) for _, status in seen["statuses"]), seen["statuses"]
    names = {cookie.split("=", 1)[0] for cookie in seen["cookies"]}
    assert {"csrftoken", "sessionid", "messages", "django_language", "agora_dismissed"} <= names, names
    for cookie in seen["cookies"]:
        name, value = cookie.split(";", 1)[0].split("=", 1)
        if value in ("", '""') and "Max-Age=0" in cookie:
            continue  # a deletion (Django's delete_cookie) carries nothing to protect
        assert "; Secure" in cookie, cookie
        assert "SameSite=Lax" in cookie, cookie
        if name != "csrftoken":  # the page script reads that one to post with fetch()
            assert "HttpOnly" in cookie, cookie
