"""Read settings from the environment: one small helper, safe demo defaults.

Nothing here imports Django, so settings.py can use it before Django is set up.
"""

import contextlib
import json
import os
import re
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


def site_url(raw: str, *, port: int) -> str:
    """The forum's public address (SITE_URL), without a trailing slash: as given, or else the
    demo's own address on the port it serves on."""
    url = (raw or f"http://127.0.0.1:{port}").rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise SettingError(f"SITE_URL must be an http:// or https:// address (https://forum.example.com), not {raw!r}")
    return url


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


OIDC_PROVIDER_KEYS = ("id", "name", "issuer", "client_id", "secret")
# The id is part of the provider's redirect URI (/accounts/oidc/<id>/login/callback/) and of
# each linked account's row: short, lowercase, safe in a URL.
OIDC_PROVIDER_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
# allauth looks providers up by class id before app id: an app may not take a class's id.
OIDC_RESERVED_IDS = {"openid_connect"}


def env_oidc_providers(name: str, *, require_https: bool) -> list[dict]:
    """OpenID Connect providers from a JSON list of objects (README, "Signing in with OpenID
    Connect"): id, name (on the button), issuer, client_id, secret (empty for a public client).

    Returns them checked and cleaned, in the order given; [] when the variable is unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return []
    try:
        items = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise SettingError(f"{name} is not valid JSON: {exc.msg} at character {exc.pos}") from exc
    if not isinstance(items, list):
        raise SettingError(
            f"{name} must be a JSON list of providers, each an object with {', '.join(OIDC_PROVIDER_KEYS)}"
        )
    providers = [
        _oidc_provider(f"{name}[{index}]", item, require_https=require_https) for index, item in enumerate(items)
    ]
    seen = set()
    for provider in providers:
        if provider["id"] in seen:
            raise SettingError(f"{name} names the provider id {provider['id']!r} twice; each id must be unique")
        seen.add(provider["id"])
    return providers


def _oidc_provider(where: str, item, *, require_https: bool) -> dict:
    if not isinstance(item, dict):
        raise SettingError(f"{where} must be an object with {', '.join(OIDC_PROVIDER_KEYS)}, not {item!r}")
    unknown = sorted(set(item) - set(OIDC_PROVIDER_KEYS))
    if unknown:
        raise SettingError(f"{where} has unknown keys {', '.join(unknown)} (known: {', '.join(OIDC_PROVIDER_KEYS)})")
    item = {"secret": "", **item}
    for key in OIDC_PROVIDER_KEYS:
        if not isinstance(item.get(key), str):
            raise SettingError(f"{where}.{key} must be a string")
        item[key] = item[key].strip()
        if key != "secret" and not item[key]:
            raise SettingError(f"{where}.{key} is required")
    if not OIDC_PROVIDER_ID.fullmatch(item["id"]) or item["id"] in OIDC_RESERVED_IDS:
        raise SettingError(
            f"{where}.id {item['id']!r} must be 1 to 40 lowercase letters, digits, - or _ "
            f"(it goes into the redirect URI), and not {', '.join(sorted(OIDC_RESERVED_IDS))}"
        )
    parts = urlsplit(item["issuer"])
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query or parts.fragment:
        raise SettingError(f"{where}.issuer must be the provider's https:// address, not {item['issuer']!r}")
    if require_https and parts.scheme != "https":
        raise SettingError(f"{where}.issuer must use https:// when ENVIRONMENT=production, not {item['issuer']!r}")
    item["issuer"] = item["issuer"].rstrip("/")
    return item


def oidc_origins(providers: list[dict]) -> list[str]:
    """Where the providers' log-in pages are (their issuers' scheme and host): a provider's button
    posts to the forum, which sends the browser on there, and a browser lets a form go on only
    to the places the page's form-action allows."""
    return sorted({urlsplit(provider["issuer"])._replace(path="").geturl() for provider in providers})


def socialaccount_providers(providers: list[dict]) -> dict:
    """allauth's SOCIALACCOUNT_PROVIDERS for checked OIDC_PROVIDERS: one app each, with PKCE."""
    apps = [
        {
            "provider_id": provider["id"],
            "name": provider["name"],
            "client_id": provider["client_id"],
            "secret": provider["secret"],
            "settings": {"server_url": provider["issuer"]},
        }
        for provider in providers
    ]
    return {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": apps}}


def file_storages(kind: str, *, uploads_root: Path, bucket: str, prefix: str = "", **s3) -> dict:
    """STORAGES' "default" (avatars) and "uploads" (pictures in posts), for FILE_STORAGE.

    `s3`: endpoint_url, region, access_key, secret_key, empty for boto3's own defaults (the
    AWS_* variables, an instance's role). Each store is a folder of the bucket: `prefix`media/
    and `prefix`uploads/.
    """
    if kind == "filesystem":
        return {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "uploads": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(uploads_root), "base_url": None},
            },
        }
    if kind != "s3":
        raise SettingError(f"FILE_STORAGE must be filesystem or s3, not {kind!r}")
    if not bucket:
        raise SettingError("S3_BUCKET is required when FILE_STORAGE=s3")
    prefix = prefix.strip("/")
    options = {
        "bucket_name": bucket,
        "endpoint_url": s3.get("endpoint_url") or None,
        "region_name": s3.get("region") or None,
        "access_key": s3.get("access_key") or None,
        "secret_key": s3.get("secret_key") or None,
        "default_acl": None,  # the bucket's own: private
        "querystring_auth": False,
        "file_overwrite": False,
        # Path-style addresses (endpoint/bucket/key) work with every S3-compatible server.
        "addressing_style": "path" if s3.get("endpoint_url") else None,
    }
    return {
        name: {
            "BACKEND": "web.s3.S3Storage",
            "OPTIONS": {**options, "location": "/".join(filter(None, (prefix, folder)))},
        }
        for name, folder in (("default", "media"), ("uploads", "uploads"))
    }
