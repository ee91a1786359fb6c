"""Comparing what a live update inserts with what a page renders on load, element by element.

Django's own HTML parser (django.test.html) compares elements as a browser would read them:
attributes in any order, whitespace between tags ignored. CSRF tokens are masked afresh on
every rendering, so their values are left out; everything else must be identical.
"""

import re

from django.test.html import Element, parse_html

_CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=)"[^"]*"')


def element_by_id(html: str | bytes, element_id: str) -> Element:
    """The element with this id, parsed; fails the test if the HTML has none."""
    text = html.decode() if isinstance(html, bytes) else html
    found = _find(parse_html(_CSRF.sub(r'\1"(token)"', text)), element_id)
    assert found is not None, f"no element with id {element_id!r}"
    return found


def _find(node, element_id):
    if isinstance(node, str):
        return None
    if ("id", element_id) in node.attributes:
        return node
    for child in node.children:
        found = _find(child, element_id)
        if found is not None:
            return found
    return None
