"""No markup a member writes survives into search pages: highlights, titles, suggestions, related threads.

Each post of the corpus carries a payload next to an ordinary word; searching
for the word (and for words inside the payload) must give a page whose only
markup is ours: no script from the content, no on* attribute, no foreign
element, and <mark> only around a word the query matched.
"""

import json

import pytest

from search.analysis import variants
from search.snippets import query_forms
from tests.search.pages import parse

PAYLOADS = [
    ("lampe", "<script>alert(1)</script> lampe"),
    ("wifi", '"><img src=x onerror=alert(1)> wifi'),
    ("routeur", "<mark>bold</mark> routeur"),
    ("volet", "<mark onclick=alert(1)>clique</mark> volet"),
    ("thermostat", "&lt;mark&gt;x&lt;/mark&gt; &amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt; thermostat"),
    ("dimmer", "&#60;script&#62;alert(1)&#60;/script&#62; dimmer &#x3C;mark&#x3E;"),
    ("relais", "<<script>script>alert(1)<</script>/script> relais"),
    ("ampoule", '<a href="javascript:alert(1)">clic</a> ampoule [lien](javascript:alert(1))'),
    ("capteur", "<svg/onload=alert(1)> capteur <iframe src=//evil.example></iframe>"),
    ("prise", "</p><script>alert(document.cookie)</script><p> prise"),
    ("cuisine", "`<script>alert(1)</script>` cuisine\n\n    <b onmouseover=alert(1)>code</b>"),
    ("sonnette", "<style>body{display:none}</style> sonnette <!-- <script>alert(1)</script> -->"),
]

QUERIES = sorted(
    {word for word, _ in PAYLOADS}
    | {"script", "alert", "mark", "onerror", "img", "javascript", "onload", "svg", "lt", "amp", "x3c", "style"}
)

FOREIGN_TAGS = {"img", "svg", "iframe", "style", "b", "object", "embed"}


@pytest.fixture
def hostile(make_thread, discussion, member, other_member, index_now):
    for word, payload in PAYLOADS:
        make_thread(
            category=discussion,
            author=member,
            title=f"<script>alert('{word}')</script> Question {word} <img src=x onerror=alert(2)>",
            body=f"Avant {payload} après.",
            replies=[(other_member, f"Réponse : {payload}")],
        )
    index_now()


def assert_only_our_markup(root, query):
    forms = query_forms(query.split())
    for element in root.elements():
        assert not [name for name, _ in element.attrs if name.lower().startswith("on")], element.attrs
        assert element.tag not in FOREIGN_TAGS or element.get("class", "").startswith("avatar"), element.tag
        if element.tag == "script":
            assert "alert" not in element.text
            assert (element.get("src") or "").startswith("/static/")
        if element.tag == "a":
            assert not (element.get("href") or "").lower().startswith("javascript:")
        if element.tag == "mark":
            assert element.attrs == []
            assert [child for child in element.children if not isinstance(child, str)] == []
            assert forms & set(variants(element.text.lower())), f"<mark>{element.text}</mark> for {query!r}"
            assert "snippet" in element.parent.classes


@pytest.mark.parametrize("type_", ["", "posts"])
def test_search_results_carry_no_markup_from_the_content(search_page, hostile, type_):
    """One corpus, every query (in a loop: building the corpus is the slow part)."""
    for q in QUERIES:
        page = search_page(q=q, type=type_)

        assert_only_our_markup(page.root, q)
        for result in page.results:
            assert result.title.startswith("<script>alert("), "the title is text, tags and all"


def test_every_payload_is_found_and_shown_as_text(search_page, hostile):
    for word, _payload in PAYLOADS:
        page = search_page(q=word)
        assert page.count == 1, word
        [result] = page.results
        assert result.marked == [word]
        assert word in result.snippet.text


def test_html_written_in_a_post_reads_as_text_in_its_snippet(search_page, hostile):
    [result] = search_page(q="routeur").results
    assert "<mark>bold</mark> routeur" in result.snippet.text

    [result] = search_page(q="thermostat").results
    assert "<mark>x</mark> &lt;script&gt;alert(1)&lt;/script&gt; thermostat" in result.snippet.text


def test_suggestions_are_json_text(client, member_client, hostile):
    response = member_client.get("/search/similar/", {"title": "Question lampe script"})
    threads = json.loads(response.content)["threads"]

    assert response["Content-Type"] == "application/json"
    assert threads
    assert all(t["title"].startswith("<script>alert(") for t in threads), "the title as written, for textContent"


def test_related_threads_carry_no_markup_from_titles(client, hostile):
    from forum.models import Thread

    thread = Thread.objects.get(title__contains="Question lampe")
    root = parse(client.get(thread.get_absolute_url()).content.decode())
    aside = next(e for e in root.find_all("aside") if "related" in e.classes)

    assert aside.find_all("a")
    for element in aside.elements():
        assert element.tag in {"h2", "ul", "li", "a", "span"}
        assert not [name for name, _ in element.attrs if name.lower().startswith("on")]


def test_the_similar_script_writes_text_only():
    """static/js/similar.js builds the suggestion box with textContent, never innerHTML."""
    from django.conf import settings

    script = (settings.BASE_DIR / "static" / "js" / "similar.js").read_text()

    assert "innerHTML" not in script
    assert "insertAdjacentHTML" not in script
    assert "textContent = thread.title" in script
