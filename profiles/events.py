"""Domain events of the profiles app. Sent with keyword arguments; sender is Member."""

from django.dispatch import Signal

# A member changed their profile. Arguments: member, changed (list of field names).
profile_updated = Signal()

# A member earned a badge. Arguments: award (BadgeAward), badge (profiles.badges.Badge).
badge_awarded = Signal()
