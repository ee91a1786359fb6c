"""Read settings from the environment: one small helper, safe demo defaults.

Nothing here imports Django, so settings.py can use it before Django is set up.
"""

import contextlib
import os
import secrets
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class SettingError(ValueError):
    """A variable is set to something we cannot use."""


def env_str(name, default=""):
    return os.environ.get(name, default).strip()


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise SettingError(f"{name} must be true or false, not {raw!r}")


def env_int(name, default):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingError(f"{name} must be a whole number, not {raw!r}") from exc


def env_ints(name, default: tuple[int, ...]) -> tuple[int, ...]:
    """Positive whole numbers separated by commas, as many as the default has."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        values = tuple(int(item) for item in raw.split(","))
    except ValueError as exc:
        raise SettingError(f"{name} must be {len(default)} whole numbers separated by commas, not {raw!r}") from exc
    if len(values) != len(default) or min(values) < 1:
        raise SettingError(f"{name} must be {len(default)} positive whole numbers separated by commas, not {raw!r}")
    return values


def env_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def demo_secret_key(var_dir: Path) -> str:
    """Generate a secret key once for the demo and keep it under var/."""
    path = var_dir / "secret_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        # Written with owner-only permissions (mkstemp: 0600): the key signs sessions.
        # Written aside, then linked into place: when several processes start at once,
        # the first link wins and every process reads that one, complete key.
        fd, draft = tempfile.mkstemp(dir=var_dir, prefix=".secret_key.")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(50))
            with contextlib.suppress(FileExistsError):
                os.link(draft, path)
        finally:
            os.unlink(draft)
    return path.read_text().strip()


def email_settings(url: str, var_dir: Path) -> dict:
    """Turn EMAIL_URL into Django's EMAIL_* settings.

    console://            print mail to the server's output (the default)
    file:///path/to/dir   one file per message (a mailbox for the demo and tests)
    memory://             kept in memory (tests)
    smtp://user:pass@host:port   plain SMTP; smtp+tls:// STARTTLS; smtps:// implicit TLS
    """
    parts = urlsplit(url or "console://")
    scheme = parts.scheme.lower()
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "memory":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme == "file":
        path = unquote(parts.path) or str(var_dir / "mail")
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": path,
        }
    if scheme in {"smtp", "smtp+tls", "smtps"}:
        query = parse_qs(parts.query)
        try:
            timeout = int(query.get("timeout", ["10"])[0])
        except ValueError as exc:
            raw = query["timeout"][0]
            raise SettingError(f"EMAIL_URL timeout must be a whole number of seconds, not {raw!r}") from exc
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname or "localhost",
            "EMAIL_PORT": parts.port or (465 if scheme == "smtps" else 587 if scheme == "smtp+tls" else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_TLS": scheme == "smtp+tls",
            "EMAIL_USE_SSL": scheme == "smtps",
            "EMAIL_TIMEOUT": timeout,
        }
    raise SettingError(f"EMAIL_URL scheme {scheme!r} is not one of console, file, memory, smtp, smtp+tls, smtps")
