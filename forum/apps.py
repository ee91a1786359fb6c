from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    name = "forum"
    verbose_name = _("Forum")

    def ready(self):
        from forum import events
        from web import cache, pagecache

        # Every forum event that changes what a visitor sees starts a new page generation.
        for name in (
            "thread_posted",
            "reply_posted",
            "post_edited",
            "vote_cast",
            "vote_retracted",
            "answer_accepted",
            "answer_cleared",
            "reply_endorsed",
            "endorsement_withdrawn",
            "post_visibility_changed",
            "thread_changed",
        ):
            getattr(events, name).connect(pagecache.bump, dispatch_uid=f"pagecache.{name}")
        # A category is changed in the admin, not through an event: its access (made staff-only)
        # or its names must not wait for the copies made before to expire.
        from django.db.models.signals import post_delete, post_save

        from forum.models import Category

        post_save.connect(pagecache.bump, sender=Category, dispatch_uid="pagecache.category_saved")
        post_delete.connect(pagecache.bump, sender=Category, dispatch_uid="pagecache.category_deleted")
        # Posts written during a Redis outage bumped only each process's own generation.
        cache.on_recovered(pagecache.bump_generation)
