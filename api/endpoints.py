"""The JSON API, version 1 (/api/v1/), its OpenAPI schema (/api/schema/) and its docs (/api/docs/).

Thin views, as the site's: parse (ninja checks the parameters against their types: 422),
fetch through api.selectors with the caller's rights, check with the same check functions as
the site's views, call one service, answer. Refusals are JSON with a message: 400 bad input,
401 no or bad token, 403 not allowed, 404 not there (or not readable), 429 too fast.
"""

from functools import wraps
from typing import Literal

from csp.decorators import csp_update
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers
from ninja import NinjaAPI, Path, Query, Status, Swagger
from ninja.decorators import decorate_view
from ninja.errors import AuthenticationError

from api import schemas, selectors
from api.auth import AUTHORIZATION, REALM, BearerToken, viewer
from api.cursors import BadCursor
from forum import permissions
from forum import services as forum_services
from ideas import services as idea_services
from ideas.models import Status as IdeaStatus
from search import selectors as search_selectors
from web import pagecache
from web.limits import RateLimited

READ = BearerToken()
WRITE = BearerToken(write=True)
# Reads take a token or none (a visitor): OpenAPI says so with an empty requirement, which
# ninja adds to the token's.
OPTIONAL_TOKEN = {"security": [{}]}
Id = Path(..., ge=1, le=2**63 - 1)
Slug = Path(..., max_length=80, pattern=r"^[-a-zA-Z0-9_]+$")
Cursor = Query(None, description="The `next` value of the previous page (anything else: 400).")
Limit = Query(20, ge=1, le=100, description="Items per page.")

api = NinjaAPI(
    title="Agora API",
    version="1",
    description=(
        "Read the community's categories, threads, posts, members, ideas and search; write replies, "
        "official responses, accepted answers and ideas' statuses. Send a personal API token (created "
        "in your account's settings) as `Authorization: Bearer <token>`; reads without one see what a "
        "visitor sees. Lists are paginated with cursors: pass a page's `next` back as `cursor`."
    ),
    urls_namespace="api-v1",
    openapi_url="/schema/",
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs/",
    # Swagger UI's stylesheet draws its icons as data: images; everything else is our own files.
    docs_decorator=csp_update({"img-src": ["'self'", "data:"]}),
)


def _error(request, status: int, detail, **headers):
    response = api.create_response(request, {"detail": detail}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, _("Not found, or not yours to read."))


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _error(request, 403, str(exc) or _("You may not do this."))


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    return _error(request, 400, " ".join(exc.messages))


@api.exception_handler(BadCursor)
def _bad_cursor(request, exc):
    return _error(request, 400, str(exc))


@api.exception_handler(RateLimited)
def _limited(request, exc):
    return _error(request, 429, exc.message, **{"Retry-After": str(exc.retry_after)})


@api.exception_handler(AuthenticationError)
def _unauthorized(request, exc):
    return _error(request, exc.status_code, exc.message, **{"WWW-Authenticate": REALM})


READ_ERRORS = dict.fromkeys((400, 401, 404, 422, 429), schemas.Error)
WRITE_ERRORS = dict.fromkeys((400, 401, 403, 404, 422, 429), schemas.Error)


# A read's answer depends on its token: an HTTP cache in front of the site must keep one for
# each Authorization header (none: a visitor's), whether the answer was a shared copy or not.
_BY_TOKEN = vary_on_headers("Authorization")


def read(path: str, response, *, shared: bool = True, **kwargs):
    """A read, which takes a token or none. Reads are `shared` (see below), but for those whose
    answer does not follow the content's generation (search: the index catches up later)."""
    register = api.get(
        f"/v1{path}", auth=READ, response={200: response, **READ_ERRORS}, openapi_extra=OPTIONAL_TOKEN, **kwargs
    )
    # Applied in order, each around the ones before: the Vary header goes on every answer.
    decorators = (_shared, _BY_TOKEN) if shared else (_BY_TOKEN,)
    return lambda function: decorate_view(*decorators)(register(function))


def _shared(run):
    """A read is answered, as pages are, from the copy that another reader of its class got in
    this generation of the content (web.pagecache.shared_answer): visitors (no token) share
    theirs, and so do the members whose pages are shared (a token of a member with no role).
    Anyone else is answered for themselves. The token is checked first, on every request, and
    every answer counts against the token's or the address's limit, a copy as any other."""

    @wraps(run)
    def shared(request, *args, **kwargs):
        try:
            caller = READ(request)
        except AuthenticationError as exc:
            return _unauthorized(request, exc)
        except RateLimited as exc:
            return _limited(request, exc)
        if caller.token is None and AUTHORIZATION in request.META:
            return run(request, *args, **kwargs)  # an empty header: a client's mistake, not a visitor
        return pagecache.shared_answer(request, caller.member, lambda: run(request, *args, **kwargs))

    return shared


def write(path: str, response, status: int = 200, **kwargs):
    return api.post(f"/v1{path}", auth=WRITE, response={status: response, **WRITE_ERRORS}, **kwargs)


# Reads --------------------------------------------------------------------------------------


@read("/categories", list[schemas.Category], tags=["forum"])
def list_categories(request):
    """The categories the caller may read, in the site's order."""
    return [schemas.category_out(category) for category in selectors.categories(viewer(request))]


@read("/categories/{slug}", schemas.Category, tags=["forum"])
def get_category(request, slug: str = Slug):
    return schemas.category_out(selectors.category(viewer(request), slug))


@read("/categories/{slug}/threads", schemas.ThreadPage, tags=["forum"])
def list_threads(
    request,
    slug: str = Slug,
    order: Literal["activity", "created"] = Query("activity", description="Latest activity first, or newest."),
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    """A category's visible threads, a page at a time."""
    category = selectors.category(viewer(request), slug)
    found = selectors.category_threads(category, order=order, cursor=cursor, limit=limit)
    return {"items": [schemas.thread_out(thread) for thread in found.items], "next": found.next}


@read("/threads/{thread_id}", schemas.ThreadWithPosts, tags=["forum"])
def get_thread(request, thread_id: int = Id, cursor: str | None = Cursor, limit: int = Limit):
    """A thread with a page of its posts, in order (the opening post first)."""
    who = viewer(request)
    thread = selectors.thread(who, thread_id)
    _share_thread(request, thread)
    found = selectors.thread_posts(thread, who, cursor=cursor, limit=limit)
    answer = thread.accepted_answer_id
    posts = [schemas.post_out(post, answer) for post in found.items]
    return {**schemas.thread_out(thread), "posts": posts, "next": found.next}


def _share_thread(request, thread):
    """Members share a thread's answer but for those who read more of it than the others: a
    hidden thread is its author's alone, and the author of a hidden post reads it in its place."""
    if not thread.is_visible:
        pagecache.personal(request)
    elif pagecache.shared_with_others(request):
        for author_id in selectors.hidden_post_authors(thread):
            pagecache.not_for(request, author_id)


@read("/posts/{post_id}", schemas.Post, tags=["forum"])
def get_post(request, post_id: int = Id):
    post = selectors.post(viewer(request), post_id)
    if not (post.is_visible and post.thread.is_visible):
        pagecache.personal(request)  # a hidden post, or one of a hidden thread: its author's alone
    return schemas.post_out(post, post.thread.accepted_answer_id)


@read("/members/{username}", schemas.Member, tags=["members"])
def get_member(request, username: str = Path(..., max_length=150, pattern=r"^[\w.@+-]+$")):
    """A member's public fields (never their email address)."""
    return schemas.member_out(selectors.member(username))


@read("/ideas", schemas.IdeaPage, tags=["ideas"])
def list_ideas(
    request,
    status: Literal[tuple(IdeaStatus.values)] | None = Query(None),  # type: ignore[valid-type]
    category: str = Query("", max_length=80, description="An ideas category's slug."),
    sort: Literal["newest", "top"] = Query("newest", description="Newest first, or most votes first."),
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    who = viewer(request)
    found = selectors.ideas(who, status=status or "", category=category, sort=sort, cursor=cursor, limit=limit)
    return {"items": [schemas.idea_out(idea) for idea in found.items], "next": found.next}


@read("/ideas/{idea_id}", schemas.Idea, tags=["ideas"])
def get_idea(request, idea_id: int = Id):
    return schemas.idea_out(selectors.idea(viewer(request), idea_id))


@read("/search", schemas.SearchPage, shared=False, tags=["search"])
def search(
    request,
    q: str = Query(..., min_length=1, max_length=search_selectors.MAX_QUERY_LENGTH, description="As in the search box"),
    category: str = Query("", max_length=80),
    tag: str = Query("", max_length=100),
    author: str = Query("", max_length=150, description="A username."),
    date_from: str = Query("", max_length=10, description="YYYY-MM-DD"),
    date_to: str = Query("", max_length=10, description="YYYY-MM-DD"),
    solved: Literal["", "yes", "no"] = Query(""),
    official: Literal["", "yes", "no"] = Query(""),
    type: Literal["", "threads", "posts"] = Query("", description="Threads (one result each), or every post."),
    status: Literal[("", *IdeaStatus.values)] = Query("", description="An idea's status."),  # type: ignore[valid-type]
    sort: Literal["relevance", "newest", "score"] = Query("relevance"),
    page: int = Query(1, ge=1, le=1000, description="Search results are ranked: they come by page number."),
):
    """Search, as the site's search page does (Whoosh or PostgreSQL, as the site is set up)."""
    params = {key: value for key, value in locals().items() if key not in {"request", "page"}}
    filters = search_selectors.Filters.from_query(params)
    if filters.errors:
        raise ValidationError(filters.errors)
    found = search_selectors.search(viewer(request), filters, page)
    return {
        "items": [_result(result) for result in found.page.object_list],
        "page": found.page.number,
        "pages": found.page.paginator.num_pages,
        "count": found.page.paginator.count,
        "some_words": found.some_words,
    }


def _result(result) -> dict:
    return {
        "thread_id": result.thread.pk,
        "title": result.thread.title,
        "category": result.thread.category.slug,
        "post_id": result.post.pk,
        "snippet": str(result.snippet),
        "created_at": result.post.created_at,
        "url": settings.SITE_URL + result.post.get_absolute_url(),
    }


# Writes: a token with the write scope, the site's checks and services ---------------------


@write("/threads/{thread_id}/replies", schemas.Post, status=201, tags=["forum"])
def post_reply(request, payload: schemas.ReplyIn, thread_id: int = Id):
    """Reply in your own name (brand staff too: an official response has its own endpoint)."""
    member = viewer(request)
    thread = selectors.thread(member, thread_id)
    post = forum_services.post_reply(thread=thread, author=member, body=payload.body, official=False)
    return Status(201, schemas.post_out(post, thread.accepted_answer_id))


@write("/threads/{thread_id}/official-responses", schemas.Post, status=201, tags=["forum"])
def post_official_response(request, payload: schemas.ReplyIn, thread_id: int = Id):
    """Reply as the brand: brand staff only."""
    member = viewer(request)
    thread = selectors.thread(member, thread_id)
    permissions.check_can_reply_officially(member, thread)
    post = forum_services.post_reply(thread=thread, author=member, body=payload.body, official=True)
    return Status(201, schemas.post_out(post, thread.accepted_answer_id))


@write("/posts/{post_id}/accept", schemas.Thread, tags=["forum"])
def accept_answer(request, post_id: int = Id):
    """Mark a reply as its question's answer: the person who asked, staff or a moderator."""
    member = viewer(request)
    post = selectors.post(member, post_id)
    forum_services.accept_answer(post=post, by=member)
    return schemas.thread_out(selectors.thread(member, post.thread_id))


@write("/ideas/{idea_id}/status", schemas.Idea, tags=["ideas"])
def set_idea_status(request, payload: schemas.StatusIn, idea_id: int = Id):
    """Answer an idea with a status and a public note: brand staff only."""
    member = viewer(request)
    idea = selectors.idea(member, idea_id)
    idea_services.set_idea_status(thread=idea.thread, by=member, status=payload.status, note=payload.note)
    return schemas.idea_out(selectors.idea(member, idea_id))
