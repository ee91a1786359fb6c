from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    """Private conversations (/messages/). Not named `messages`: Django's own messages app is."""

    name = "conversations"
    label = "conversations"
    verbose_name = _("Private conversations")

    def ready(self):
        from conversations import notes
        from forum import hooks

        hooks.provide_staff_notes(notes.render)
