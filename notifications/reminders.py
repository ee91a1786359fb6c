"""Reminders the members asked for (a bookmark's date), told as notifications when due.

Who keeps the reminders is not known here: they come through forum.hooks.claim_due_reminders,
claimed in the same transaction as the notifications, so a failure leaves them due for the
next round. A reminder about a thread the member may no longer read tells nothing (notify
checks the reader's access).
"""

from django.db import transaction
from django.utils import timezone

from forum import hooks
from notifications.models import Kind
from notifications.services import notify


def send_due() -> int:
    with transaction.atomic():
        reminders = hooks.claim_due_reminders(timezone.now())
        for reminder in reminders:
            notify(
                recipients=[reminder.member],
                kind=Kind.BOOKMARK_REMINDER,
                thread=reminder.thread,
                post=reminder.post,
                data={"note": reminder.note} if reminder.note else {},
                url=reminder.url,
            )
    return len(reminders)
