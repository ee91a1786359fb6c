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

# An idea was merged into another (ideas.services.merge_idea): its votes and followers moved,
# and it is closed as a duplicate with a note linking to the other. Arguments: duplicate (Idea,
# status duplicate, merged_into set), into (Idea, its votes counted again), by (Member), note
# (Post, in the duplicate's thread), moved (int: votes that moved; a member who voted for both
# is counted once, on `into`), voters (list of the member ids who voted for the duplicate before
# the merge: its votes are gone from it now), change (StatusChange, with the previous status).
idea_merged = Signal()
