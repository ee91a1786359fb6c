"""Domain events of the profiles app. Sent with keyword arguments; sender is Member."""

from django.dispatch import Signal

# A member changed their profile. Arguments: member, changed (list of field names).
profile_updated = Signal()

# What a member may see or do changed: a role granted or taken back, the account
# deactivated, the password changed, or a session ended by logging out. Arguments:
# member, ended_session (the session key that ended, or None). Open sockets check again.
access_changed = Signal()
