"""/search/?q=: phrases, exclusions and OR; filters; sorting; pages of results with their markers and snippets."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from forum import services
from forum.models import Post, Thread
from search.selectors import PER_PAGE

UTC = ZoneInfo("UTC")


def _backdate(thread, when):
    """Move every post of a not-yet-indexed thread to `when` (the queue still holds them)."""
    Post.objects.filter(thread=thread).update(created_at=when)
    Thread.objects.filter(pk=thread.pk).update(created_at=when)


@pytest.fixture
def corpus(make_thread, make_member, discussion, questions, member, other_member, staff_member, index_now):
    """Five threads about a smart-lighting bridge, indexed.

    A (help, solved, tags wifi+bridge): bruno's accepted reply mentions a microwave.
    B (general, official response by staff): about lamp colours.
    C (general): has the phrase "night mode".
    D (general): has "night" and "mode" apart; from June 2025; 3 votes.
    E (help): the only one with "ethernet"; from January 2025; 1 vote.
    """
    a = make_thread(
        category=questions,
        author=member,
        title="Bridge drops the Wi-Fi every night",
        body="Every night the bridge loses its wireless connection and the lamps go dark.",
        tags=["wifi", "bridge"],
        replies=[(other_member, "Move the bridge away from the microwave oven, it fixed mine.")],
    )
    services.accept_answer(post=a.posts.get(is_opening=False), by=member)
    b = make_thread(
        category=discussion,
        author=other_member,
        title="Lamp colours look washed out",
        body="Since the update the colours of my lamp look pale and washed out.",
        tags=["lamps"],
        replies=[(staff_member, "We are fixing the colour profile of the lamp in the next release.")],
    )
    c = make_thread(
        category=discussion,
        author=member,
        title="Scheduling trouble at noon",
        body="The night mode of the bridge turns on at noon instead of in the evening.",
        tags=["schedule"],
    )
    d = make_thread(
        category=discussion,
        author=other_member,
        title="Selection resets daily",
        body="Each night the bridge forgets which mode I selected.",
    )
    e = make_thread(
        category=questions,
        author=other_member,
        title="Wired setup question",
        body="I plugged the bridge into the router with an ethernet cable.",
    )
    voters = [make_member(f"voter{n}") for n in range(3)]
    for voter in voters:
        services.cast_vote(post=d.posts.get(), voter=voter)
    for voter in voters[:2]:
        services.cast_vote(post=c.posts.get(), voter=voter)
    services.cast_vote(post=e.posts.get(), voter=voters[0])
    _backdate(d, datetime(2025, 6, 1, 12, tzinfo=UTC))
    _backdate(e, datetime(2025, 1, 15, 12, tzinfo=UTC))
    index_now()
    return {name: Thread.objects.get(pk=t.pk) for name, t in zip("ABCDE", (a, b, c, d, e), strict=True)}


def titles_of(corpus, names):
    return [corpus[name].title for name in names]


# Query syntax -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        pytest.param('"night mode"', "C", id="a phrase needs its words together"),
        pytest.param("night mode", "CD", id="words without quotes need not be together"),
        pytest.param("bridge -ethernet", "ACD", id="an excluded word removes its posts"),
        pytest.param('bridge -"night mode"', "ADE", id="an excluded phrase removes its posts"),
        pytest.param("microwave OR ethernet", "AE", id="OR finds either word"),
        pytest.param("microwave OU ethernet", "AE", id="OU is OR in French"),
        pytest.param("bridge ethernet", "E", id="words are all required by default"),
        pytest.param("ethernet OR microwave -oven", "E", id="OR and an exclusion together"),
    ],
)
def test_query_syntax(search_page, corpus, q, expected):
    page = search_page(q=q)

    assert sorted(page.titles) == sorted(titles_of(corpus, expected))
    assert page.count == len(expected)


def test_a_search_with_no_match_says_so(search_page, corpus):
    page = search_page(q="zeppelin submarine")

    assert page.results == []
    assert "Nothing matches" in page.main.text


# Filters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param({"q": "bridge", "category": "help"}, "AE", id="category"),
        pytest.param({"q": "bridge", "category": "no-such-category"}, "", id="unknown category"),
        pytest.param({"q": "bridge", "tag": "wifi"}, "A", id="tag"),
        pytest.param({"q": "bridge", "tag": "WiFi"}, "A", id="tag in another case"),
        pytest.param({"q": "bridge", "author": "bruno"}, "ADE", id="author (a reply counts)"),
        pytest.param({"q": "bridge", "author": "BRUNO"}, "ADE", id="author in another case"),
        pytest.param({"q": "bridge", "author": "nobody-here"}, "", id="unknown author"),
        pytest.param({"q": "bridge", "date_to": "2025-02-01"}, "E", id="date to"),
        pytest.param({"q": "bridge", "date_from": "2025-05-01", "date_to": "2025-12-31"}, "D", id="date range"),
        pytest.param({"q": "bridge", "date_from": "2026-01-01"}, "AC", id="date from"),
        pytest.param({"q": "bridge", "solved": "yes"}, "A", id="solved"),
        pytest.param({"q": "bridge", "solved": "no"}, "CDE", id="not solved"),
        pytest.param({"q": "lamp", "official": "yes"}, "B", id="with an official response"),
        pytest.param({"q": "lamp", "official": "no"}, "A", id="without an official response"),
        pytest.param({"q": "microwave", "type": "threads"}, "", id="threads: opening posts only"),
        pytest.param({"q": "microwave", "type": "posts"}, "A", id="posts: replies only"),
        pytest.param({"q": "bridge", "type": "threads", "category": "general"}, "CD", id="filters combine"),
    ],
)
def test_filters(search_page, corpus, params, expected):
    page = search_page(**params)

    assert sorted(page.titles) == sorted(titles_of(corpus, expected))


def test_a_date_range_is_read_in_the_sites_time_zone(search_page, make_thread, discussion, member, index_now, settings):
    """00:30 in Paris on 10 March is 23:30 UTC on 9 March: it belongs to 10 March for a Paris site."""
    settings.TIME_ZONE = "Europe/Paris"
    thread = make_thread(category=discussion, author=member, title="Late night pairing", body="Pairing the bridge.")
    _backdate(thread, datetime(2025, 3, 10, 0, 30, tzinfo=ZoneInfo("Europe/Paris")))
    index_now()

    assert search_page(q="pairing", date_from="2025-03-10", date_to="2025-03-10").titles == [thread.title]
    assert search_page(q="pairing", date_to="2025-03-09").titles == []


# Sorting ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        pytest.param("newest", "CADE", id="newest first"),
        pytest.param("score", "DCEA", id="most votes first"),
    ],
)
def test_sorting(search_page, corpus, sort, expected):
    assert search_page(q="bridge", sort=sort).titles == titles_of(corpus, expected)


def test_relevance_puts_the_thread_about_the_word_first(search_page, make_thread, discussion, member, index_now):
    passing = make_thread(
        category=discussion,
        author=member,
        title="Holiday photos from the mountains",
        body="We went hiking for a week. " * 20 + "The chalet had an old thermostat. " + "Lovely views. " * 20,
    )
    about = make_thread(
        category=discussion,
        author=member,
        title="Thermostat ignores the schedule",
        body="My thermostat ignores the heating schedule: the thermostat stays at 19 degrees.",
    )
    index_now()

    for sort in ("relevance", "", "nonsense"):
        assert search_page(q="thermostat", sort=sort).titles == [about.title, passing.title]


# What a result shows -------------------------------------------------------------


def test_a_result_shows_title_category_author_markers_and_a_highlighted_snippet(search_page, corpus):
    [result] = search_page(q="microwave").results
    reply = corpus["A"].accepted_answer

    assert result.title == corpus["A"].title
    assert result.href == reply.get_absolute_url()
    assert result.category == "Help"
    assert "✓ Solved" in result.badges
    assert "Accepted answer" in result.badges
    assert "Bruno Lefèvre" in result.byline
    assert result.marked == ["microwave"]
    assert "Move the bridge away from the microwave oven" in result.snippet.text


def test_an_official_reply_is_marked_with_the_staff_title(search_page, corpus):
    [result] = search_page(q="colour profile").results

    assert result.title == corpus["B"].title
    assert result.category == "General"
    assert "Official response" in result.badges
    assert "Acme Support" in result.badges
    assert "Sophie Durand" in result.byline
    assert result.marked == ["colour", "profile"]


def test_one_result_per_thread_unless_looking_at_replies(
    search_page, make_thread, discussion, member, other_member, index_now
):
    thread = make_thread(
        category=discussion,
        author=member,
        title="Which dimmer works with the hub?",
        body="Looking for a dimmer.",
        replies=[(other_member, "The rotary dimmer works."), (member, "Thanks, the rotary dimmer is great.")],
    )
    index_now()

    assert search_page(q="dimmer").titles == [thread.title]
    replies = search_page(q="dimmer", type="posts").results
    assert [r.title for r in replies] == [thread.title, thread.title]
    assert {r.href for r in replies} == {p.get_absolute_url() for p in thread.posts.filter(is_opening=False)}


def test_the_snippet_starts_near_the_match_in_a_long_post(search_page, make_thread, discussion, member, index_now):
    body = "Filler words about nothing in particular. " * 40 + "Then the dimmer switch failed. " + "More filler. " * 40
    make_thread(category=discussion, author=member, title="A long story", body=body)
    index_now()

    [result] = search_page(q="dimmer").results

    assert result.marked == ["dimmer"]
    assert result.snippet.text.startswith("… ")
    assert result.snippet.text.endswith(" …")
    assert len(result.snippet.text) < 300


def test_the_snippet_shows_the_text_as_written(search_page, make_thread, discussion, member, index_now):
    """Characters the Markdown renderer turns into entities come back as themselves, not as "&amp;"."""
    make_thread(
        category=discussion,
        author=member,
        title="Ampersands",
        body='The R&D team says: use 2 < 3 and "quotes" with the hub\'s dimmer.',
    )
    index_now()

    [result] = search_page(q="dimmer").results

    assert 'The R&D team says: use 2 < 3 and "quotes" with the hub\'s dimmer.' in result.snippet.text
    assert "&amp;" not in result.snippet.text
    assert "&lt;" not in result.snippet.text


# Pages ------------------------------------------------------------------------------


@pytest.fixture
def twenty_threads(make_thread, make_member, discussion, index_now):
    authors = [make_member(f"writer{n:02d}", display_name=f"Writer {n}") for n in range(20)]
    now = timezone.now()
    threads = []
    for n, author in enumerate(authors):
        thread = make_thread(
            category=discussion,
            author=author,
            title=f"Thermostat question number {n}",
            body=f"My thermostat number {n} needs help.",
        )
        _backdate(thread, now - timedelta(hours=n))
        threads.append(thread)
    index_now()
    return threads


def test_results_come_in_pages_of_fifteen(search_page, twenty_threads):
    first = search_page(q="thermostat", sort="newest")
    second = search_page(q="thermostat", sort="newest", page="2")

    assert first.count == second.count == 20
    assert first.titles == [t.title for t in twenty_threads[:15]]
    assert second.titles == [t.title for t in twenty_threads[15:]]
    assert first.current_page == "1"
    assert second.current_page == "2"
    next_link = first.page_links["Next ›"]
    assert "q=thermostat" in next_link
    assert "sort=newest" in next_link
    assert "page=2" in next_link


ODD_PAGES = [("abc", "1"), ("", "1"), ("2.5", "1"), ("0", "2"), ("-3", "2"), ("999", "2")]


@pytest.mark.parametrize(("page", "shown"), ODD_PAGES)
def test_an_odd_page_number_shows_a_real_page(search_page, twenty_threads, page, shown):
    """Django's Paginator.get_page: not a number gives the first page, out of range the last."""
    assert search_page(q="thermostat", page=page).current_page == shown


def test_the_search_form_keeps_what_was_asked(search_page, corpus):
    page = search_page(q='bridge -"night mode"', category="help", sort="score", solved="yes")
    inputs = {e.get("name"): e for e in page.root.find_all("input")}
    selected = {
        select.get("name"): [o.get("value") for o in select.find_all("option") if "selected" in dict(o.attrs)]
        for select in page.root.find_all("select")
    }

    assert inputs["q"].get("value") == 'bridge -"night mode"'
    assert selected["category"] == ["help"]
    assert selected["sort"] == ["score"]
    assert selected["solved"] == ["yes"]


def test_without_a_query_the_page_invites_one(search_page, corpus):
    page = search_page()

    assert page.count is None
    assert "French and English both work" in page.main.text


# Snippets that show the word, not the little words around it --------------------------


@pytest.mark.parametrize(
    ("q", "marked"),
    [
        ("le thermostat", ["thermostat"]),
        ("à l'application", ["application"]),
        ("le thermostat de l’application", ["thermostat", "application"]),
        ('"le thermostat"', ["thermostat"]),
    ],
)
def test_the_snippet_marks_and_centres_on_the_word_not_on_stop_words_or_elided_letters(
    search_page, make_thread, discussion, member, index_now, q, marked
):
    filler = "Rien de spécial à signaler ce jour-là. " * 25
    body = f"Le salon et l’étage sont à nous. {filler}Puis le thermostat de l’application a lâché. {filler}"
    make_thread(category=discussion, author=member, title="Une longue histoire", body=body)
    index_now()

    [result] = search_page(q=q).results

    assert result.marked == marked
    assert result.snippet.text.startswith("… ")
    assert "Puis le thermostat de l’application a lâché." in result.snippet.text


# Questions in plain words -------------------------------------------------------------


@pytest.fixture
def howto(make_thread, discussion, questions, member, index_now):
    pairing = make_thread(
        category=questions,
        author=member,
        title="Pairing a new bulb",
        body="Hold the button of the bulb for five seconds to pair it with the hub.",
    )
    firmware = make_thread(
        category=discussion, author=member, title="Hub firmware", body="The hub firmware update takes ten minutes."
    )
    make_thread(category=discussion, author=member, title="Garden furniture", body="Which wood lasts longest outdoors?")
    index_now()
    return pairing, firmware


QUESTION = "how do I pair a bulb with the hub after a firmware reset"
SOME_WORDS = "No post has all of these words: here are posts with some of them."


def test_a_question_no_post_answers_word_for_word_finds_the_posts_with_some_of_its_words(
    search_page, howto, django_assert_max_num_queries
):
    pairing, firmware = howto

    with django_assert_max_num_queries(10):
        page = search_page(q=QUESTION)

    assert sorted(page.titles) == sorted([pairing.title, firmware.title])
    assert page.count == 2
    assert SOME_WORDS in page.main.text
    assert page.root.find("p", "search-some-words").get("role") == "status"
    assert "Nothing matches" not in page.main.text


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param({"q": f"{QUESTION} -button"}, ["Hub firmware"], id="an exclusion still excludes"),
        pytest.param({"q": QUESTION, "category": "help"}, ["Pairing a new bulb"], id="a filter still filters"),
    ],
)
def test_the_posts_with_some_of_the_words_still_follow_exclusions_and_filters(search_page, howto, params, expected):
    page = search_page(**params)

    assert page.titles == expected
    assert SOME_WORDS in page.main.text


def test_when_a_post_has_every_word_only_such_posts_are_shown_and_nothing_is_said(search_page, howto):
    page = search_page(q="pair the bulb")

    assert page.titles == ["Pairing a new bulb"]
    assert SOME_WORDS not in page.main.text


def test_when_no_post_has_any_of_the_words_the_page_says_nothing_matches(search_page, howto):
    page = search_page(q="zeppelin submarine")

    assert page.results == []
    assert "Nothing matches" in page.main.text
    assert SOME_WORDS not in page.main.text


@pytest.fixture
def near_misses(make_thread, discussion, member, index_now):
    """No post has all three of "halo update router": one holds two of them, the other one, loudly."""
    one_word = make_thread(
        category=discussion, author=member, title="Router router", body="Router settings: which router, which mesh?"
    )
    two_words = make_thread(
        category=discussion,
        author=member,
        title="Evening lights",
        body="Since the last halo update the living room lights flicker a little every evening around eight.",
    )
    index_now()
    return one_word, two_words


def test_with_no_post_holding_every_word_those_missing_one_come_first(search_page, near_misses):
    one_word, two_words = near_misses

    page = search_page(q="halo update router")

    assert page.titles == [two_words.title, one_word.title]
    assert page.count == 2
    assert SOME_WORDS in page.main.text


def test_a_page_of_posts_missing_one_word_leaves_out_those_with_fewer(
    search_page, near_misses, make_thread, discussion, member, index_now
):
    one_word, _two_words = near_misses
    for n in range(PER_PAGE):
        make_thread(category=discussion, author=member, title=f"Lamp {n}", body="The halo router flickers.")
    index_now()

    page = search_page(q="halo update router")

    assert page.count == PER_PAGE + 1
    assert one_word.title not in page.titles
    assert one_word.title not in search_page(q="halo update router", page=2).titles
    assert SOME_WORDS in page.main.text


# Titles weigh more ---------------------------------------------------------------------


def test_a_word_in_a_title_weighs_more_than_the_same_word_twice_in_a_body(
    search_page, make_thread, discussion, member, other_member, index_now
):
    in_title = make_thread(
        category=discussion,
        author=member,
        title="Dimmer hums at low brightness",
        body="It started after I moved the lamp to the bedroom and changed the bulb for a warmer one.",
    )
    in_body = make_thread(
        category=discussion,
        author=member,
        title="Bedroom lamp noise at night",
        body="The dimmer hums. I changed the dimmer for a new one last week and moved the lamp.",
        replies=[(other_member, "Which dimmer is it? Some dimmer models hum with LED bulbs.")],
    )
    index_now()

    assert search_page(q="dimmer").titles == [in_title.title, in_body.title]
    assert search_page(q="dimmer", type="posts").titles == [in_body.title]
