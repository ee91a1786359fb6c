"""What the search index holds: one document per visible post, with its thread's fields.

Threads are found through their opening post (is_thread); results are grouped
by thread when shown. Hidden and deleted posts, and posts of hidden threads,
are not in the index at all; staff-only categories are marked so that only
staff searches reach them. Results are checked against the database anyway.
"""

from django.utils.html import strip_tags
from haystack import indexes

from forum.models import Category, Post, Visibility


def indexable_posts():
    return Post.objects.filter(visibility=Visibility.VISIBLE, thread__visibility=Visibility.VISIBLE)


class PostIndex(indexes.SearchIndex, indexes.Indexable):
    text = indexes.CharField(document=True)
    title = indexes.CharField(boost=2.0)
    author_id = indexes.IntegerField(model_attr="author_id")
    thread_id = indexes.IntegerField(model_attr="thread_id")
    category_id = indexes.IntegerField()
    staff_only = indexes.BooleanField()
    tags = indexes.MultiValueField()
    created = indexes.DateTimeField(model_attr="created_at")
    votes = indexes.IntegerField(model_attr="score")  # "score" is the relevance in results
    solved = indexes.BooleanField()
    official = indexes.BooleanField()
    is_thread = indexes.BooleanField(model_attr="is_opening")

    def get_model(self):
        return Post

    def index_queryset(self, using=None):
        return indexable_posts().select_related("thread__category", "author").prefetch_related("thread__tags")

    def prepare_text(self, post):
        body = strip_tags(post.body_html)
        return f"{post.thread.title}\n{body}" if post.is_opening else body

    def prepare_title(self, post):
        return post.thread.title

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
