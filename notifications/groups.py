"""Group names, built only from server-side ids."""


def member_group(member_id: int) -> str:
    return f"member.{int(member_id)}"


def thread_group(thread_id: int) -> str:
    return f"thread.{int(thread_id)}"


# Moderators and admins: the live count of the moderation queue.
MODERATORS = "moderators"

# Every connected member: announcements.
EVERYONE = "everyone"

# Staff, moderators and admins: the live count of the staff queue.
STAFF = "staff"
