import time

from django.core.management.base import BaseCommand, CommandError

from contributions.tally import rebuild
from profiles.models import Member


class Command(BaseCommand):
    help = (
        "Recompute the profiles' contribution rows (counts, calendar, top tags) from the posts: "
        "once after upgrading to the release that added them, and after writing posts in bulk. "
        "Run it when the site is quiet: on PostgreSQL, posting meanwhile can make it stop (run it again)."
    )

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="*", help="Only these members (default: everyone).")

    def handle(self, *args, usernames, **options):
        members = None
        if usernames:
            members = list(Member.objects.filter(username__in=usernames))
            missing = set(usernames) - {member.username for member in members}
            if missing:
                raise CommandError(f"No member named {', '.join(sorted(missing))}.")
        start = time.perf_counter()
        rebuild(members)
        who = "everyone" if members is None else f"{len(members)} member(s)"
        seconds = time.perf_counter() - start
        self.stdout.write(self.style.SUCCESS(f"Contributions rebuilt for {who} in {seconds:.1f} s."))
