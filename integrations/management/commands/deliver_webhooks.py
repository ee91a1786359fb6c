import time

from integrations.delivery import deliver_due, remove_old_deliveries
from web.commands import PeriodicCommand

PRUNE_EVERY = 3600  # seconds between two clean-ups of the log, in a loop


class Command(PeriodicCommand):
    help = (
        "Send the webhooks' due deliveries, retrying failures with back-off, and remove finished deliveries older "
        "than WEBHOOK_LOG_DAYS from the log. Run from cron, or with --loop (--every 5 for deliveries within seconds)."
    )
    report = "{count} webhook delivery(ies) done."
    pruned_at = None

    def run_once(self) -> int:
        if self.pruned_at is None or time.monotonic() - self.pruned_at > PRUNE_EVERY:
            remove_old_deliveries()
            self.pruned_at = time.monotonic()
        return deliver_due()
