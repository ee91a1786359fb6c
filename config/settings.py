"""Agora's settings, read from the environment (see README, "Configuration").

Defaults run the demo on one machine with no setup: SQLite under var/, an
in-memory channel layer, local-memory cache and a Whoosh index under var/.
ENVIRONMENT=production turns on the secure defaults and requires SECRET_KEY.
"""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.env import (
    SettingError,
    demo_secret_key,
    email_settings,
    env_bool,
    env_int,
    env_ints,
    env_list,
    env_oidc_providers,
    env_str,
    file_storages,
    oidc_origins,
    site_url,
    socialaccount_providers,
)
from config.shared_redis import channel_prefix
from web.channel_layer import WatchedConnection

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR") or BASE_DIR / "var")

ENVIRONMENT = env_str("ENVIRONMENT", "demo").lower()
if ENVIRONMENT not in {"demo", "production"}:
    raise SettingError("ENVIRONMENT must be demo or production")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DEBUG", False)
SITE_NAME = env_str("SITE_NAME", "Agora")
# The forum's public address, for links in emails. The demo's follows the port it serves on
# (`PORT=8080 make demo`: the Makefile passes PORT to every process it starts).
SITE_URL = site_url(env_str("SITE_URL"), port=env_int("PORT", 8000))

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise SettingError("SECRET_KEY is required when ENVIRONMENT=production")
    SECRET_KEY = demo_secret_key(VAR_DIR)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise SettingError("ALLOWED_HOSTS is required when ENVIRONMENT=production (e.g. forum.example.com)")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    # Always installed, providers or not: their tables exist from the first migrate, so that
    # adding OIDC_PROVIDERS later needs no migration.
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "taggit",
    "channels",
    "web",
    "profiles",
    "forum",
    "ideas",
    "conversations",
    "uploads",
    "reputation",
    "contributions",
    "moderation",
    "notifications",
    "reading",
    "answering",
    "incidents",
    "integrations",
    "staff",
    "api",
    # django-ninja's templates and its Swagger UI files, served by the site: the API's docs page
    # works offline and under the Content-Security-Policy (no CDN).
    "ninja",
    "demo",
    # Last, so that after a commit the index write runs after the pushes (receivers
    # run, and queue their after-commit work, in the order apps connect them);
    # before haystack, whose rebuild_index is replaced by a faster one with progress.
    "search",
    "haystack",
]

# Django's deploy checks find its security middleware by name; web/checks.py finds ours, subclasses of them.
SILENCED_SYSTEM_CHECKS = ["security.W001", "security.W002", "security.W003"]

MIDDLEWARE = [
    # Django's own middleware and WhiteNoise, run on the event loop under daphne (web/middleware.py).
    "web.middleware.Security",
    "web.middleware.StaticFiles",
    # After static files: they need no policy; every page, error pages included, gets one.
    "web.headers.SecurityHeadersMiddleware",
    # Before sessions: a NUL byte in a cookie must not reach the session lookup.
    "web.badinput.RefuseNulBytes",
    "web.middleware.Sessions",
    "web.middleware.Locale",
    "web.middleware.Common",
    "web.middleware.Csrf",
    "web.middleware.Authentication",
    "web.middleware.Messages",
    "web.middleware.FrameOptions",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.site",
                "web.pagecache.context",
            ],
            # {% url %} with its addresses kept (web/urltag.py).
            "builtins": ["web.urltag"],
        },
    },
]

# Database -----------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'agora.sqlite3'}"
DB_CONN_MAX_AGE = env_int("DB_CONN_MAX_AGE", 0)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=DB_CONN_MAX_AGE)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A pool of connections per process (psycopg_pool, through Django): without it every request
    # opened a connection of its own, and the first search on it paid 4-11 ms loading unaccent's
    # rules. The pool bounds each process's connections to PostgreSQL, whatever the number of
    # requests and sockets. DB_POOL_SIZE=0 turns it off (and DB_CONN_MAX_AGE applies instead).
    DB_POOL_SIZE = env_int("DB_POOL_SIZE", 10)
    if DB_POOL_SIZE < 0:
        raise SettingError(f"DB_POOL_SIZE must be 0 (no pool) or more, not {DB_POOL_SIZE}")
    if DB_POOL_SIZE:
        if DB_CONN_MAX_AGE:
            raise SettingError("DB_CONN_MAX_AGE keeps each thread's connection: set DB_POOL_SIZE=0 to use it")
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(2, DB_POOL_SIZE),
            "max_size": DB_POOL_SIZE,
            # A request that finds every connection busy waits this long, then fails as a 500
            # would have when the database refuses connections.
            "timeout": 10,
        }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write
    # lock at BEGIN so two writers queue instead of failing with "locked"; the
    # writers of one process queue in Python, woken at once (web/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "web.sqlite"
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and channel layer --------------------------------------------------

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis, or this process's local memory while Redis does not answer (web/cache.py):
            # an outage slows nothing and breaks nothing; limits then count per process.
            "BACKEND": "web.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_PREFIX", "agora"),
            # One pool per process, at most 20 connections, however many sockets and
            # requests (config/shared_redis.py); a caller waits up to 5 s for a free one.
            "OPTIONS": {
                "pool_class": "config.shared_redis.SharedConnectionPool",
                "max_connections": 20,
                "timeout": 5,
                # A cache call answers in well under a millisecond; one that finds Redis gone
                # gives up after this and the request goes on with the local cache.
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
            },
        }
    }
    # Redis pub/sub: a group_send is one PUBLISH and each daphne process reads one stream
    # of pushed messages. The queue-based RedisChannelLayer pays four round trips per
    # received message, one message at a time per process (p50 200 ms for a reply to 100
    # followers, against 33 ms here). Pub/sub keeps nothing for a process that is not
    # listening; notifications are rows first and clients resume, so nothing is lost.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                # socket_timeout None: a subscriber waits on its connection for as long as
                # nothing is published; redis-py's own 5 s timeout would cut it. A connect
                # attempt gives up after 2 s, so a push to an unreachable Redis fails (and is
                # caught up by resume) instead of waiting for the system's TCP timeout.
                # A process uses 2 connections per event loop (one subscribed, one that
                # publishes: channels-redis sends one command at a time), whatever its sockets.
                # The connections report outages (pushes then skip Redis) and the subscription's
                # return (open pages are told to resume at once): web/channel_layer.py.
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": None,
                        "socket_connect_timeout": 2,
                        "max_connections": 10,
                        "connection_class": WatchedConnection,
                    }
                ],
                # Pub/sub channel names span the server's databases: two sites on one Redis
                # server are kept apart by the database number in the prefix (config/shared_redis.py).
                "prefix": env_str("CHANNEL_PREFIX") or channel_prefix(REDIS_URL),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "agora"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "notifications.layers.SweepingInMemoryChannelLayer"}}

# The ASGI server's cyclic garbage collector (gen0, gen1, gen2 thresholds; config/asgi.py).
# A full collection stops the event loop for 80-130 ms once a thousand sockets are open;
# with Python's defaults (700, 10, 10) one came every few seconds of traffic and held
# up whatever the sockets were waiting for. Fewer, larger young collections let a
# request's garbage die young instead of being promoted to the oldest generation.
GC_THRESHOLD = env_ints("GC_THRESHOLD", (50_000, 20, 100))

# HTTP requests that run Django's code at once in one server process (config/concurrency.py);
# the rest wait on the event loop. 0 removes the limit.
HTTP_CONCURRENCY = env_int("HTTP_CONCURRENCY", 4)
if HTTP_CONCURRENCY < 0:
    raise SettingError(f"HTTP_CONCURRENCY must be 0 (no limit) or more, not {HTTP_CONCURRENCY}")
# Of those, requests that may write (POST, PUT, PATCH, DELETE) at once; 0: no limit of their own.
# SQLite lets one writer in at a time: a second write in flight only competes with the one
# holding the write lock for the interpreter lock (sixteen members replying at once: 19 ms of
# CPU per reply with four in flight, 15 ms with one). Off by default: with a limit, a write
# that waits on something slow (a sign-up's email through an SMTP server that does not answer,
# up to EMAIL_URL's timeout) holds up every other write of the process meanwhile.
HTTP_WRITE_CONCURRENCY = env_int("HTTP_WRITE_CONCURRENCY", 0)
if HTTP_WRITE_CONCURRENCY < 0:
    raise SettingError(f"HTTP_WRITE_CONCURRENCY must be 0 (no limit) or more, not {HTTP_WRITE_CONCURRENCY}")

# Sessions in the database only, not cached_db: a session must not depend on the cache being
# up, and a copy of it in a cache (Redis's, or a process's own during an outage) could outlive
# a log-out. Measured on a member's thread page (PostgreSQL + Redis): loading the session from
# the database costs 0.59 ms against 0.24 ms from Redis, +0.35 ms on a page of about 70 ms, one
# query more; no write on reads either way. Django's database engine, with its read's SQL
# compiled once (web/sessions.py).
SESSION_ENGINE = "web.sessions"

# Search -------------------------------------------------------------------

# Whoosh (a folder on this machine's disk) or PostgreSQL's full-text search, which every
# machine serving the site shares (README, "Scaling out"); after switching, run rebuild_index.
SEARCH_ENGINE = env_str("SEARCH_ENGINE") or "whoosh"
SEARCH_ENGINES = {"whoosh": "search.backend.BilingualWhooshEngine", "postgres": "search.postgres.PostgresEngine"}
if SEARCH_ENGINE not in SEARCH_ENGINES:
    raise SettingError(f"SEARCH_ENGINE must be whoosh or postgres, not {SEARCH_ENGINE!r}")
if SEARCH_ENGINE == "postgres" and DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise SettingError(
        "SEARCH_ENGINE=postgres searches with PostgreSQL's full-text search: set DATABASE_URL to a "
        "PostgreSQL database, or leave SEARCH_ENGINE unset to search with the Whoosh index"
    )
SEARCH_PATH = env_str("SEARCH_PATH") or str(VAR_DIR / "whoosh")
HAYSTACK_CONNECTIONS = {
    "default": {
        "ENGINE": SEARCH_ENGINES[SEARCH_ENGINE],
        "PATH": SEARCH_PATH,
    }
}
# Filter by fields the index stores, not by scanning every document's model.
HAYSTACK_LIMIT_TO_REGISTERED_MODELS = False
# Index updates are queued in the database; each process applies the queue after
# its commits. With several processes, set this to false and run one
# `manage.py search_worker` as the single writer.
SEARCH_INLINE_UPDATES = env_bool("SEARCH_INLINE_UPDATES", True)
# At most one index write per process in this time: the updates of a burst share it (search/queue.py).
SEARCH_INLINE_INTERVAL_MS = env_int("SEARCH_INLINE_INTERVAL_MS", 1000)

# Accounts -----------------------------------------------------------------

AUTH_USER_MODEL = "profiles.Member"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env_str("EMAIL_VERIFICATION", "mandatory").lower()
if ACCOUNT_EMAIL_VERIFICATION not in {"mandatory", "optional", "none"}:
    raise SettingError("EMAIL_VERIFICATION must be mandatory, optional or none")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_PREVENT_ENUMERATION = True
# Confirming the address in the browser that signed up signs the member in and takes them back
# to the page they signed up from (the `next` it carried); allauth does so only for the session
# that signed up, within ACCOUNT_LOGIN_TIMEOUT (15 minutes), never for a link opened elsewhere.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_USERNAME_MIN_LENGTH = 3
ACCOUNT_USERNAME_BLACKLIST = ["admin", "administrator", "mod", "moderator", "staff", "support", "agora"]
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_RATE_LIMITS_ENABLED = env_bool("RATE_LIMITS", True)
if not ACCOUNT_RATE_LIMITS_ENABLED:
    ACCOUNT_RATE_LIMITS = False
ACCOUNT_ADAPTER = "profiles.adapter.AccountAdapter"
# A registered address at sign-up answers like a new one, in the same time (profiles/forms.py).
ACCOUNT_FORMS = {"signup": "profiles.forms.SignupForm"}
# LOCAL_SIGNUP=false: no new accounts with a password (the sign-up page points to the
# providers); members who have one still log in with it (profiles/adapter.py).
LOCAL_SIGNUP = env_bool("LOCAL_SIGNUP", True)

# Sign-in with OpenID Connect providers (README, "Signing in with OpenID Connect") ----------

OIDC_PROVIDERS = env_oidc_providers("OIDC_PROVIDERS", require_https=PRODUCTION)
SOCIALACCOUNT_PROVIDERS = socialaccount_providers(OIDC_PROVIDERS)
# The first log-in creates the member from the provider's claims (profiles/sso.py).
SOCIALACCOUNT_ADAPTER = "profiles.sso.SocialAccountAdapter"
# A member whose address is verified here is linked when the provider vouches for the same
# address; an address the provider does not vouch for links nobody (profiles/sso.py).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_REQUESTS_TIMEOUT = 5

# Email --------------------------------------------------------------------

for _name, _value in email_settings(env_str("EMAIL_URL", "console://"), VAR_DIR).items():
    globals()[_name] = _value
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Languages ----------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_TZ = True

# Static and media ---------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")
# Pictures in posts: outside MEDIA_ROOT, served only by the forum to the posts' readers (web/storage.py).
UPLOADS_ROOT = Path(env_str("UPLOADS_ROOT") or VAR_DIR / "uploads")
# Where avatars ("default") and pictures ("uploads") are kept: the filesystem, or S3-compatible
# object storage (FILE_STORAGE=s3) when several machines serve the forum.
FILE_STORAGE = env_str("FILE_STORAGE", "filesystem").lower()
STORAGES = {
    **file_storages(
        FILE_STORAGE,
        uploads_root=UPLOADS_ROOT,
        bucket=env_str("S3_BUCKET"),
        endpoint_url=env_str("S3_ENDPOINT_URL"),
        region=env_str("S3_REGION"),
        access_key=env_str("S3_ACCESS_KEY_ID"),
        secret_key=env_str("S3_SECRET_ACCESS_KEY"),
        prefix=env_str("S3_PREFIX"),
    ),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# The demo serves static files straight from the source folders: no collectstatic step.
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects the folder to exist
WHITENOISE_AUTOREFRESH = DEBUG

# Security -----------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the page script reads it to post with fetch()
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# Sent by web.headers.SecurityHeadersMiddleware (django-csp builds the header). Scripts come
# only from our own files: no inline script, no nonce (the page cache keeps a page's HTML
# but not its headers, so a nonce would not match on a hit). JSON-LD blocks are data,
# not scripts. Inline style *attributes* stay allowed, <style> elements do not: each
# category's accent colour is a free #rrggbb set as style="--cat: ..." on many partials,
# and Markdown tables keep style="text-align: ..." (the sanitizer lets nothing else
# through). An attribute styles its own element and can fetch only what img-src allows.
# connect-src also gets the page's own ws(s)://host for the live socket, per request.
# Images: our own only (static files, avatars, pictures in posts). Posts never embed an image
# from elsewhere (web/markdown.py makes it a link), and posts rendered before that rule still
# hold <img> elements pointing elsewhere: the browser does not load them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'", *oidc_origins(OIDC_PROVIDERS)],
        "frame-ancestors": ["'none'"],
    }
}
# Browser features no page of the forum uses, off for it and for anything it embeds (names
# Chromium knows: it logs an error for an unknown one, such as "bluetooth", on every page).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", True) else None
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Every cookie the site sets is Secure: the views that set their own follow these.
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)

# Logging ------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}

# Forum --------------------------------------------------------------------

THREADS_PER_PAGE = 25
# Visitors' pages served from the cache for up to a minute (web/pagecache.py).
PAGE_CACHE = env_bool("PAGE_CACHE", True)

# Private conversations between members (conversations with the team are always on): off unless
# asked for; then for members with at least this reputation, so many new conversations and
# messages a day each (under POSTING_LIMITS; staff and moderators are exempt).
MEMBER_MESSAGES = env_bool("MEMBER_MESSAGES", False)
MEMBER_MESSAGES_MIN_REPUTATION = env_int("MEMBER_MESSAGES_MIN_REPUTATION", 20)
MEMBER_CONVERSATIONS_PER_DAY = env_int("MEMBER_CONVERSATIONS_PER_DAY", 5)
MEMBER_MESSAGES_PER_DAY = env_int("MEMBER_MESSAGES_PER_DAY", 100)

# Moderation: reports and posting limits (staff and moderators are exempt from limits).
POSTING_LIMITS = env_bool("POSTING_LIMITS", True)
AUTO_HIDE_REPORTS = env_int("AUTO_HIDE_REPORTS", 3)
REPORTS_PER_DAY = env_int("REPORTS_PER_DAY", 20)
NEW_ACCOUNT_HOURS = env_int("NEW_ACCOUNT_HOURS", 24)
NEW_ACCOUNT_THREADS = env_int("NEW_ACCOUNT_THREADS", 3)
NEW_ACCOUNT_REPLIES = env_int("NEW_ACCOUNT_REPLIES", 10)
NEW_ACCOUNT_MAX_LINKS = env_int("NEW_ACCOUNT_MAX_LINKS", 2)
POST_COOLDOWN = env_int("POST_COOLDOWN", 5)
NEW_ACCOUNT_COOLDOWN = env_int("NEW_ACCOUNT_COOLDOWN", 30)
THREADS_PER_DAY = env_int("THREADS_PER_DAY", 20)
# Email a notification only if it is still unread after this many minutes.
NOTIFICATION_EMAIL_DELAY_MINUTES = env_int("NOTIFICATION_EMAIL_DELAY_MINUTES", 10)
POSTS_PER_PAGE = 20
# Read state (reading/): a thread started in the last READING_NEW_DAYS days that a member never
# opened is new to them; the positions pages report are written at most once every
# READING_FLUSH_SECONDS per process (reading/tracker.py).
READING_NEW_DAYS = env_int("READING_NEW_DAYS", 14)
READING_FLUSH_SECONDS = env_int("READING_FLUSH_SECONDS", 5)

# Requests each personal API token may make a minute (api/auth.py; 429 with Retry-After over it).
API_REQUESTS_PER_MINUTE = env_int("API_REQUESTS_PER_MINUTE", 300)
if API_REQUESTS_PER_MINUTE < 1:
    raise SettingError(f"API_REQUESTS_PER_MINUTE must be 1 or more, not {API_REQUESTS_PER_MINUTE}")
# Requests without a valid token each client address may make a minute (the same counters).
API_ANONYMOUS_REQUESTS_PER_MINUTE = env_int("API_ANONYMOUS_REQUESTS_PER_MINUTE", 60)
if API_ANONYMOUS_REQUESTS_PER_MINUTE < 1:
    raise SettingError(f"API_ANONYMOUS_REQUESTS_PER_MINUTE must be 1 or more, not {API_ANONYMOUS_REQUESTS_PER_MINUTE}")

# Votes a member may hold at once on the open ideas of one category (ideas/services.py);
# 0: no cap. A vote on an idea done, declined or merged is given back.
IDEA_VOTES_PER_MEMBER = env_int("IDEA_VOTES_PER_MEMBER", 0)
if IDEA_VOTES_PER_MEMBER < 0:
    raise SettingError(f"IDEA_VOTES_PER_MEMBER must be 0 (no cap) or more, not {IDEA_VOTES_PER_MEMBER}")

# Questions find their answerers (answering/): how many members an unanswered question invites
# at its first delay and when the circle widens at its second (each category sets both delays),
# the invitations a member gets in 24 hours unless they chose fewer (at most 10), who counts as
# active, how fast expertise ages, and when a question in a category without a response target
# stops inviting.
ANSWERING_INVITEES = env_int("ANSWERING_INVITEES", 3)
ANSWERING_WIDEN_INVITEES = env_int("ANSWERING_WIDEN_INVITEES", 5)
ANSWERING_DAILY_CAP = env_int("ANSWERING_DAILY_CAP", 3)
ANSWERING_ACTIVE_DAYS = env_int("ANSWERING_ACTIVE_DAYS", 30)
ANSWERING_HALF_LIFE_DAYS = env_int("ANSWERING_HALF_LIFE_DAYS", 90)
ANSWERING_STOP_AFTER_HOURS = env_int("ANSWERING_STOP_AFTER_HOURS", 24)
for _name in ("ANSWERING_INVITEES", "ANSWERING_WIDEN_INVITEES", "ANSWERING_DAILY_CAP"):
    if not 0 <= globals()[_name] <= 10:
        raise SettingError(f"{_name} must be between 0 and 10, not {globals()[_name]}")
for _name in ("ANSWERING_ACTIVE_DAYS", "ANSWERING_HALF_LIFE_DAYS", "ANSWERING_STOP_AFTER_HOURS"):
    if globals()[_name] < 1:
        raise SettingError(f"{_name} must be 1 or more, not {globals()[_name]}")

# Webhooks (integrations/): how long the worker waits for an endpoint's answer, how many times it
# tries a delivery, the wait before the first retry (doubled at each one after, with jitter, up to
# 6 hours), and how many days finished deliveries stay in the log.
WEBHOOK_TIMEOUT_MS = env_int("WEBHOOK_TIMEOUT_MS", 5000)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 10)
WEBHOOK_RETRY_SECONDS = env_int("WEBHOOK_RETRY_SECONDS", 60)
WEBHOOK_LOG_DAYS = env_int("WEBHOOK_LOG_DAYS", 30)
for _name in ("WEBHOOK_TIMEOUT_MS", "WEBHOOK_MAX_ATTEMPTS", "WEBHOOK_RETRY_SECONDS", "WEBHOOK_LOG_DAYS"):
    if globals()[_name] < 1:
        raise SettingError(f"{_name} must be 1 or more, not {globals()[_name]}")

# Pictures in posts (uploads/): what a file may weigh and decode to (a bigger file, or one with
# more pixels, is refused before its pixels are decoded), the longest side kept (larger pictures
# are scaled down), the box thumbnails fit in, and how many pictures a member may upload a day
# (a new account, in its first NEW_ACCOUNT_HOURS; staff and moderators are exempt).
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_PIXELS", 40_000_000)
UPLOAD_MAX_SIDE = env_int("UPLOAD_MAX_SIDE", 4096)
UPLOAD_THUMBNAIL_SIDE = env_int("UPLOAD_THUMBNAIL_SIDE", 720)
UPLOADS_PER_DAY = env_int("UPLOADS_PER_DAY", 50)
NEW_ACCOUNT_UPLOADS = env_int("NEW_ACCOUNT_UPLOADS", 5)
for _name in ("UPLOAD_MAX_BYTES", "UPLOAD_MAX_PIXELS", "UPLOAD_MAX_SIDE", "UPLOAD_THUMBNAIL_SIDE"):
    if globals()[_name] < 1:
        raise SettingError(f"{_name} must be 1 or more, not {globals()[_name]}")
for _name in ("UPLOADS_PER_DAY", "NEW_ACCOUNT_UPLOADS"):
    if globals()[_name] < 0:
        raise SettingError(f"{_name} must be 0 or more, not {globals()[_name]}")
