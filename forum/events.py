"""The forum's domain events.

Services send these explicitly, inside their transaction, after the rows are
written. Receivers in other apps (reputation, badges, notifications,
moderation, search) connect to them in AppConfig.ready(). A receiver that
writes rows runs in the sender's transaction, so its rows commit or roll back
with the content; anything that can be retried (a WebSocket push, an index
write, an email) must be deferred with transaction.on_commit().

Every event is sent with keyword arguments only; `sender` is the model class.
"""

from django.dispatch import Signal

# A member started a thread. Arguments: thread, post (the opening post),
# mentioned (list of mentioned Members, never the author).
thread_posted = Signal()

# A member replied. Arguments: post (with post.thread), quoted (list of quoted
# Posts), mentioned (list of mentioned Members, never the author), announces (True when
# the reply is the note of a change another event announces to the thread's people).
reply_posted = Signal()

# A post was edited. Arguments: post, editor, revision (PostRevision), old_tags
# (the thread's tags, as taggit Tags, before an edit of its opening post that set
# them; None when the edit did not set the tags).
post_edited = Signal()

# A member marked a post helpful. Arguments: vote (with vote.post, vote.voter).
vote_cast = Signal()

# A member took back their vote. Arguments: post, voter.
vote_retracted = Signal()

# A reply was marked as the thread's answer. Arguments: thread, post, by
# (who accepted), previous (the formerly accepted Post, or None; when not None,
# answer_cleared was sent for it first).
answer_accepted = Signal()

# The accepted answer was cleared or replaced. Arguments: thread, post (the
# formerly accepted reply), by.
answer_cleared = Signal()

# Brand staff endorsed a member's reply. Arguments: post, by.
reply_endorsed = Signal()

# Brand staff withdrew an endorsement. Arguments: post, by (who withdrew it),
# endorser (who had endorsed it).
endorsement_withdrawn = Signal()

# A member started following, stopped following or muted a thread.
# Arguments: thread, member, level ("following", "muted" or None for stopped).
follow_changed = Signal()

# A post's visibility changed (hidden, restored, deleted) by moderation.
# Arguments: post, by, old (Visibility), new (Visibility), reason.
post_visibility_changed = Signal()

# A thread changed shape: locked/unlocked, pinned/unpinned, moved.
# Arguments: thread, by, change ("locked", "unlocked", "pinned", "unpinned", "moved"),
# before (dict of the old values).
thread_changed = Signal()

# A member is about to write a post (checked, validated, nothing written yet).
# Arguments: member, action ("thread" or "reply"), body (the Markdown source).
# A receiver may refuse by raising forum.errors.RateLimited (or PermissionDenied);
# the service then writes nothing. Moderation's rate limits listen here.
post_attempted = Signal()

# A thread in the staff queue was claimed or assigned. Arguments: thread, by,
# assignee (Member or None when unassigned), previous (Member or None).
thread_assigned = Signal()

# A question passed its category's target time to a first official response.
# Arguments: thread, recipients (the assignee, or the category's staff).
response_target_breached = Signal()
