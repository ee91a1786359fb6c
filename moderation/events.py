"""Domain events of moderation. Sent with keyword arguments inside the action's transaction."""

from django.dispatch import Signal

# A member reported something. Arguments: report, auto_hidden (True if this
# report made the post reach the threshold and it was hidden).
report_filed = Signal()

# Open reports on a target were closed. Arguments: reports (list), by (None
# for automatic), outcome ("dismissed", "hidden", "deleted", "restored", "edited",
# "locked", "moved", "warned", "suspended"), revised (True when the reports had been
# resolved already and a later action undid their outcome: a restore after a hide).
reports_resolved = Signal()

# A moderator warned a member. Arguments: member, by, reason.
member_warned = Signal()

# A member was suspended. Arguments: member, by, until, reason.
member_suspended = Signal()

# A suspension was lifted. Arguments: member, by.
suspension_lifted = Signal()

# The number of open report groups changed. Arguments: none (receivers count).
queue_changed = Signal()
