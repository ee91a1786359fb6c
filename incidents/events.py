"""What happens to incidents, for other apps to react to (connected in their AppConfig.ready()).

Sent inside the transaction that made the change, by incidents/services.py only.
"""

from django.dispatch import Signal

# Brand staff declared an incident. Arguments: incident, by, update (its first Update, the
# statement, posted in the incident's thread).
incident_declared = Signal()

# A status update was posted as an official response in the incident's thread (the closing
# statement too). Arguments: incident (its new status set), update, by, previous (the status before).
incident_updated = Signal()

# A thread was pointed to the incident, or merged into it. Arguments: incident, link (Link), by,
# note (the Post that tells the thread's people where the answers are).
thread_linked = Signal()
