"""Incident fixtures: a public category for the incident's thread, brand staff, an incident."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents import services

TITLE = "Lamps blink after update 2.4"
TITLE_FR = "Les lampes clignotent après la mise à jour 2.4"
STATEMENT = "Some lamps blink after update 2.4. We are looking into it."
STATEMENT_FR = "Certaines lampes clignotent après la mise à jour 2.4. Nous cherchons pourquoi."


@pytest.fixture
def suspended_staff(make_member):
    return make_member("sam", staff=True, suspended_until=timezone.now() + timedelta(days=2))


@pytest.fixture
def declare(discussion, staff_member):
    def make(by=None, **fields):
        values = {"title": TITLE, "title_fr": TITLE_FR, "statement": STATEMENT, "statement_fr": STATEMENT_FR}
        values.setdefault("category", discussion)
        values.update(fields)
        return services.declare_incident(by=by or staff_member, **values)

    return make


@pytest.fixture
def incident(declare):
    return declare()
