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
