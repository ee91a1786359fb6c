"""What happens to ideas, for other apps to react to (connected in their AppConfig.ready()).

Sent inside the transaction that made the change, by ideas/services.py only.
"""

from django.dispatch import Signal

# A member voted for an idea. Arguments: idea (Idea), member (Member).
idea_voted = Signal()

# A member took their vote back. Arguments: idea (Idea), member (Member).
idea_vote_withdrawn = Signal()

# Brand staff set an idea's status, with a public note posted as an official response.
# Arguments: idea (Idea, its new status set), previous (str), by (Member), note (Post),
# change (StatusChange).
idea_status_changed = Signal()
