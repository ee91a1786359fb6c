from django.core.management.base import BaseCommand, CommandError

from profiles.models import Member
from profiles.roles import ROLES
from profiles.services import grant_role


class Command(BaseCommand):
    help = "Give a member a role: member (takes back staff and moderator), staff, moderator or admin."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=ROLES)
        parser.add_argument("--title", help='Public staff title, for example "Acme Support".')

    def handle(self, *args, username, role, title, **options):
        try:
            member = Member.objects.get(username__iexact=username)
        except Member.DoesNotExist:
            raise CommandError(f"No member is called {username!r}.") from None
        if title is not None and role != "staff":
            raise CommandError("--title goes with the staff role.")
        member = grant_role(member=member, role=role, title=title)
        flair = f" ({member.staff_title})" if member.staff_title else ""
        self.stdout.write(self.style.SUCCESS(f"{member.username} is now {role}{flair}."))
