"""Whole pages, rendered once and shared by the readers who would see the same page.

Most readers of a community are visitors who arrive from a search engine; the
same thread page is rendered for each of them. A visitor (no session cookie)
gets a copy rendered at most PAGE_TIMEOUT seconds ago for the same address,
language and banner, unless content changed since: every write that shows on
a page bumps one generation number after it commits, and the generation is
part of the key.

Members who take part with no role of their own (the rule is registered by the
profiles app: staff, moderators and admins see tools and content of their own,
and a suspended member is told why) share a copy too. A member's page is
rendered with a slot in place of each part that is the member's own: the
header's menu (their name, their unread count), each form's CSRF token, and
what the view fills in itself (their buttons under each post, their follow
state). Every member's page goes through the same filling, whether its copy was
shared or rendered for them. A copy is stored only when nothing in it depended
on who asked: a view calls `personal(request)` when it showed something
because of who the reader is, and `not_for(request, member_pk)` when the copy
is right for everyone but one member (the author of a hidden post, who sees its
body).
"""

import hashlib
import re
import secrets
from collections import OrderedDict
from functools import wraps
from threading import Lock

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

GENERATION_KEY = "pagecache:generation"
PAGE_TIMEOUT = 60
# Members' shared copies this process keeps decoded (web.pagecache._shared_copy): a thread
# page's is about 60 KB.
DECODED_COPIES = 128
MENU_TEMPLATE = "includes/_member_menu.html"

# The function that renders the header's menu for a member's shared page (registered by the
# notifications app, which counts the unread); MENU_TEMPLATE with the request's context if none.
_menu = [None]
# Functions of the request whose result must be part of the key: apps add theirs (the
# announcement banner, for one) in their AppConfig.ready(), as they connect `bump` to the
# events that change what a visitor sees. With them, the cache keys they read, which the key
# reads in the same round trip as the generation.
_varies = []
_vary_reads = []
# The rule for members whose pages may be shared: function(member) -> bool, from the app
# that knows the roles (profiles). None until one registers: members then get their own.
_member_rule = [None]


def vary_on(function, *, reads=(), first: bool = False):
    """Register a function(request, found) -> str that distinguishes cached copies of a page.

    `reads` are the cache keys it reads: they are read with the generation, in one round trip,
    and `found` holds those that the cache had (key: value). `first` puts it before those
    registered earlier (one that warms their caches when they are cold)."""
    if first:
        _varies.insert(0, function)
    else:
        _varies.append(function)
    _vary_reads.extend(key for key in reads if key not in _vary_reads)
    return function


def fill_menu_with(function):
    """Register function(request) -> str: the header's menu for the request's member."""
    _menu[0] = function
    return function


def share_with_members(rule):
    """Register function(member) -> bool: whether a member's pages may be the copy shared
    by every member for whom it answers True."""
    _member_rule[0] = rule
    return rule


def slot(name: str) -> str:
    """A part of a shared page that is each reader's own; no page can contain one, since NUL
    bytes are refused at the door (web/badinput.py)."""
    return f"\x00agora-{name}\x00"


CSRF = slot("csrf")
MENU = slot("menu")
MEMBER = slot("member")
SLOT = re.compile("\x00agora-([^\x00]*)\x00")
SLOT_BYTES = re.compile(b"\x00agora-([^\x00]*)\x00")


def fill_slots(html: str, parts: dict) -> str:
    """Each slot of `html` replaced by its part, in one pass over the page: a part is a string,
    or a function that makes it, called once and only when the page has its slot. A slot with
    no part stays as it is."""

    def resolve(match):
        part = parts.get(match.group(1))
        if part is None:
            return match.group(0)
        return part() if callable(part) else part

    return SLOT.sub(resolve, html)


def cut(content: bytes) -> list:
    """The page cut at its slots, once, when it is rendered: text (bytes, as the response carries
    it), slot name, text, and so on.

    Filling a cut page joins its pieces, where filling the whole text would scan it once for
    the view's slots and once more for each of the member's id and the forms' token; and the
    page's text is encoded once, not again for each reader."""
    pieces = SLOT_BYTES.split(content)
    pieces[1::2] = [name.decode() for name in pieces[1::2]]
    return pieces


def fill_cut(pieces: list, parts: dict, inner: dict) -> bytes:
    """A cut page with each slot replaced by its part (as `fill_slots`: made once, and only when
    the page has its slot); the slots that parts themselves hold (a form's token in a post's
    buttons) are filled from `inner`, as are the page's own."""
    values = {}

    def inner_value(name: str) -> bytes:
        value = values.get(name)
        if value is None:
            value = inner.get(name)
            if value is None:
                value = slot(name)  # not one of the inner slots: left as it is
            elif callable(value):
                value = value()
            value = values[name] = value.encode()
        return value

    out, made = [], {}
    for index, piece in enumerate(pieces):
        if not index % 2:
            out.append(piece)
            continue
        part = made.get(piece)
        if part is None:
            part = parts.get(piece)
            if part is None:
                part = inner_value(piece)
            else:
                if callable(part):
                    part = part()
                if "\x00" in part:
                    # A part's own slots are the few inner ones (a form's token, the member's
                    # id). The same part (a post's buttons) comes back on page after page: it
                    # is cut once, and filled by joining its pieces.
                    held = _cut_parts.get_or_render(part, lambda part=part: cut(part.encode()))
                    part = b"".join(text if not at % 2 else inner_value(text) for at, text in enumerate(held))
                else:
                    part = part.encode()
            made[piece] = part
        out.append(part)
    return b"".join(out)


def generation(found: dict | None = None) -> int:
    """The current generation; `found` is a read of the cache that included it, if one was made."""
    value = cache.get(GENERATION_KEY) if found is None else found.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return value


def bump_generation():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there (evicted): any new value starts a new generation
        cache.add(GENERATION_KEY, 1, timeout=None)


def bump(*args, **kwargs):
    """Content changed (a signal receiver). Bumped now, so no page from before is served again,
    and after the commit, so no page rendered in between (from the old rows) is served either."""
    bump_generation()
    transaction.on_commit(bump_generation)


class Renderings:
    """A bounded map from key to HTML, oldest out first; safe to share between threads."""

    def __init__(self, capacity: int):
        self.capacity = capacity
        self._items: OrderedDict = OrderedDict()
        self._lock = Lock()

    def get_or_render(self, key, render) -> str:
        html = self._items.get(key)
        if html is None:
            html = render()
            self.put(key, html)
        return html

    def get(self, key):
        return self._items.get(key)

    def put(self, key, value):
        with self._lock:
            self._items[key] = value
            if len(self._items) > self.capacity:
                self._items.popitem(last=False)

    def clear(self):
        with self._lock:
            self._items.clear()


class SharedRendering:
    """A member's page while it is rendered: its slots (read by the templates as
    `shared_page.<name>`), what the view records for its own slots, and whether the copy
    may be shared."""

    def __init__(self):
        self.fills: dict = {}
        self.personal = False
        self.not_for: set[int] = set()

    def shareable(self, reader_pk) -> bool:
        """Whether the copy may serve other members: nothing personal, and the member who had it
        rendered is not one it is wrong for (their own profile, their hidden post)."""
        return not self.personal and reader_pk not in self.not_for

    def __getitem__(self, name):
        return mark_safe(slot(name))  # noqa: S308 (a NUL-delimited marker, replaced before the page leaves)


class Panels:
    """Parts of a page that apps above the page's own app provide, each shared as the page is.

    `provide(render, fill)`: render(request, *args, **kwargs) -> HTML or "" is rendered with the
    page, into the copy that members share; fill(request, fills) -> {slot name: part} makes the
    reader's own slots of it, from what render recorded in `request.shared_page.fills`.
    """

    def __init__(self):
        self._panels: list[tuple] = []

    def provide(self, render, fill):
        self._panels.append((render, fill))

    def render(self, request, *args, **kwargs) -> str:
        return "".join(render(request, *args, **kwargs) for render, _fill in self._panels)

    def fill(self, request, fills: dict) -> dict:
        parts = {}
        for _render, fill in self._panels:
            parts.update(fill(request, fills))
        return parts


def personal(request):
    """The page showed something because of who the reader is: keep it for them alone."""
    page = getattr(request, "shared_page", None)
    if page is not None:
        page.personal = True


def not_for(request, member_pk: int):
    """The copy is right for every member but this one, who gets a page of their own (and whose
    own rendering is theirs alone)."""
    page = getattr(request, "shared_page", None)
    if page is not None:
        page.not_for.add(member_pk)


def member(request):
    """The request's member itself, not the lazy object in front of it: filling a page reads
    the member's fields for each post, and each read through the lazy object costs a call."""
    user = request.user
    user.is_authenticated  # noqa: B018 (evaluates the lazy object)
    return getattr(user, "_wrapped", user)


def context(request) -> dict:
    """A context processor: while a member's page is rendered to be shared, its forms carry the
    CSRF slot instead of the token, and templates reach the other slots."""
    page = getattr(request, "shared_page", None)
    if page is None:
        return {}
    return {"shared_page": page, "csrf_token": CSRF}


def _no_messages(request) -> bool:
    """No message waits to be shown (in its cookie, or in the session when it was too long)."""
    return not request.COOKIES.get("messages") and "_messages" not in request.session


def _reader_class(request) -> str | None:
    """Who may share this request's copy: "visitor", "member", or None (the reader's own)."""
    if not settings.PAGE_CACHE or request.method != "GET":
        return None
    user = request.user
    if not user.is_authenticated:
        cookies = request.COOKIES
        if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
            return None
        return "visitor"
    rule = _member_rule[0]
    if rule is not None and rule(user) and _no_messages(request):
        return "member"
    return None


def _key(request, reader: str) -> str:
    found = cache.get_many([GENERATION_KEY, *_vary_reads])
    parts = [
        str(generation(found)),
        get_language() or "",
        reader,
        request.get_full_path(),
        *(vary(request, found) for vary in _varies),
    ]
    return "page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _storable(response) -> bool:
    return response.status_code == 200 and not response.streaming and not response.cookies


def _menu_for(request) -> str:
    return _menu[0](request) if _menu[0] else render_to_string(MENU_TEMPLATE, {"csrf_token": CSRF}, request=request)


def _fill(request, pieces: list, fills: dict, fill) -> bytes:
    """The member's own parts of a cut page: the view's, the header's menu, the member's id and
    every form's token, which the other parts may hold too."""
    parts = fill(request, fills) if fill is not None else {}
    parts["menu"] = lambda: _menu_for(request)
    # The token is masked anew by each call to get_token: one per page, where a form needs it.
    return fill_cut(pieces, parts, {"member": str(request.user.pk), "csrf": lambda: get_token(request)})


# Parts of members' pages that hold slots of their own, cut (fill_cut): by their text.
_cut_parts = Renderings(4000)
# Members' copies as this process last decoded them, by the id each copy was stored with.
_decoded = Renderings(DECODED_COPIES)


def _shared_copy(key: str) -> dict | None:
    """The members' copy stored under `key`, decoded once per process.

    Under `key` the cache holds only the copy's id, a few bytes; the copy itself (its pieces,
    its fills) is stored beside it under that id. A copy is never changed once stored, so the
    id names the same content everywhere, and a process decodes it once instead of unpickling
    the whole page for every member who asks. What the key says still decides: a new
    generation, a cleared cache or an expired copy finds no id, or an id of a new copy.
    The fills are shared by every request that reads the copy: fill functions read them and
    never change them.
    """
    copy_id = cache.get(key)
    if copy_id is None:
        return None
    copy = _decoded.get(copy_id)
    if copy is None:
        copy = cache.get(f"pagecopy:{copy_id}")
        if copy is None:
            return None  # expired, or evicted, between the two reads: rendered again
        _decoded.put(copy_id, copy)
    return copy


def _store_copy(key: str, copy: dict):
    copy_id = secrets.token_hex(12)
    cache.set_many({f"pagecopy:{copy_id}": copy, key: copy_id}, PAGE_TIMEOUT)


def shared_page(view=None, *, fill=None):
    """Serve the view's page from a shared copy where the reader's class allows it.

    `fill(request, fills) -> {slot name: part}` makes the view's own slots for the reader, from
    what the view recorded in `request.shared_page.fills` while rendering (kept with the copy).
    """
    if view is None:
        return lambda view: shared_page(view, fill=fill)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        reader = _reader_class(request)
        if not request.user.is_authenticated:
            return _for_visitor(view, request, reader, args, kwargs)
        key = _key(request, reader) if reader is not None else None
        cached = _shared_copy(key) if key is not None else None
        if cached is not None and request.user.pk not in cached["not_for"]:
            response = HttpResponse(_fill(request, cached["pieces"], cached["fills"], fill), cached["content_type"])
            response["X-Page-Cache"] = "hit"
            return response
        request.shared_page = page = SharedRendering()
        response = view(request, *args, **kwargs)
        if response.streaming or not response.content or "html" not in response.get("Content-Type", ""):
            return response  # a redirect, a file: nothing of the reader's to fill
        pieces = cut(response.content)
        if key is not None and _storable(response) and page.shareable(request.user.pk):
            entry = {"pieces": pieces, "fills": page.fills, "not_for": page.not_for}
            _store_copy(key, {**entry, "content_type": response["Content-Type"]})
        response.content = _fill(request, pieces, page.fills, fill)
        return response

    return wrapped


def _for_visitor(view, request, reader, args, kwargs):
    if reader is None:
        return view(request, *args, **kwargs)
    return shared_with_visitors(request, lambda: view(request, *args, **kwargs))


def shared_with_visitors(request, respond):
    """The answer to a visitor's GET: the copy that another visitor was given for the same
    address (and language, and banner) in this generation, else `respond()`'s, kept for the
    next one when it is a 200. Callers decide who is a visitor: a reader with no session
    cookie (the JSON API has its own, `shared_answer`)."""
    if not settings.PAGE_CACHE or request.method != "GET":
        return respond()
    key = _key(request, "visitor")
    cached = cache.get(key)
    if cached is not None:
        content, content_type = cached
        response = HttpResponse(content, content_type=content_type)
        response["X-Page-Cache"] = "hit"
        return response
    response = respond()
    if _storable(response):
        cache.set(key, (response.content, response["Content-Type"]), PAGE_TIMEOUT)
    return response


# Answers that are not pages: the JSON API's --------------------------------------------------


def shared_answer(request, reader, respond):
    """The answer to a GET by `reader` (a member, or an anonymous visitor) that is not a page:
    the JSON API's, whose reader comes from a token rather than a session. Readers of one class
    (`_answer_class`) are given the copy that another was given for the same address and
    language in this generation, unless it is wrong for them (`not_for`); else `respond()`'s,
    kept for the others when it is a 200 and nothing in it was the reader's own.

    An answer is kept whole: it has no slot for a reader's own parts, and shows no banner.
    While a member's is made, `request.shared_page` records what the view says of it
    (`personal`, `not_for`); a visitor's cannot depend on who asked."""
    answer_class = _answer_class(request, reader)
    if answer_class is None:
        return respond()
    key = _answer_key(request, answer_class)
    cached = cache.get(key)
    if cached is not None:
        content, content_type, not_for = cached
        if reader.pk in not_for:
            return respond()  # theirs alone, and never a copy for the others
        response = HttpResponse(content, content_type=content_type)
        response["X-Page-Cache"] = "hit"
        return response
    page = SharedRendering()
    if reader.is_authenticated:
        request.shared_page = page
    response = respond()
    if _storable(response) and page.shareable(reader.pk):
        cache.set(key, (response.content, response["Content-Type"], frozenset(page.not_for)), PAGE_TIMEOUT)
    return response


def _answer_class(request, reader) -> str | None:
    """Who may share an answer: "visitor", "member" (the rule that members' pages follow), or
    None (the reader's own)."""
    if not settings.PAGE_CACHE or request.method != "GET":
        return None
    if not reader.is_authenticated:
        return "visitor"
    rule = _member_rule[0]
    return "member" if rule is not None and rule(reader) else None


def _answer_key(request, answer_class: str) -> str:
    parts = (str(generation()), get_language() or "", answer_class, request.get_full_path())
    return "answer:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def shared_with_others(request) -> bool:
    """Whether the answer being made may become a copy that other members are given: a view
    then says whom it would be wrong for, where finding out costs a read of its own."""
    return getattr(request, "shared_page", None) is not None
