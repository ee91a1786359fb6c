"""French and English at once: a query meets the inflected, accented or unaccented forms of its words.

Each case writes a sentence of our own holding one form, and searches with
another form, in both directions; a decoy thread that holds neither must
not be found.
"""

import pytest

from search.analysis import BilingualAnalyzer, fold

PAIRS = [
    # French: plural and accents, verb endings.
    pytest.param(
        "réglages",
        "reglage",
        "Depuis hier, les ampoules du salon s’éteignent dès que j’ouvre les {word} de l’application.",
        id="fr-reglages-reglage",
    ),
    pytest.param(
        "clignotent",
        "clignote",
        "Toutes les lumières de la cuisine {word} quand le réfrigérateur démarre.",
        id="fr-clignotent-clignote",
    ),
    # English: plurals, verb forms, a hyphenated word.
    pytest.param(
        "lamps",
        "lamp",
        "Both {word} in the hallway stay on after the sunset scene ends.",
        id="en-lamps-lamp",
    ),
    pytest.param(
        "updating",
        "updated",
        "The hub kept rebooting while {word} its firmware over the night.",
        id="en-updating-updated",
    ),
    pytest.param(
        "Wi-Fi",
        "wifi",
        "The garden sensor loses its {word} signal whenever the gate closes.",
        id="en-wi-fi-wifi",
    ),
]

DECOY = "Une question sans rapport : comment changer la pile de la télécommande ? Which battery fits the remote?"


@pytest.fixture
def author(make_member):
    return make_member("lea", display_name="Léa Dubois")


@pytest.mark.parametrize("direction", ["forward", "backward"])
@pytest.mark.parametrize(("one", "other", "sentence"), PAIRS)
def test_a_query_finds_the_other_form_of_its_word(
    search_page, make_thread, discussion, author, index_now, one, other, sentence, direction
):
    written, typed = (one, other) if direction == "forward" else (other, one)
    target = make_thread(
        category=discussion, author=author, title="Un souci à la maison", body=sentence.format(word=written)
    )
    make_thread(category=discussion, author=author, title="Autre chose", body=DECOY)
    index_now()

    page = search_page(q=typed)

    assert page.titles == [target.title]
    assert page.count == 1


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("RÉGLAGES avancés", "réglages"),
        ("réglages avancés", "REGLAGES"),
        ("Ampoule CONNECTÉE", "connectee"),
        ("the Bridge FIRMWARE", "firmware"),
    ],
)
def test_case_and_accents_do_not_matter(search_page, make_thread, discussion, author, index_now, written, typed):
    target = make_thread(category=discussion, author=author, title="Une question", body=f"À propos de : {written}.")
    index_now()

    assert search_page(q=typed).titles == [target.title]


def test_french_and_english_threads_each_answer_their_own_language(
    search_page, make_thread, discussion, author, index_now
):
    french = make_thread(
        category=discussion,
        author=author,
        title="Les ampoules clignotent après la mise à jour",
        body="Depuis la mise à jour d’hier soir, toutes les ampoules connectées du salon clignotent.",
    )
    english = make_thread(
        category=discussion,
        author=author,
        title="Bulbs flickering since the update",
        body="Since last night's update every connected bulb in the living room flickers.",
    )
    index_now()

    assert search_page(q="ampoule clignote").titles == [french.title]
    assert search_page(q="bulb flicker").titles == [english.title]
    assert sorted(search_page(q="ampoules OR bulbs").titles) == sorted([french.title, english.title])


def test_the_analyzer_indexes_the_stems_of_both_languages_folded():
    terms = {token.text for token in BilingualAnalyzer()("Les Réglages clignotent", mode="index")}

    assert {"reglag", "clignot"} <= terms
    assert not any(c in "".join(terms) for c in "éÉR"), "every term is folded and lower-cased"
    assert "les" not in terms, "French articles are stop words"
    assert fold("œil ÉTÉ") == "oeil ETE"


DECOMPOSED = "re\u0301glages de l’e\u0301cran"  # "e" then U+0301 COMBINING ACUTE ACCENT, as some keyboards send it
COMPOSED = "réglages de l’écran"


@pytest.mark.parametrize(
    ("written", "typed"),
    [(DECOMPOSED, COMPOSED), (COMPOSED, DECOMPOSED), (DECOMPOSED, DECOMPOSED), (DECOMPOSED, "reglages ecran")],
    ids=["decomposed text, composed query", "composed text, decomposed query", "both decomposed", "unaccented query"],
)
def test_a_decomposed_accent_is_the_same_letter_as_a_composed_one(
    search_page, make_thread, discussion, author, index_now, written, typed
):
    target = make_thread(category=discussion, author=author, title="Une question", body=f"Où sont les {written} ?")
    make_thread(category=discussion, author=author, title="Autre chose", body="Les glaces de l’entrée.")
    index_now()

    page = search_page(q=typed)

    assert page.titles == [target.title]
    assert [result.marked for result in page.results] == [["réglages", "écran"]]


def test_the_analyzer_reads_a_decomposed_accent_as_part_of_its_word():
    def terms(text):
        return [token.text for token in BilingualAnalyzer()(text, mode="index")]

    assert terms("re\u0301glages") == terms("réglages") == ["reglag"]
