"""Category names and descriptions in English and French: French pages show the French ones,
falling back to the default; the admin edits both."""

import pytest
from django.utils import translation

from forum.models import Category
from tests.forum.parsed import parse_html


@pytest.fixture
def bilingual(db):
    return Category.objects.create(
        slug="help",
        name="Help & how-to",
        description="Ask about your lamps.",
        name_fr="Aide et tutoriels",
        description_fr="Posez vos questions sur vos lampes.",
        position=1,
    )


@pytest.fixture
def english_only(db):
    return Category.objects.create(slug="show", name="Show and tell", description="Share your setups.", position=2)


def french(client):
    client.cookies["django_language"] = "fr"
    return client


def test_the_local_name_follows_the_active_language_and_falls_back_to_the_default(bilingual, english_only):
    with translation.override("fr"):
        assert (bilingual.local_name, bilingual.local_description) == (
            "Aide et tutoriels",
            "Posez vos questions sur vos lampes.",
        )
        assert (english_only.local_name, english_only.local_description) == ("Show and tell", "Share your setups.")
    with translation.override("en"):
        assert (bilingual.local_name, bilingual.local_description) == ("Help & how-to", "Ask about your lamps.")


def test_the_home_page_in_french_shows_the_french_names_and_the_default_where_there_is_none(
    client, bilingual, english_only
):
    page = parse_html(french(client).get("/").content)

    names = [a.text for a in page.find_all("a", class_="category-name")]
    assert names == ["Aide et tutoriels", "Show and tell"]
    assert "Posez vos questions sur vos lampes." in page.text()


def test_the_home_page_in_english_shows_the_default_names(client, bilingual):
    page = parse_html(client.get("/").content)

    assert [a.text for a in page.find_all("a", class_="category-name")] == ["Help & how-to"]


def test_the_category_page_in_french_has_the_french_title_and_description(client, bilingual):
    page = parse_html(french(client).get("/c/help/").content)

    assert page.find("h1").text == "Aide et tutoriels"
    assert page.find("p", class_="lead").text == "Posez vos questions sur vos lampes."


def test_the_admin_edits_both_languages(admin_client, bilingual):
    form = admin_client.get(f"/admin/forum/category/{bilingual.pk}/change/").content.decode()
    for field in ("name", "description", "name_fr", "description_fr"):
        assert f'name="{field}"' in form

    response = admin_client.post(
        f"/admin/forum/category/{bilingual.pk}/change/",
        {
            "slug": "help",
            "kind": "discussion",
            "access": "public",
            "colour": "#2454c5",
            "position": "1",
            "response_target_hours": "",
            "invite_after_minutes": "30",
            "widen_after_minutes": "120",
            "name": "Help",
            "description": "",
            "name_fr": "Aide",
            "description_fr": "",
        },
    )

    assert response.status_code == 302
    bilingual.refresh_from_db()
    assert (bilingual.name, bilingual.name_fr) == ("Help", "Aide")


def test_the_demo_fills_both_languages_for_every_category():
    from demo import content

    for slug, english, french_texts, *_rest in content.CATEGORIES:
        assert all(english) and all(french_texts), slug
        assert english != french_texts, slug
