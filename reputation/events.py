"""Domain events of the reputation app. Sent with keyword arguments; sender is BadgeAward."""

from django.dispatch import Signal

# A member earned a badge, inside the transaction that earned it.
# Arguments: award (BadgeAward), badge (reputation.badges.Badge).
badge_awarded = Signal()
