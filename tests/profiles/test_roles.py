"""Roles: the grant_role command and every check in profiles/roles.py over the role matrix."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone

from profiles import roles

# The grant_role command --------------------------------------------------------------------


def grant(*args, **options):
    call_command("grant_role", *args, **options)


def test_grant_role_staff_with_a_title_makes_an_official_responder(member, capsys):
    grant("alice", "staff", title="  Acme Support  ")

    member.refresh_from_db()
    assert member.is_brand_staff
    assert member.staff_title == "Acme Support"
    assert not member.is_moderator
    assert not member.is_superuser
    assert "alice is now staff (Acme Support)." in capsys.readouterr().out


def test_grant_role_staff_without_a_title_keeps_the_current_title(make_member):
    sophie = make_member("sophie", staff=True, title="Acme Support")

    grant("sophie", "staff")

    sophie.refresh_from_db()
    assert sophie.is_brand_staff
    assert sophie.staff_title == "Acme Support"


def test_grant_role_moderator_makes_a_moderator_who_is_not_admin(member):
    grant("alice", "moderator")

    member.refresh_from_db()
    assert member.is_moderator
    assert not member.is_brand_staff
    assert not member.is_superuser
    assert not member.is_staff


def test_grant_role_finds_the_member_whatever_the_case_of_the_username(member):
    grant("ALICE", "moderator")

    member.refresh_from_db()
    assert member.is_moderator


def test_staff_and_moderator_roles_combine(member):
    grant("alice", "staff", title="Acme Support")
    grant("alice", "moderator")

    member.refresh_from_db()
    assert member.is_brand_staff
    assert member.is_moderator
    assert roles.role_names(member) == ["staff", "moderator"]


def test_grant_role_admin_opens_the_django_admin(member):
    grant("alice", "admin")

    member.refresh_from_db()
    assert member.is_superuser
    assert member.is_staff


def test_grant_role_member_takes_back_staff_and_moderator(make_member):
    make_member("sophie", staff=True, title="Acme Support", moderator=True)

    grant("sophie", "member")

    from profiles.models import Member

    sophie = Member.objects.get(username="sophie")
    assert not sophie.is_brand_staff
    assert not sophie.is_moderator
    assert sophie.staff_title == ""
    assert roles.role_names(sophie) == ["member"]


def test_grant_role_for_an_unknown_username_is_a_command_error(db):
    with pytest.raises(CommandError, match="nobody"):
        grant("nobody", "moderator")


@pytest.mark.parametrize("role", ["member", "moderator", "admin"])
def test_grant_role_title_with_a_role_other_than_staff_is_a_command_error(member, role):
    with pytest.raises(CommandError, match="--title"):
        grant("alice", role, title="Acme Support")

    member.refresh_from_db()
    assert not member.is_moderator
    assert not member.is_superuser
    assert member.staff_title == ""


def test_grant_role_with_an_unknown_role_is_a_command_error(member):
    with pytest.raises(CommandError):
        grant("alice", "overlord")


# The role matrix ---------------------------------------------------------------------------

FUTURE = timedelta(days=3)


@pytest.fixture
def people(make_member):
    """One of each: the rows of the matrix, by name."""
    now = timezone.now()
    return {
        "visitor": AnonymousUser(),
        "member": make_member("member"),
        "suspended": make_member("suspended", suspended_until=now + FUTURE, suspension_reason="Spam"),
        "suspension_over": make_member("formerly_suspended", suspended_until=now - FUTURE),
        "staff": make_member("staffer", staff=True, title="Acme Support"),
        "moderator": make_member("moddy", moderator=True),
        "admin": make_member("root", admin=True),
        "inactive": make_member("gone", is_active=False),
        "inactive_moderator": make_member("gone_mod", moderator=True, is_active=False),
        "suspended_moderator": make_member("mod_on_leave", moderator=True, suspended_until=now + FUTURE),
    }


# Who answers True, for each check. Everyone else in `people` answers False.
MATRIX = {
    roles.is_member: {
        "member",
        "suspended",
        "suspension_over",
        "staff",
        "moderator",
        "admin",
        "suspended_moderator",
    },
    roles.is_admin: {"admin"},
    roles.is_brand_staff: {"staff", "admin"},
    roles.is_moderator: {"moderator", "admin"},  # a suspended moderator does not moderate
    roles.sees_staff_areas: {"staff", "moderator", "admin"},
    roles.is_suspended: {"suspended", "suspended_moderator"},
    roles.can_post: {"member", "suspension_over", "staff", "moderator", "admin"},
}

# The raising forms mirror their bool checks.
CHECKS = {
    roles.check_can_post: roles.can_post,
    roles.check_is_moderator: roles.is_moderator,
    roles.check_sees_staff_areas: roles.sees_staff_areas,
}


@pytest.mark.parametrize("check", MATRIX, ids=lambda check: check.__name__)
def test_each_role_check_answers_true_exactly_for_the_roles_that_hold_it(people, check):
    answers = {name: check(person) for name, person in people.items()}

    assert {name for name, answer in answers.items() if answer} == MATRIX[check]
    assert all(type(answer) is bool for answer in answers.values())


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__)
def test_each_check_function_raises_permission_denied_exactly_when_its_bool_is_false(people, check):
    for name, person in people.items():
        if CHECKS[check](person):
            check(person)
        else:
            with pytest.raises(PermissionDenied):
                check(person)
            assert name not in MATRIX[CHECKS[check]]


def test_none_counts_as_a_visitor_in_every_bool_check(db):
    assert not any(check(None) for check in MATRIX)


def test_a_suspended_member_is_told_the_account_is_suspended_not_to_log_in(people):
    with pytest.raises(PermissionDenied, match="suspended"):
        roles.check_can_post(people["suspended"])
    with pytest.raises(PermissionDenied, match="Log in"):
        roles.check_can_post(people["visitor"])


def test_a_suspension_ends_at_suspended_until(make_member):
    ends_now = make_member(suspended_until=timezone.now() - timedelta(seconds=1))
    ends_soon = make_member(suspended_until=timezone.now() + timedelta(minutes=1))

    assert not roles.is_suspended(ends_now)
    assert roles.can_post(ends_now)
    assert roles.is_suspended(ends_soon)
    assert not roles.can_post(ends_soon)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("member", ["member"]),
        ("suspended", ["member"]),
        ("staff", ["staff"]),
        ("moderator", ["moderator"]),
        ("admin", ["admin"]),
        ("inactive_moderator", ["moderator"]),
    ],
)
def test_role_names_lists_the_roles_a_member_holds(people, name, expected):
    assert roles.role_names(people[name]) == expected


def test_role_names_lists_every_role_an_admin_also_holds(make_member):
    everything = make_member(admin=True, staff=True, moderator=True)

    assert roles.role_names(everything) == ["admin", "staff", "moderator"]
