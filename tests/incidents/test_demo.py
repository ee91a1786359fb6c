"""The demo holds one resolved incident, written in both languages, with the Halo thread linked."""

import io

from django.test import Client

from demo.seed import Options, seed_forum
from incidents.models import Incident, Status


def test_the_demo_shows_a_resolved_incident_in_the_history(db):
    seed_forum(Options(members=4, threads=4, replies=1), stream=io.StringIO())

    incident = Incident.objects.get()
    assert incident.status == Status.RESOLVED and incident.title and incident.title_fr
    assert incident.links.get().thread.title.startswith("Ma lampe Halo")
    html = Client().get("/incidents/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Les lampes Halo clignotent" in html and 'id="incident-banner"' not in html
