"""Whatever is typed or forged into the search URLs, the answer is 200 (or 400 with a message), never 500.

And never more than the reader may see: no query syntax reaches the filters.
"""

import json

import pytest

from search.selectors import MAX_QUERY_LENGTH


@pytest.fixture
def corpus(make_thread, discussion, staff_category, member, staff_member, index_now):
    public = [
        make_thread(category=discussion, author=member, title=f"Bridge pairing tip {n}", body="Hold the bridge button.")
        for n in range(3)
    ]
    secret = make_thread(
        category=staff_category, author=staff_member, title="Bridge recall plan", body="Confidential bridge recall."
    )
    index_now()
    return public, secret


LONG_WORD = "a" * 5000
MANY_WORDS = " ".join(f"bridge{n}" for n in range(900))[:5000]

QUERIES = [
    pytest.param(LONG_WORD, id="5000 characters, one word"),
    pytest.param(MANY_WORDS, id="5000 characters of words"),
    pytest.param("bridge " * 700, id="the same word 700 times"),
    pytest.param("!!! ??? ... ;;; ,,, ---", id="only punctuation"),
    pytest.param("the and of les des une", id="only stop words"),
    pytest.param("-bridge", id="only an exclusion"),
    pytest.param("-bridge -pairing", id="only exclusions"),
    pytest.param('"bridge pairing', id="unbalanced quote"),
    pytest.param('bridge "', id="a lone quote"),
    pytest.param('""', id="empty phrase"),
    pytest.param("*", id="star"),
    pytest.param("bri*", id="wildcard"),
    pytest.param("OR OR", id="OR OR"),
    pytest.param("OR bridge OR", id="OR at both ends"),
    pytest.param("AND NOT TO", id="Whoosh operators"),
    pytest.param("((( bridge", id="unbalanced parentheses"),
    pytest.param("bridge~2 bridge^10 [a TO z] {a TO z}", id="Whoosh syntax"),
    pytest.param("staff_only:true OR bridge", id="a field name"),
    pytest.param("is_thread:(true) category_id:2", id="field syntax"),
    pytest.param("\\ / ' ` $ % @ #", id="escapes and symbols"),
    pytest.param("🔌💡 مصباح ламп 電球", id="emoji and other scripts"),
    pytest.param("e\u0301te\u0301", id="combining accents"),
]


@pytest.mark.parametrize("who", ["visitor", "member"])
@pytest.mark.parametrize("q", QUERIES)
def test_odd_queries_answer_without_error_and_leak_nothing(client, member, search_page, corpus, q, who):
    if who == "member":
        client.force_login(member)
    public, secret = corpus

    page = search_page(q=q, status=400 if len(q) > MAX_QUERY_LENGTH else 200)

    assert set(page.titles) <= {t.title for t in public}
    assert secret.title not in page.html
    assert "Confidential" not in page.html


@pytest.mark.parametrize(
    "q", ["the and of les des", "!!! ???", "*", '""', '"les des"', "-bridge", "OR OR", "x"], ids=repr
)
def test_a_query_without_a_searchable_word_finds_nothing_rather_than_everything(member_client, search_page, corpus, q):
    page = search_page(member_client, q=q)

    assert page.results == []
    assert page.count in (0, None)


def test_a_stop_word_beside_a_real_word_is_ignored(member_client, search_page, corpus):
    assert len(search_page(member_client, q="the bridge").results) == 3
    assert len(search_page(member_client, q="bridge -the").results) == 3
    assert len(search_page(member_client, q="bridge OR les").results) == 3


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "-1"},
        {"page": "99999999999999999999"},
        {"sort": "'; DROP TABLE forum_post; --"},
        {"type": "everything"},
        {"solved": "maybe"},
        {"category": "../../etc/passwd"},
        {"tag": "a" * 5000},
        {"author": "a" * 5000},
        {"author": "%"},
        {"category": "x", "tag": "y", "author": "z", "solved": "yes", "official": "no", "type": "posts"},
    ],
    ids=repr,
)
def test_odd_filters_answer_200(client, search_page, corpus, params):
    page = search_page(q="bridge", **params)

    assert page.errors == []


@pytest.mark.parametrize(
    "params",
    [
        {"q": "bridge\x00"},
        {"q": "\x00"},
        {"q": "bridge", "page": "1\x00"},
        {"q": "bridge", "official": "\x00"},
        {"q": "bridge", "category": "\x00"},
        {"q": "bridge", "tag": "\x00"},
        {"q": "bridge", "author": "\x00"},
        {"q": "bridge", "date_from": "\x00"},
        {"q": "bridge", "date_to": "2026-01-01\x00"},
    ],
    ids=repr,
)
@pytest.mark.parametrize("path", ["/search/", "/search/similar/"])
def test_a_nul_byte_in_any_parameter_is_a_400(member_client, corpus, path, params):
    if path == "/search/similar/":
        params = {"title": params["q"], **params}
    # Refused by the site-wide gate (web/badinput.py) before the search runs.
    assert member_client.get(path, params).status_code == 400


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "2026-13-45"},
        {"date_to": "yesterday"},
        {"date_from": "2026-02-30"},
        {"date_from": "9" * 5000},
        {"date_from": "2026-01-01", "date_to": "01/02/2026"},
    ],
    ids=repr,
)
def test_a_bad_date_is_a_400_that_says_why(client, search_page, corpus, params):
    page = search_page(q="bridge", status=400, **params)

    assert page.errors == ["Dates are written as YYYY-MM-DD."]
    assert page.root.find("div", "form-errors").get("role") == "alert"


@pytest.mark.parametrize(
    "title",
    [LONG_WORD, MANY_WORDS, "OR OR OR", "****", '"""" (((', "the and les des"],
    ids=["long word", "many words", "OR", "stars", "quotes", "stop words"],
)
def test_odd_titles_for_suggestions_answer_json(client, member_client, corpus, title):
    public, _secret = corpus
    response = member_client.get("/search/similar/", {"title": title})

    assert response.status_code == 200
    titles = [t["title"] for t in json.loads(response.content)["threads"]]
    assert set(titles) <= {t.title for t in public}


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "0999-12-31"},
        {"date_to": "0001-01-01"},
        {"date_from": "0500-06-15", "date_to": "2026-01-01"},
    ],
    ids=repr,
)
def test_a_date_before_the_year_1000_is_a_400_that_says_why(client, search_page, corpus, params):
    page = search_page(q="bridge", status=400, **params)

    assert page.errors == ["Choose dates between the years 1000 and 9999."]
    assert page.results == []


@pytest.mark.parametrize("zone", ["America/New_York", "Pacific/Kiritimati"])
@pytest.mark.parametrize(
    ("params", "found"),
    [
        ({"date_from": "9999-12-31"}, 0),
        ({"date_to": "9999-12-31"}, 3),
        ({"date_from": "1000-01-01"}, 3),
        ({"date_from": "1000-01-01", "date_to": "9999-12-31"}, 3),
    ],
    ids=repr,
)
def test_the_first_and_last_days_searchable_work_in_any_time_zone(
    member_client, search_page, corpus, settings, zone, params, found
):
    """The last day of 9999 ends in the year 10000 in UTC west of Greenwich; 1 January 1000 starts in 999 east of it."""
    settings.TIME_ZONE = zone

    page = search_page(member_client, q="bridge", **params)

    assert page.errors == []
    assert len(page.results) == found


def test_a_query_longer_than_the_forms_allow_is_a_400_that_says_why(client, search_page, corpus):
    page = search_page(q="bridge " * 100, status=400)

    assert page.errors == [f"A search can be at most {MAX_QUERY_LENGTH} characters long."]
    assert page.results == []
    assert search_page(q=("bridge " * 100)[:MAX_QUERY_LENGTH]).results


def test_every_search_box_limits_what_can_be_typed_to_what_the_server_accepts(client, search_page, corpus):
    """A query longer than the server's request line got no answer at all: the browser stops typing first."""
    page = search_page(q="bridge")
    boxes = [
        field
        for form in page.root.find_all("form")
        if form.get("role") == "search"
        for field in form.find_all("input")
        if field.get("type") in {"search", "text"}
    ]

    assert {field.get("name") for field in boxes} >= {"q", "tag", "author"}
    assert [field.get("id") for field in boxes if field.get("name") == "q"] == ["header-search", "search-q"]
    for field in boxes:
        assert field.get("maxlength") and int(field.get("maxlength")) <= MAX_QUERY_LENGTH, field.attrs
