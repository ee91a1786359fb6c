import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static


def test_favicon_ico_redirects_to_the_svg_icon_without_a_query(client, django_assert_max_num_queries, db):
    with django_assert_max_num_queries(0):
        response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("favicon.svg")
    assert "max-age=86400" in response["Cache-Control"]
    assert finders.find("favicon.svg")


def test_favicon_ico_answers_only_reads(client):
    assert client.post("/favicon.ico").status_code == 405


@pytest.mark.django_db
def test_every_page_names_the_svg_icon(client):
    # The page's query count is pinned with the others' in tests/forum/test_query_counts.py.
    response = client.get("/")
    assert f'<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">' in response.content.decode()
