"""What the search index holds: one document per visible post, with its thread's fields.

Threads are found through their opening post (is_thread), whose text starts
with the thread's title; results are grouped by thread when shown. The
opening post also holds the title in a field of its own, boosted, so that a
thread whose title names the words ranks above one whose body mentions them.
Hidden and deleted posts, and posts of hidden threads, are not in the index at all;
staff-only categories are marked so that only staff searches reach them. Every post of an
idea carries the idea's status, so that a search can keep one status (search/receivers.py
re-indexes the thread when it changes).
Results are checked against the database anyway.
"""

from types import SimpleNamespace

from haystack import indexes
from taggit.models import TaggedItem

from forum.models import Category, Post, Visibility
from ideas.models import Status

# How much more a word in a thread's title counts than the same word in a post's text
# (the backend applies it at query time: search/backend.py).
TITLE_BOOST = 3.0


def indexable_posts():
    return Post.objects.filter(visibility=Visibility.VISIBLE, thread__visibility=Visibility.VISIBLE)


class PostIndex(indexes.SearchIndex, indexes.Indexable):
    # The Markdown source: its punctuation is ignored by the analyzer, and it is
    # cheaper to read than the rendered HTML.
    text = indexes.CharField(document=True)
    title = indexes.CharField(stored=False, boost=TITLE_BOOST)  # the opening post's only
    # Only what results and search_check read is stored; the rest is for filtering
    # and sorting (storing costs every document a pickled row at rebuild).
    author_id = indexes.IntegerField(model_attr="author_id", stored=False)
    thread_id = indexes.IntegerField(model_attr="thread_id")
    category_id = indexes.IntegerField(stored=False)
    staff_only = indexes.BooleanField(stored=False)
    tags = indexes.MultiValueField(stored=False)
    created = indexes.DateTimeField(model_attr="created_at", stored=False)
    votes = indexes.IntegerField(model_attr="score")  # "score" is the relevance in results
    solved = indexes.BooleanField(stored=False)
    official = indexes.BooleanField(stored=False)
    is_thread = indexes.BooleanField(model_attr="is_opening", stored=False)
    # A keyword, not text: a status is matched whole and never by the words a reader types.
    idea_status = indexes.MultiValueField(stored=False)

    def get_model(self):
        return Post

    def index_queryset(self, using=None):
        return indexable_posts().select_related("thread__category", "thread__idea").prefetch_related("thread__tags")

    def posts_by_id(self, ids) -> list:
        """The indexable posts among `ids` (the queue's), read as light_posts() reads them, their
        threads' visibility checked here: filtered in the query, it makes SQLite walk every
        thread first. Read as models, a second's replies to one thread made as many copies of
        the thread, and asked taggit for each one's tags."""
        rows = Post.objects.filter(pk__in=ids, visibility=Visibility.VISIBLE).values(
            *LIGHT_FIELDS, "thread__visibility"
        )
        return _lightened([row for row in rows if row["thread__visibility"] == Visibility.VISIBLE])

    def prepare_text(self, post):
        return f"{post.thread.title}\n{post.body}" if post.is_opening else post.body

    def prepare_title(self, post):
        return post.thread.title if post.is_opening else ""

    def prepare_category_id(self, post):
        return post.thread.category_id

    def prepare_staff_only(self, post):
        return post.thread.category.access == Category.Access.STAFF

    def prepare_tags(self, post):
        return [tag.slug for tag in post.thread.tags.all()]

    def prepare_solved(self, post):
        return post.thread.accepted_answer_id is not None

    def prepare_official(self, post):
        return post.thread.has_official_response

    def prepare_idea_status(self, post):
        """The idea's status, none outside ideas categories; an idea whose row is not made yet is new."""
        thread = post.thread
        if thread.category.kind != Category.Kind.IDEAS:
            return []
        idea = getattr(thread, "idea", None)  # None when the thread has no Idea row
        return [idea.status if idea is not None else Status.NEW]

    def light_posts(self, after_pk: int, limit: int) -> list:
        """The next posts to index, read as plain values: a rebuild reads 100,000 posts.

        Each has the attributes the prepare_* methods use, so documents come out
        exactly as full_prepare() makes them for a model instance.
        """
        rows = indexable_posts().filter(pk__gt=after_pk).order_by("pk").values(*LIGHT_FIELDS)[:limit]
        return _lightened(list(rows))


# What the prepare_* methods read of a post and its thread, as light posts carry it.
LIGHT_FIELDS = (
    "pk", "body", "is_opening", "author_id", "thread_id", "created_at", "score",
    "thread__title", "thread__category_id", "thread__category__access", "thread__category__kind",
    "thread__accepted_answer_id", "thread__has_official_response", "thread__idea__status",
)  # fmt: skip


def _lightened(rows) -> list:
    """Rows of LIGHT_FIELDS as light posts, with their threads' tags read in one query."""
    thread_ids = {row["thread_id"] for row in rows}
    tags: dict[int, list] = {}
    tagged = TaggedItem.objects.filter(
        content_type__app_label="forum", content_type__model="thread", object_id__in=thread_ids
    ).values_list("object_id", "tag__slug")
    for thread_id, slug in tagged:
        tags.setdefault(thread_id, []).append(SimpleNamespace(slug=slug))
    return [_light(row, tags.get(row["thread_id"], [])) for row in rows]


def _light(row, tags):
    category = SimpleNamespace(access=row["thread__category__access"], kind=row["thread__category__kind"])
    status = row["thread__idea__status"]
    thread = SimpleNamespace(
        title=row["thread__title"],
        category_id=row["thread__category_id"],
        category=category,
        accepted_answer_id=row["thread__accepted_answer_id"],
        has_official_response=row["thread__has_official_response"],
        idea=SimpleNamespace(status=status) if status else None,
        tags=SimpleNamespace(all=lambda: tags),
    )
    return SimpleNamespace(
        _get_pk_val=lambda: row["pk"],
        pk=row["pk"],
        body=row["body"],
        is_opening=row["is_opening"],
        author_id=row["author_id"],
        thread_id=row["thread_id"],
        created_at=row["created_at"],
        score=row["score"],
        thread=thread,
        _meta=Post._meta,
    )
