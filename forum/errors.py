"""Refusals the forum's write path can raise besides PermissionDenied and ValidationError."""

from django.utils.translation import gettext as _


class RateLimited(Exception):
    """Too many posts too fast: nothing was saved. Views answer 429 with Retry-After."""

    def __init__(self, message: str = "", retry_after: int = 60):
        self.message = message or _("You are posting too fast. Please wait a moment and try again.")
        self.retry_after = max(1, int(retry_after))
        super().__init__(self.message)
