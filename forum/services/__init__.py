"""The forum's write path: one function per action, each in one transaction.

    with transaction.atomic():
        lock, check, write the rows, send the domain event (forum/events.py)

Views, commands, admin actions and tests all call these.
"""

from forum.services.answers import accept_answer, clear_answer, endorse_reply, withdraw_endorsement
from forum.services.follows import carry_followers, follow_thread, mute_thread, unfollow_thread
from forum.services.moderation import (
    lock_closed_thread,
    lock_thread,
    move_thread,
    pin_official_thread,
    pin_thread,
    set_post_visibility,
)
from forum.services.posting import edit_post, post_reply, start_thread
from forum.services.staff import assign_thread, notify_target_breaches, set_no_response_needed
from forum.services.votes import cast_vote, retract_vote

__all__ = [
    "accept_answer",
    "assign_thread",
    "carry_followers",
    "cast_vote",
    "clear_answer",
    "edit_post",
    "endorse_reply",
    "follow_thread",
    "lock_closed_thread",
    "lock_thread",
    "move_thread",
    "mute_thread",
    "notify_target_breaches",
    "pin_official_thread",
    "pin_thread",
    "post_reply",
    "retract_vote",
    "set_no_response_needed",
    "set_post_visibility",
    "start_thread",
    "unfollow_thread",
    "withdraw_endorsement",
]
