"""The conversations' domain events.

Sent by conversations/services.py inside its transaction, after the rows are written;
notifications, staff and moderation (above) connect receivers in their AppConfig.ready().
Every event is sent with keyword arguments only; `sender` is the model class.
"""

from django.dispatch import Signal

# A conversation began. Arguments: conversation, message (the first one).
conversation_started = Signal()

# A message was written in a conversation (the first one too, after conversation_started).
# Arguments: message (with message.conversation), recipients (the participants to tell: every
# participant but the author; for a team conversation no staff has joined yet, its assignee if any).
message_posted = Signal()

# A team conversation was claimed, assigned or released. Arguments: conversation, by,
# assignee (Member or None), previous (Member or None).
conversation_assigned = Signal()

# A conversation with the team passed its topic's response target while the member waited.
# Arguments: conversation, recipients (its assignee, or the brand's staff).
conversation_target_breached = Signal()

# A participant reported a conversation, or one of its messages (report.message), to the
# moderators. Arguments: report.
conversation_reported = Signal()

# A moderator closed the open reports on a conversation (and its messages): moderators read it
# no more. Arguments: conversation, reports (the Report rows closed), by, reason (may be "").
conversation_reports_closed = Signal()

# An admin opened a conversation in the Django admin. Arguments: conversation, by.
conversation_opened_in_admin = Signal()

# A moderator read a conversation that only an open report lets them read (its page, or one of
# its messages). Arguments: conversation, by, reports (the open Report rows). Sent on every
# reading: moderation's audit log keeps one entry per moderator per report.
reported_conversation_read = Signal()
