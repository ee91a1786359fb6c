"""The answering app's domain events. Sent with keyword arguments; sender is Invitation."""

from django.dispatch import Signal

# A round of invitations ran for a question, inside its transaction. Arguments: thread,
# round (1: the first invitations, 2: the wider circle), invitations (the Invitation rows
# written, possibly none).
answerers_invited = Signal()
