"""Whoosh matches a query of words on sets of document numbers, and scores only its matches:
the same results, in the same order, with the same scores as its collector."""

import pytest
from haystack import connections
from haystack.query import SearchQuerySet

from forum import services
from search import query as query_parser

pytestmark = pytest.mark.whoosh_only  # Whoosh's postings and scorers

BUILDS = {
    "every word": query_parser.build,
    "any word": query_parser.build_any_word,
    "all but one": query_parser.build_all_but_one,
}
QUERIES = [
    ("every word", "halo"),
    ("every word", "halo update"),
    ("every word", "halo OR dimmer update"),
    ("any word", "halo update router"),
    ("any word", "bridge night mode"),
    ("all but one", "halo update router"),
    ("all but one", "bridge night mode halo"),
]


@pytest.fixture
def lighting(make_thread, discussion, questions, member, other_member, index_now):
    """Threads holding some of the words, two of them alike, one post edited (its old version
    deleted from a segment)."""
    make_thread(
        category=discussion,
        author=member,
        title="Halo update",
        body="The halo update broke the router pairing, and the bridge drops at night.",
        replies=[(other_member, "Same here: the router reboots at night since the update.")],
    )
    make_thread(category=questions, author=member, title="Router", body="Which router for the bridge? Router router.")
    make_thread(category=discussion, author=other_member, title="Night mode", body="Night mode dims the halo lamps.")
    for _twin in range(2):  # the same scores: ranked by document number
        make_thread(category=discussion, author=other_member, title="Halo router", body="The halo router hums.")
    edited = make_thread(category=discussion, author=member, title="Dimmer", body="A dimmer update, no halo.")
    index_now()
    services.edit_post(post=edited.posts.get(), editor=member, body="A dimmer update for the halo router.")
    index_now()


def _collected(backend, parsed, stop, mask):
    hits = backend.searcher().search(parsed, limit=stop, mask=mask)
    return [(hit.docnum, hit.score) for hit in hits]


@pytest.mark.parametrize(("needs", "text"), QUERIES)
def test_a_query_of_words_finds_and_ranks_as_the_collector_does(lighting, needs, text):
    sq = BUILDS[needs](text)
    backend = connections["default"].get_backend()
    searcher = backend.searcher()
    parsed = backend.parser.parse(SearchQuerySet().filter(sq).query.build_query())
    mask = backend._docs(searcher, "staff_only:true")

    for stop in (1, 20):
        found = backend._set_search(searcher, parsed, {"mask": mask}, stop)
        assert found is not None, "a query of words takes the sets' path"
        collected = _collected(backend, parsed, stop, mask)
        assert [doc for _score, doc in found] == [doc for doc, _score in collected]
        assert [score for score, _doc in found] == pytest.approx([score for _doc, score in collected])
