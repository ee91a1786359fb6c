"""Refusals the forum's write path can raise besides PermissionDenied and ValidationError."""

from web.limits import RateLimited

__all__ = ["RateLimited"]
