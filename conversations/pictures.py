"""Pictures in private messages, sent as a post's are (uploads/): a message holds the pictures
it shows, so that no post takes them and they are never stale; whoever may read its
conversation may see them, nobody else (uploads asks through uploads.hooks, filled in
ConversationsConfig.ready()): not another member, not a moderator once a report is closed."""

from functools import partial

from conversations import permissions, selectors
from uploads import hooks
from uploads import selectors as upload_selectors
from uploads import services as upload_services
from web.markdown import render_markdown

HOLDER = "message"


def render(body: str) -> str:
    """A message's HTML: its pictures shown as posts show theirs, private ones included."""
    return render_markdown(body, resolve_images=partial(upload_selectors.pictures, private=True)).html


def hold(message):
    """The message takes the pictures it references that its author sent and nothing shows yet.
    The caller holds the message's transaction."""
    upload_services.hold_pictures(body=message.body, writer=message.author, holder=hooks.holder(HOLDER, message.pk))


def may_see(reader, message_pk: int) -> bool:
    conversation = selectors.conversation_of_message(message_pk)
    if conversation is None:
        return False
    return permissions.can_read(
        reader, conversation, participant_ids=conversation.participant_ids, reported=conversation.is_reported
    )
