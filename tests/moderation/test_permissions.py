"""Who may open each moderation page and press each moderation button, over the matrix of people.

visitor, member (alice), the author of the reported reply and subject of the
member actions (tess), a suspended member (sam), brand staff who are not
moderators (sophie), a moderator (marc) and an admin (root). Only moderators
and admins moderate: a visitor is sent to log in, everyone else gets 403 and
nothing changes. Then the audit log's filters, the query counts of the queue
and the log, and the Django admin, which shows the log read-only.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from forum import services
from forum.models import Category, Post, Thread
from moderation import actions
from moderation.models import Action, Report
from moderation.reports import file_report
from profiles.models import Member
from tests.forum.parsed import parse_html

ROLES = ("visitor", "member", "author", "suspended", "staff", "moderator", "admin")
MODERATING = {"moderator", "admin"}
LOGIN = "login"


@dataclass
class World:
    people: dict
    thread: Thread
    reply: Post
    subject: Member
    lounge: Category


@pytest.fixture
def world(make_member, make_thread, discussion, lounge, member, staff_member, moderator, admin_member, reporters):
    tess = make_member("tess", display_name="Tess Target")
    sam = make_member("sam", display_name="Sam Suspended")
    thread = make_thread(category=discussion, author=member, title="A thread to moderate", replies=[(tess, "Spam")])
    reply = thread.posts.get(author=tess)
    file_report(reporter=reporters[0], reason=Report.Reason.SPAM, post=reply)
    Member.objects.filter(pk=sam.pk).update(suspended_until=timezone.now() + timedelta(days=2))
    people = {
        "visitor": None,
        "member": member,
        "author": tess,
        "suspended": Member.objects.get(pk=sam.pk),
        "staff": staff_member,
        "moderator": moderator,
        "admin": admin_member,
    }
    return World(people=people, thread=thread, reply=reply, subject=tess, lounge=lounge)


def outcome(response):
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return LOGIN
    return response.status_code


def expected(role, allowed):
    if role == "visitor":
        return LOGIN
    return allowed if role in MODERATING else 403


# Pages ------------------------------------------------------------------------------------------

PAGES = {
    "queue": lambda w: "/mod/",
    "queue, filtered": lambda w: "/mod/?reason=spam&category=general&page=2",
    "audit log": lambda w: "/mod/log/",
    "audit log, filtered": lambda w: "/mod/log/?actor=marc&member=tess&kind=hide",
    "member page": lambda w: f"/mod/member/{w.subject.username}/",
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_only_moderators_and_admins_open_the_moderation_pages(client_for, world, page, role):
    response = client_for(world.people[role]).get(PAGES[page](world))

    assert outcome(response) == expected(role, 200)


def test_the_moderation_link_in_the_header_is_only_for_moderators_and_admins(client_for, world):
    for role in ROLES:
        html = client_for(world.people[role]).get("/").content.decode()
        assert ('href="/mod/"' in html) is (role in MODERATING), role
        assert ("data-mod-queue" in html) is (role in MODERATING), role


# Buttons ----------------------------------------------------------------------------------------


def _hide(w):
    actions.hide_post(post=w.reply, by=w.people["moderator"])


def _thread(change):
    return lambda w: actions.change_thread(thread=w.thread, by=w.people["moderator"], change=change)


def _suspend(w):
    Member.objects.filter(pk=w.subject.pk).update(
        suspended_until=timezone.now() + timedelta(days=1), suspension_reason="Spam"
    )


def _visibility(w):
    return Post.objects.get(pk=w.reply.pk).visibility


def _thread_field(field):
    return lambda w: getattr(Thread.objects.get(pk=w.thread.pk), field)


def _suspended(w):
    return Member.objects.get(pk=w.subject.pk).is_suspended


@dataclass
class Button:
    url: object
    data: dict
    done: object  # world -> bool: the action took effect
    prepare: object = None


BUTTONS = {
    "dismiss": Button(
        lambda w: "/mod/dismiss/",
        {"target": "REPLY"},
        lambda w: not Report.objects.filter(status=Report.Status.OPEN).exists(),
    ),
    "hide": Button(lambda w: f"/mod/post/{w.reply.pk}/hide/", {"reason": "x"}, lambda w: _visibility(w) == "hidden"),
    "restore": Button(lambda w: f"/mod/post/{w.reply.pk}/restore/", {}, lambda w: _visibility(w) == "visible", _hide),
    "delete": Button(lambda w: f"/mod/post/{w.reply.pk}/delete/", {}, lambda w: _visibility(w) == "deleted"),
    "lock": Button(lambda w: f"/mod/thread/{w.thread.pk}/lock/", {}, _thread_field("is_locked")),
    "unlock": Button(
        lambda w: f"/mod/thread/{w.thread.pk}/unlock/",
        {},
        lambda w: not _thread_field("is_locked")(w),
        _thread("lock"),
    ),
    "pin": Button(lambda w: f"/mod/thread/{w.thread.pk}/pin/", {}, _thread_field("is_pinned")),
    "unpin": Button(
        lambda w: f"/mod/thread/{w.thread.pk}/unpin/",
        {},
        lambda w: not _thread_field("is_pinned")(w),
        _thread("pin"),
    ),
    "move": Button(
        lambda w: f"/mod/thread/{w.thread.pk}/move/",
        {"category": "lounge"},
        lambda w: Thread.objects.get(pk=w.thread.pk).category_id == w.lounge.pk,
    ),
    "warn": Button(
        lambda w: f"/mod/member/{w.subject.username}/warn/",
        {"reason": "Mind the rules"},
        lambda w: Action.objects.filter(kind=Action.Kind.WARN).exists(),
    ),
    "suspend": Button(
        lambda w: f"/mod/member/{w.subject.username}/suspend/", {"days": "3", "reason": "Spam"}, _suspended
    ),
    "lift": Button(lambda w: f"/mod/member/{w.subject.username}/lift/", {}, lambda w: not _suspended(w), _suspend),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("button", BUTTONS)
def test_only_moderators_and_admins_press_the_moderation_buttons(client_for, world, button, role):
    spec = BUTTONS[button]
    if spec.prepare:
        spec.prepare(world)
    data = {k: (f"post:{world.reply.pk}" if v == "REPLY" else v) for k, v in spec.data.items()}
    rows = Action.objects.count()

    response = client_for(world.people[role]).post(spec.url(world), data)

    assert outcome(response) == expected(role, 302)
    assert spec.done(world) is (role in MODERATING)
    assert Action.objects.count() == rows + (1 if role in MODERATING else 0)
    if role in MODERATING:
        assert Action.objects.latest("id").actor == world.people[role]


@pytest.mark.parametrize("button", BUTTONS)
def test_the_moderation_buttons_answer_only_to_post(client_for, world, button):
    response = client_for(world.people["moderator"]).get(BUTTONS[button].url(world))

    assert response.status_code == 405


@pytest.mark.parametrize(
    "url",
    ["/mod/post/999999/hide/", "/mod/thread/999999/lock/", "/mod/member/nobody/warn/", "/mod/dismiss/"],
)
def test_a_member_probing_the_buttons_learns_nothing_of_what_exists(client_for, world, url):
    assert client_for(world.people["member"]).post(url).status_code == 403


def test_a_member_pressing_a_button_on_staff_only_content_gets_the_same_refusal(
    client_for, world, make_thread, staff_category
):
    secret = make_thread(category=staff_category, author=world.people["staff"], title="Secret roadmap")
    browser = client_for(world.people["member"])

    assert browser.post(f"/mod/post/{secret.posts.get().pk}/hide/").status_code == 403
    assert browser.post(f"/mod/thread/{secret.pk}/lock/").status_code == 403
    assert browser.post("/mod/post/999999/hide/").status_code == 403


def test_brand_staff_who_are_also_moderators_may_moderate(client_for, world, make_member):
    both = make_member("sophia", staff=True, title="Acme Support", moderator=True)

    response = client_for(both).post(f"/mod/post/{world.reply.pk}/hide/")

    assert response.status_code == 302
    assert _visibility(world) == "hidden"


def test_brand_staff_cannot_moderate_through_the_services_either(world):
    staff = world.people["staff"]
    for attempt in (
        lambda: actions.hide_post(post=world.reply, by=staff),
        lambda: actions.dismiss_reports(target=f"post:{world.reply.pk}", by=staff),
        lambda: actions.change_thread(thread=world.thread, by=staff, change="lock"),
        lambda: actions.move_thread(thread=world.thread, by=staff, category=world.lounge),
        lambda: actions.warn_member(member=world.subject, by=staff, reason="x"),
        lambda: actions.suspend_member(
            member=world.subject, by=staff, until=timezone.now() + timedelta(days=1), reason="x"
        ),
        lambda: actions.lift_suspension(member=world.subject, by=staff),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert not Action.objects.exists()
    assert _visibility(world) == "visible"


# The audit log's filters ------------------------------------------------------------------------


@pytest.fixture
def logged(world, make_member):
    """Actions by marc and by root, about tess and about alice."""
    moderator, admin, tess, alice = (world.people[r] for r in ("moderator", "admin", "author", "member"))
    actions.hide_post(post=world.reply, by=moderator, reason="by marc about tess")
    actions.warn_member(member=tess, by=admin, reason="by root about tess")
    actions.warn_member(member=alice, by=moderator, reason="by marc about alice")
    actions.change_thread(thread=world.thread, by=admin, change="lock", reason="by root about alice's thread")
    return world


def log_rows(response):
    """The audit log table's rows, each as the list of its cells' texts."""
    page = parse_html(response.content)
    rows = [tr for tr in page.find_all("tr", within="log-table") if tr.parent.tag == "tbody"]
    return [[" ".join(td.text.split()) for td in tr.children if td.tag == "td"] for tr in rows]


def log_reasons(client, **query):
    return sorted(cells[-1] for cells in log_rows(client.get("/mod/log/", query)))


def test_the_audit_log_lists_every_action_newest_first(client_for, logged):
    rows = log_rows(client_for(logged.people["moderator"]).get("/mod/log/"))

    assert [cells[-1] for cells in rows] == [
        "by root about alice's thread",
        "by marc about alice",
        "by root about tess",
        "by marc about tess",
    ]


@pytest.mark.parametrize(
    ("query", "reasons"),
    [
        ({"actor": "marc"}, ["by marc about alice", "by marc about tess"]),
        ({"actor": "root"}, ["by root about alice's thread", "by root about tess"]),
        ({"member": "tess"}, ["by marc about tess", "by root about tess"]),
        ({"member": "alice"}, ["by marc about alice", "by root about alice's thread"]),
        ({"kind": "warn"}, ["by marc about alice", "by root about tess"]),
        ({"kind": "hide"}, ["by marc about tess"]),
        ({"actor": "marc", "member": "tess", "kind": "hide"}, ["by marc about tess"]),
        ({"actor": "marc", "kind": "lock"}, []),
        ({"actor": "nobody"}, []),
    ],
)
def test_the_audit_log_filters_by_moderator_member_and_action(client_for, logged, query, reasons):
    assert log_reasons(client_for(logged.people["moderator"]), **query) == sorted(reasons)


def test_an_unknown_action_kind_is_no_filter(client_for, logged):
    assert len(log_reasons(client_for(logged.people["moderator"]), kind="burn")) == 4


def test_the_audit_log_shows_who_what_target_reason_and_the_edit_before_and_after(client_for, world):
    moderator = world.people["moderator"]
    services.edit_post(post=world.reply, editor=moderator, body="Cleaned by a moderator")

    [row] = log_rows(client_for(moderator).get("/mod/log/"))
    text = " ".join(row)
    assert "Marc Petit" in text
    assert "Edited a post" in text
    assert "A thread to moderate" in text
    assert "@tess" in text
    assert "− body: Spam" in text
    assert "+ body: Cleaned by a moderator" in text


def test_automatic_actions_appear_in_the_log_as_automatic(client_for, world, reporters):
    for reporter in reporters[1:]:
        file_report(reporter=reporter, reason=Report.Reason.SPAM, post=world.reply)

    [row] = log_rows(client_for(world.people["moderator"]).get("/mod/log/"))

    assert row[1] == "automatic"
    assert row[2].startswith("Hid a post automatically after reports")


# Query counts -----------------------------------------------------------------------------------


QUEUE_MAX = 15
LOG_MAX = 10


def _report_many(make_member, make_thread, category, groups: int, tag: str):
    """`groups` reported targets, each reported by up to three members: posts, threads and profiles."""
    reporters = [make_member(f"{tag}-reporter{n}", display_name=f"{tag} reporter {n}") for n in range(3)]
    for n in range(groups):
        author = make_member(f"{tag}-author{n}", display_name=f"{tag} author {n}")
        replier = make_member(f"{tag}-replier{n}", display_name=f"{tag} replier {n}")
        thread = make_thread(
            category=category, author=author, title=f"{tag} reported thread {n}", replies=[(replier, f"Reply {n}")]
        )
        target = [{"post": thread.posts.get(author=replier)}, {"thread": thread}, {"member": author}][n % 3]
        for reporter in reporters[: 1 + n % 2]:
            file_report(reporter=reporter, reason=Report.Reason.SPAM, text=f"Text {n}", **target)


def _count_queries(client, url, django_assert_max_num_queries, limit):
    """The queries of the page once what every page caches (the site's header) is warm."""
    client.get(url)
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_queue_takes_a_fixed_number_of_queries_however_many_groups_it_shows(
    client_for, make_member, make_thread, discussion, lounge, moderator, django_assert_max_num_queries
):
    browser = client_for(moderator)
    _report_many(make_member, make_thread, discussion, 5, "few")
    few = _count_queries(browser, "/mod/", django_assert_max_num_queries, QUEUE_MAX)
    _report_many(make_member, make_thread, lounge, 15, "many")

    many = _count_queries(browser, "/mod/", django_assert_max_num_queries, QUEUE_MAX)
    page = parse_html(browser.get("/mod/").content)

    assert len(page.find_all("article", class_="queue-item")) == 20
    assert few == many


def _log_many(make_member, make_thread, category, moderators, count: int, tag: str):
    """`count` actions by several moderators, about as many members, posts and threads."""
    made = 0
    while made < count:
        author = make_member(f"{tag}-member{made}", display_name=f"{tag} member {made}")
        thread = make_thread(category=category, author=author, replies=[(author, "A reply")])
        by = moderators[made % len(moderators)]
        actions.hide_post(post=thread.posts.get(is_opening=False), by=by, reason=f"Reason {made}")
        actions.warn_member(member=author, by=by, reason=f"Warning {made}")
        made += 2


def test_the_audit_log_takes_a_fixed_number_of_queries_however_many_actions_it_shows(
    client_for, make_member, make_thread, discussion, moderator, admin_member, django_assert_max_num_queries
):
    browser = client_for(moderator)
    moderators = [moderator, admin_member, *(make_member(f"mod{n}", moderator=True) for n in range(3))]
    _log_many(make_member, make_thread, discussion, moderators, 4, "few")
    few = _count_queries(browser, "/mod/log/", django_assert_max_num_queries, LOG_MAX)
    _log_many(make_member, make_thread, discussion, moderators, 46, "many")

    many = _count_queries(browser, "/mod/log/", django_assert_max_num_queries, LOG_MAX)

    assert Action.objects.count() == 50
    assert few == many
    assert _count_queries(browser, "/mod/log/?page=2", django_assert_max_num_queries, LOG_MAX) == many


# The Django admin shows the log and the reports read-only -------------------------------------------


@pytest.fixture
def admin_browser(client_for, logged):
    return client_for(logged.people["admin"])


def test_the_admin_lists_the_audit_log_and_the_reports(admin_browser):
    actions_page = admin_browser.get("/admin/moderation/action/")
    reports_page = admin_browser.get("/admin/moderation/report/")

    assert actions_page.status_code == 200
    assert "by marc about tess" in actions_page.content.decode()
    assert reports_page.status_code == 200


def test_the_admin_shows_an_action_without_a_way_to_change_it(admin_browser):
    action = Action.objects.get(kind=Action.Kind.HIDE)

    page = admin_browser.get(f"/admin/moderation/action/{action.pk}/change/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "by marc about tess" in html
    assert 'name="_save"' not in html
    assert "/delete/" not in html


def test_the_admin_cannot_add_change_or_delete_an_action(admin_browser):
    action = Action.objects.get(kind=Action.Kind.HIDE)
    rows = Action.objects.count()

    added = admin_browser.post("/admin/moderation/action/add/", {"kind": "warn", "reason": "forged"})
    changed = admin_browser.post(f"/admin/moderation/action/{action.pk}/change/", {"kind": "warn", "reason": "x"})
    deleted = admin_browser.post(f"/admin/moderation/action/{action.pk}/delete/", {"post": "yes"})
    bulk = admin_browser.post(
        "/admin/moderation/action/", {"action": "delete_selected", "_selected_action": [action.pk], "post": "yes"}
    )

    assert added.status_code == 403
    assert changed.status_code == 403
    assert deleted.status_code == 403
    assert bulk.status_code in (200, 302)
    assert Action.objects.count() == rows
    action.refresh_from_db()
    assert (action.kind, action.reason) == ("hide", "by marc about tess")


def test_the_admin_cannot_resolve_or_delete_a_report(admin_browser):
    report = Report.objects.get()

    changed = admin_browser.post(f"/admin/moderation/report/{report.pk}/change/", {"status": "dismissed"})
    deleted = admin_browser.post(f"/admin/moderation/report/{report.pk}/delete/", {"post": "yes"})

    assert (changed.status_code, deleted.status_code) == (403, 403)
    report.refresh_from_db()
    assert report.status == Report.Status.RESOLVED  # resolved by the hide, on the site


def test_a_moderator_who_is_not_an_admin_has_no_django_admin(client_for, logged):
    response = client_for(logged.people["moderator"]).get("/admin/moderation/action/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
