"""Highlighted snippets, built from the database text and escaped piece by piece.

Only the <mark> tags we add are markup: everything from the content is
escaped, so nothing a member wrote can reach the page as HTML. Only words
the index would match are marked: stop words and elided letters ("le", "à",
the "l" of "l’application") are in the query but never what was found.
"""

import re
from html import unescape

from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from search.analysis import composed, indexed, variants

WORD = re.compile(r"\w+", re.UNICODE)


def forms_of(word: str) -> set[str]:
    """The index terms of one word as written, none for a word the index leaves out."""
    word = word.lower()
    return set(variants(word)) if indexed(word) else set()


def query_forms(words) -> set[str]:
    forms = set()
    for word in words:
        forms |= forms_of(composed(word))
    return forms


def snippet(html_or_text: str, words, length: int = 260) -> str:
    # The text as the reader sees it ("R&D", not "R&amp;D"); it is escaped again piece by piece below.
    text = composed(" ".join(unescape(strip_tags(html_or_text)).split()))
    forms = query_forms(words)
    matches = [m for m in WORD.finditer(text) if forms & forms_of(m.group())]
    start = max(0, matches[0].start() - length // 3) if matches else 0
    end = min(len(text), start + length)
    if start:
        start = text.rfind(" ", 0, start) + 1
    pieces, cursor = [], start
    for match in matches:
        if match.start() < start or match.end() > end:
            continue
        pieces.append(escape(text[cursor : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        cursor = match.end()
    pieces.append(escape(text[cursor:end]))
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + "".join(pieces) + suffix)  # noqa: S308 (every piece escaped above)
