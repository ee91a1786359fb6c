from answering.services import invite_answerers
from web.commands import PeriodicCommand


class Command(PeriodicCommand):
    help = "Invite the members who know a question's tags to answer it, once it has waited its category's delays."
    report = "{count} member(s) invited to answer."

    def run_once(self) -> int:
        return invite_answerers()
