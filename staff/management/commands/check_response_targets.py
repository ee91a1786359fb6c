from conversations import services as conversations
from forum.services import notify_target_breaches
from web.commands import PeriodicCommand


class Command(PeriodicCommand):
    help = (
        "Notify staff, once per thread or private conversation, of questions and conversations with the team "
        "that passed their category's response target."
    )
    report = "{count} question(s) and conversation(s) past their target."

    def run_once(self) -> int:
        return notify_target_breaches() + conversations.notify_target_breaches()
