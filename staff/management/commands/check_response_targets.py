from forum.services import notify_target_breaches
from web.commands import PeriodicCommand


class Command(PeriodicCommand):
    help = "Notify staff, once per thread, of questions that passed their category's response target."
    report = "{count} thread(s) past their target."

    def run_once(self) -> int:
        return notify_target_breaches()
