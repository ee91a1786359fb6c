from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    """Private conversations (/messages/). Not named `messages`: Django's own messages app is."""

    name = "conversations"
    label = "conversations"
    verbose_name = _("Private conversations")

    def ready(self):
        from conversations import notes, pictures
        from forum import hooks
        from uploads import hooks as upload_hooks

        hooks.provide_staff_notes(notes.render)
        upload_hooks.provide_holder(pictures.HOLDER, pictures.may_see)
