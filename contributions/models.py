"""A member's contributions, summed per category, so that a profile reads a few rows.

A post counts when it is visible in a visible thread; each row sums the posts
of one member in one category (per day, overall, per tag). Rows are keyed by
category, not by its access: a profile sums the rows of the categories its
viewer may read, so a category whose access changes needs no rewrite.

The rows change only in contributions/tally.py, inside the transaction of the
content that changed them; `manage.py rebuild_contributions` recomputes them
from the posts. Counts default to 0 in the database itself (db_default): tally
adds to some columns of a row that may not exist yet, and the database fills in
the others.
"""

from django.conf import settings
from django.db import models
from taggit.models import Tag

# Each row's unique key starts with the member, which serves as the member's index.


class DailyPosts(models.Model):
    """Posts (threads started and replies) per day, in the site's time zone: the calendar."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    category = models.ForeignKey("forum.Category", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    posts = models.IntegerField(db_default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "day", "category"], name="contribution_day_unique"),
        ]

    def __str__(self):
        return f"{self.posts} posts by {self.member_id} in {self.category_id} on {self.day}"


class CategoryTotals(models.Model):
    """Everything a profile counts, for one member in one category."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    category = models.ForeignKey("forum.Category", on_delete=models.CASCADE, related_name="+")
    threads = models.IntegerField(db_default=0)
    replies = models.IntegerField(db_default=0)
    accepted = models.IntegerField(db_default=0)
    endorsed = models.IntegerField(db_default=0)
    votes = models.IntegerField(db_default=0)  # votes received: the sum of the posts' scores

    class Meta:
        verbose_name_plural = "category totals"
        constraints = [
            models.UniqueConstraint(fields=["member", "category"], name="contribution_totals_unique"),
        ]

    def __str__(self):
        return f"contributions of {self.member_id} in {self.category_id}"


class TagTotals(models.Model):
    """A member's posts in threads with one tag, in one category: the profile's top tags."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    category = models.ForeignKey("forum.Category", on_delete=models.CASCADE, related_name="+")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")
    posts = models.IntegerField(db_default=0)
    accepted = models.IntegerField(db_default=0)
    score = models.IntegerField(db_default=0)

    class Meta:
        verbose_name_plural = "tag totals"
        constraints = [
            models.UniqueConstraint(fields=["member", "category", "tag"], name="contribution_tag_unique"),
        ]

    def __str__(self):
        return f"contributions of {self.member_id} in {self.category_id} under tag {self.tag_id}"
