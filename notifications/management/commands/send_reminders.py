from notifications.reminders import send_due
from web.commands import PeriodicCommand


class Command(PeriodicCommand):
    help = "Notify the members whose bookmarks' reminders are due. Run from cron, or with --loop."
    report = "{count} reminder(s) sent."

    def run_once(self) -> int:
        return send_due()
