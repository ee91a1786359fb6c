"""Markdown to safe HTML, once, when a post is written.

CommonMark with tables, strikethrough, fenced code and autolinks
(markdown-it-py), @mentions of existing members, then an allow-list
sanitizer (nh3) over the result: whatever the parser lets through, only the
tags and attributes below reach a page.

Images: only the site's own pictures are shown (those `resolve_images` knows), as a
thumbnail with its size set, loaded lazily, that links to the full picture. Any other
image becomes a link to it: a reader's browser never loads a picture from a third party
(which would tell it who reads what, and when).
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import nh3
from django.urls import reverse
from django.utils.html import escape
from markdown_it import MarkdownIt
from markdown_it.token import Token

# Nesting deeper than this is rendered flat: "> " * 5000 stays cheap.
MAX_NESTING = 20
# A reference link repeats its URL at every use: "[x]" * 8000 plus one 25 kB URL would turn
# 49 kB of Markdown into 100 MB of HTML. A message that would render larger is shown as text.
HTML_MAX = 1_000_000

MENTION = re.compile(r"(?<![\w@/])@([A-Za-z0-9_.+-]{2,150})")

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "img", "li", "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "th": {"style"},
    "td": {"style"},
    "ol": {"start"},
}
ALLOWED_CLASSES = {"a": {"mention", "picture"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"linkify": True, "maxNesting": MAX_NESTING, "html": False})
    md.enable(["table", "strikethrough", "linkify"])
    return md


_md = _parser()


MAX_PICTURES = 100  # images of one message looked up; the others become links


@dataclass(frozen=True)
class Picture:
    """One of the site's own pictures, as a post shows it: its thumbnail links to `url`."""

    url: str
    thumbnail: str
    width: int
    height: int


@dataclass
class Rendered:
    html: str
    mentions: list[str] = field(default_factory=list)  # usernames, as the member spells them


def _text_children(tokens: list[Token]) -> Iterable[tuple[Token, int]]:
    """Yield each text token that is not inside a link, with its index in its parent's children."""
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        depth = 0
        for index, child in enumerate(token.children):
            if child.type == "link_open":
                depth += 1
            elif child.type == "link_close":
                depth -= 1
            elif child.type == "text" and depth == 0:
                yield child, index


def _link_mentions(tokens: list[Token], resolve: Callable[[set[str]], dict[str, str]]) -> list[str]:
    candidates = {
        name.rstrip(".").lower() for text, _ in _text_children(tokens) for name in MENTION.findall(text.content)
    }
    if not candidates:
        return []
    known = resolve(candidates)  # lower-case name -> username as stored
    if not known:
        return []
    found = []
    for inline in (t for t in tokens if t.type == "inline" and t.children):
        children = []
        depth = 0
        for child in inline.children:
            depth += child.type == "link_open"
            depth -= child.type == "link_close"
            if child.type != "text" or depth:
                children.append(child)
                continue
            children.extend(_split_mentions(child.content, known, found))
        inline.children = children
    return found


def _split_mentions(text: str, known: dict[str, str], found: list[str]) -> list[Token]:
    out, last = [], 0
    for match in MENTION.finditer(text):
        name = match.group(1).rstrip(".")
        username = known.get(name.lower())
        if username is None:
            continue
        start, end = match.start(), match.start() + 1 + len(name)
        if start > last:
            out.append(Token("text", "", 0, content=text[last:start]))
        link = Token(
            "link_open", "a", 1, attrs={"href": reverse("profiles:profile", args=[username]), "class": "mention"}
        )
        out += [link, Token("text", "", 0, content="@" + username), Token("link_close", "a", -1)]
        if username not in found:
            found.append(username)
        last = end
    if last < len(text):
        out.append(Token("text", "", 0, content=text[last:]))
    return out


def _show_pictures(tokens: list[Token], resolve: Callable[[set[str]], dict[str, Picture]] | None):
    """Our own pictures become linked thumbnails with their size; any other image, a link."""
    inlines = [t for t in tokens if t.type == "inline" and t.children]
    sources = {c.attrGet("src") for t in inlines for c in t.children if c.type == "image"}
    if not sources:
        return
    known = resolve(set(sorted(sources)[:MAX_PICTURES])) if resolve else {}
    for inline in inlines:
        children, depth = [], 0
        for child in inline.children:
            depth += (child.type == "link_open") - (child.type == "link_close")
            if child.type != "image":
                children.append(child)
                continue
            picture = known.get(child.attrGet("src"))
            children.extend(_picture(child, picture, depth) if picture else _image_as_link(child, depth))
        inline.children = children


def _picture(image: Token, picture: Picture, depth: int) -> list[Token]:
    image.attrs.update(src=picture.thumbnail, width=str(picture.width), height=str(picture.height), loading="lazy")
    if depth:  # already inside a link: the member's link wins
        return [image]
    link = Token("link_open", "a", 1, attrs={"href": picture.url, "class": "picture"})
    return [link, image, Token("link_close", "a", -1)]


def _image_as_link(image: Token, depth: int) -> list[Token]:
    """A remote image as a link to it, labelled with its description (or its address)."""
    src = image.attrGet("src") or ""
    label = list(image.children or ()) or [Token("text", "", 0, content=src)]
    if depth or not src:
        return label
    attrs = {"href": src}
    if image.attrGet("title"):
        attrs["title"] = image.attrGet("title")
    return [Token("link_open", "a", 1, attrs=attrs), *label, Token("link_close", "a", -1)]


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        filter_style_properties={"text-align"},
    )


def _rendered_size(tokens: list[Token]) -> int:
    """About how long the HTML of `tokens` will be, without rendering it."""
    size, stack = 0, list(tokens)
    while stack:
        token = stack.pop()
        size += len(token.content) + sum(len(str(value)) for value in token.attrs.values())
        stack.extend(token.children or ())
    return size


def _as_text(source: str) -> str:
    return "".join(f"<p>{escape(paragraph)}</p>\n" for paragraph in source.split("\n\n") if paragraph.strip())


def render_markdown(
    source: str,
    *,
    resolve_mentions: Callable[[set[str]], dict[str, str]] | None = None,
    resolve_images: Callable[[set[str]], dict[str, Picture]] | None = None,
) -> Rendered:
    """Render member-written Markdown to sanitized HTML.

    `resolve_mentions` receives lower-case candidate names and returns
    {lower-case name: username} for those that are members; without it,
    @names stay plain text. `resolve_images` receives images' addresses and returns
    {address: Picture} for the site's own pictures; without it, every image is a link.
    """
    env: dict = {}
    tokens = _md.parse(source, env)
    if _rendered_size(tokens) > HTML_MAX:
        return Rendered(html=_as_text(source))
    _show_pictures(tokens, resolve_images)
    mentions = _link_mentions(tokens, resolve_mentions) if resolve_mentions else []
    html = _md.renderer.render(tokens, _md.options, env)
    return Rendered(html=sanitize(html), mentions=mentions)
