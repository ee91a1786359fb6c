from django.db import models
from django.utils import timezone


class IndexTask(models.Model):
    """An index update waiting to be applied: written in the content's own transaction.

    If the index is locked or the writer dies, the row stays and the next run
    (after a later commit, or `manage.py search_worker`) applies it.
    """

    class Kind(models.TextChoices):
        POST = "post", "post"
        THREAD = "thread", "thread (all its posts)"

    kind = models.CharField(max_length=6, choices=Kind.choices)
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="one_task_per_object")]

    def __str__(self):
        return f"index {self.kind} {self.object_id}"


class SearchDocument(models.Model):
    """One post as the PostgreSQL search backend indexes it (search/postgres.py): the index as a table.

    The fields are the SearchIndex's (search/search_indexes.py), filled by the index
    queue like the Whoosh index. On PostgreSQL the table also has a generated tsvector
    column, `document` (the title weighted above the text, each analysed in French and
    in English), with a GIN index: the migration adds them there only, and this model
    does not declare them, so that the table exists unused on SQLite.
    """

    id = models.CharField(max_length=64, primary_key=True)  # haystack's "forum.post.<pk>"
    django_ct = models.CharField(max_length=64)
    django_id = models.BigIntegerField()
    text = models.TextField()
    title = models.TextField(blank=True)
    # The text's hyphenated and dotted words written whole ("wi-fi" as "wifi"), so that
    # either spelling finds the other, as search/analysis.py does for Whoosh.
    compounds = models.TextField(blank=True)
    author_id = models.BigIntegerField(null=True)
    thread_id = models.BigIntegerField()
    category_id = models.BigIntegerField(null=True)
    staff_only = models.BooleanField(default=False)
    tags = models.JSONField(default=list)
    created = models.DateTimeField()
    votes = models.IntegerField(default=0)
    solved = models.BooleanField(default=False)
    official = models.BooleanField(default=False)
    is_thread = models.BooleanField(default=False)
    idea_status = models.JSONField(default=list)

    class Meta:
        db_table = "search_document"

    def __str__(self):
        return self.id
