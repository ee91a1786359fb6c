"""The Django admin for members: who gets in, the member list, and changing a role there."""

from datetime import timedelta

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from profiles.models import Member

ADMIN_URL = reverse("admin:index")
CHANGELIST_URL = reverse("admin:profiles_member_changelist")


def change_url(member):
    return reverse("admin:profiles_member_change", args=[member.pk])


@pytest.fixture
def thirty_members(make_member):
    now = timezone.now()
    made = []
    for n in range(30):
        made.append(
            make_member(
                f"crowd{n:02}",
                display_name=f"Crowd Member {n}",
                staff=n % 5 == 0,
                title="Acme Support" if n % 5 == 0 else "",
                moderator=n % 7 == 0,
                last_seen=now - timedelta(hours=n),
            )
        )
    return made


def form_data(response):
    """What the browser would post back: the admin form's current values, as strings.

    Only for the fields the member fixtures fill: no file uploaded, no date set.
    """
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if field.disabled or isinstance(field, forms.FileField) or value in (None, False):
            continue
        if value is True:
            data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        else:
            data[name] = str(value)
    return data


def test_an_admin_can_open_the_admin_index(admin_client):
    response = admin_client.get(ADMIN_URL)

    assert response.status_code == 200
    assert CHANGELIST_URL.encode() in response.content


def test_an_admin_sees_every_member_in_the_changelist(admin_client, member, staff_member, moderator):
    response = admin_client.get(CHANGELIST_URL)

    assert response.status_code == 200
    listed = {m.username for m in response.context["cl"].result_list}
    assert {"alice", "sophie", "marc", "root"} <= listed
    assert b"Acme Support" in response.content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"is_moderator__exact": "1"}, {"marc"}),
        ({"is_brand_staff__exact": "1"}, {"sophie"}),
        ({"is_superuser__exact": "1"}, {"root"}),
        ({"is_moderator__exact": "0", "is_brand_staff__exact": "0", "is_superuser__exact": "0"}, {"alice"}),
    ],
)
def test_an_admin_can_filter_the_members_by_role(admin_client, member, staff_member, moderator, query, expected):
    response = admin_client.get(CHANGELIST_URL, query)

    assert response.status_code == 200
    assert {m.username for m in response.context["cl"].result_list} == expected


def test_an_admin_can_search_members_by_display_name(admin_client, member, other_member):
    response = admin_client.get(CHANGELIST_URL, {"q": "Lefèvre"})

    assert response.status_code == 200
    assert [m.username for m in response.context["cl"].result_list] == ["bruno"]


def test_the_member_changelist_does_not_run_a_query_per_row(
    admin_client, thirty_members, django_assert_max_num_queries
):
    # Session, member, counts and one page of rows, plus the site's header figures (unread
    # notifications, the moderation queue, the announcement): a handful, however many members.
    with django_assert_max_num_queries(9):
        response = admin_client.get(CHANGELIST_URL)

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 31


def test_an_admin_can_open_a_members_change_page(admin_client, staff_member):
    response = admin_client.get(change_url(staff_member))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.instance == staff_member
    assert {"is_brand_staff", "staff_title", "is_moderator", "suspended_until", "language"} <= set(form.fields)


def test_an_admin_can_make_a_member_a_moderator_and_brand_staff(admin_client, member):
    data = form_data(admin_client.get(change_url(member)))
    data.update(is_moderator="on", is_brand_staff="on", staff_title="Acme Support")

    response = admin_client.post(change_url(member), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    member.refresh_from_db()
    assert member.is_moderator
    assert member.is_brand_staff
    assert member.staff_title == "Acme Support"
    assert not member.is_superuser
    assert member.check_password("correct-horse-battery"), "saving the form leaves the password alone"


def test_an_admin_can_take_a_role_back(admin_client, moderator):
    data = form_data(admin_client.get(change_url(moderator)))
    data.pop("is_moderator")

    response = admin_client.post(change_url(moderator), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    moderator.refresh_from_db()
    assert not moderator.is_moderator


def test_the_reputation_figures_cannot_be_edited_in_the_admin(admin_client, member):
    data = form_data(admin_client.get(change_url(member)))
    data.update(reputation="9999", gold_badges="99")

    admin_client.post(change_url(member), data)

    member.refresh_from_db()
    assert member.reputation == 0
    assert member.gold_badges == 0


@pytest.mark.parametrize("who", ["member", "staff_member", "moderator"])
def test_anyone_but_an_admin_is_sent_to_the_admin_login(client, request, who):
    person = request.getfixturevalue(who)
    client.force_login(person)

    for url in (ADMIN_URL, CHANGELIST_URL, change_url(person)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_a_visitor_is_sent_to_the_admin_login(client, member):
    response = client.get(CHANGELIST_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_member_who_is_django_staff_but_not_superuser_cannot_change_members(client, make_member):
    clerk = make_member("clerk")
    Member.objects.filter(pk=clerk.pk).update(is_staff=True)
    target = make_member("target")
    client.force_login(clerk)

    assert client.get(CHANGELIST_URL).status_code == 403
    response = client.post(change_url(target), {"username": "target", "is_moderator": "on"})
    assert response.status_code == 403
    assert not Member.objects.get(pk=target.pk).is_moderator
