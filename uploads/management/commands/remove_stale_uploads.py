from uploads.services import remove_stale_uploads
from web.commands import PeriodicCommand


class Command(PeriodicCommand):
    help = "Removes the pictures neither a post nor a private message uses, sent more than 24 hours ago."
    report = "{count} pictures removed"

    def run_once(self) -> int:
        return remove_stale_uploads()
