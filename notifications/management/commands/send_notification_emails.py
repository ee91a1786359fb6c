import time

from django.core.management.base import BaseCommand

from notifications.email import send_due


class Command(BaseCommand):
    help = "Email notifications still unread after the delay, and daily digests. Run from cron, or with --loop."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep running, checking every --every seconds.")
        parser.add_argument("--every", type=int, default=60)

    def handle(self, *args, loop, every, **options):
        while True:
            sent = send_due()
            if sent or not loop:
                self.stdout.write(f"{sent} email(s) sent.")
            if not loop:
                return
            time.sleep(max(5, every))
