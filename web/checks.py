"""Django's deploy checks W001-W003 look for its security middleware by their dotted names;
ours (web/middleware.py) are subclasses, so settings silences those three and these checks
look for each protection as the class or a subclass of it. One more deploy check: SITE_URL
must be the public address, not the demo's default."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csrf import CsrfViewMiddleware
from django.middleware.security import SecurityMiddleware
from django.utils.module_loading import import_string

# Django's check id -> the protection it looks for
REPLACED = {
    "security.W001": SecurityMiddleware,
    "security.W002": XFrameOptionsMiddleware,
    "security.W003": CsrfViewMiddleware,
}


@register(Tags.security, deploy=True)
def security_middleware(app_configs, **kwargs):
    loaded = [import_string(path) for path in settings.MIDDLEWARE]
    classes = [middleware for middleware in loaded if isinstance(middleware, type)]
    return [
        Warning(
            f"No {protection.__module__}.{protection.__name__}, nor a subclass of it, is in MIDDLEWARE: "
            f"the protection Django's {check} is about is off.",
            id=f"web.{check.removeprefix('security.')}",
        )
        for check, protection in REPLACED.items()
        if not any(issubclass(middleware, protection) for middleware in classes)
    ]


LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@register(deploy=True)
def site_url(app_configs, **kwargs):
    """Links in emails (confirmations, password resets, notifications) are built on SITE_URL."""
    if urlsplit(settings.SITE_URL).hostname not in LOOPBACK:
        return []
    return [
        Warning(
            f"SITE_URL is {settings.SITE_URL}: links in the emails the forum sends point at this machine.",
            hint="Set SITE_URL to the forum's public address, e.g. https://forum.example.com.",
            id="web.W100",
        )
    ]
