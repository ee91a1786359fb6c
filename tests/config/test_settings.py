"""Settings from the environment: config/env.py and config/settings.py.

config.settings is only ever imported in a subprocess with an environment built
from scratch, so these tests never touch the settings of the process running them.
The small pure helpers of config/env.py are called directly.
"""

import json
import os
import secrets
import shutil
import stat
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from config.env import (
    SettingError,
    demo_secret_key,
    email_settings,
    env_bool,
    env_int,
    env_ints,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parents[2]

# Variables settings.py reads. None of them leaks in from the shell running the tests.
SETTINGS_VARIABLES = {
    "ALLOWED_HOSTS",
    "BEHIND_PROXY",
    "CACHE_PREFIX",
    "CHANNEL_PREFIX",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "DB_CONN_MAX_AGE",
    "DB_POOL_SIZE",
    "DEBUG",
    "DEFAULT_FROM_EMAIL",
    "EMAIL_URL",
    "EMAIL_VERIFICATION",
    "ENVIRONMENT",
    "HSTS_INCLUDE_SUBDOMAINS",
    "HSTS_PRELOAD",
    "HSTS_SECONDS",
    "LOCAL_SIGNUP",
    "LOG_LEVEL",
    "MEDIA_ROOT",
    "OIDC_PROVIDERS",
    "PORT",
    "RATE_LIMITS",
    "REDIS_URL",
    "SEARCH_ENGINE",
    "SEARCH_PATH",
    "SECRET_KEY",
    "SECURE_SSL_REDIRECT",
    "SITE_NAME",
    "SITE_URL",
    "TIME_ZONE",
    "VAR_DIR",
}


def production_secret_key() -> str:
    return secrets.token_urlsafe(64)


def clean_environment(var_dir: Path, **variables) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(PYTHONPATH=str(BASE_DIR), VAR_DIR=str(var_dir), PYTHONDONTWRITEBYTECODE="1")
    env.update(variables)
    return env


def run(command: list[str], var_dir: Path, *, timeout: float = 60, **variables) -> subprocess.CompletedProcess:
    """Run a command in the project with a clean environment plus these variables."""
    return subprocess.run(
        command,
        cwd=BASE_DIR,
        env=clean_environment(var_dir, **variables),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_python(code: str, var_dir: Path, **variables) -> subprocess.CompletedProcess:
    return run([sys.executable, "-c", textwrap.dedent(code)], var_dir, **variables)


def load_settings(var_dir: Path, *names: str, **variables) -> dict:
    """Import config.settings in a fresh interpreter and return the named settings."""
    result = run_python(
        f"""
        import json
        import config.settings as s
        print(json.dumps({{name: getattr(s, name) for name in {list(names)!r}}}, default=str))
        """,
        var_dir,
        **variables,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def settings_error(var_dir: Path, **variables) -> str:
    """Import config.settings expecting it to refuse; return what it said."""
    result = run_python("import config.settings", var_dir, **variables)
    assert result.returncode != 0, "config.settings accepted the environment"
    return result.stderr


@pytest.fixture
def var_dir(tmp_path):
    return tmp_path / "var"


# Defaults ----------------------------------------------------------------------------------


def test_the_demo_defaults_need_no_configuration(var_dir):
    s = load_settings(
        var_dir,
        "ENVIRONMENT",
        "PRODUCTION",
        "DEBUG",
        "DATABASES",
        "CACHES",
        "CHANNEL_LAYERS",
        "SEARCH_PATH",
        "HAYSTACK_CONNECTIONS",
        "EMAIL_BACKEND",
        "ALLOWED_HOSTS",
        "ACCOUNT_EMAIL_VERIFICATION",
        "ACCOUNT_RATE_LIMITS_ENABLED",
        "MEDIA_ROOT",
        "STATIC_ROOT",
    )

    assert s["ENVIRONMENT"] == "demo"
    assert s["PRODUCTION"] is False
    assert s["DEBUG"] is False
    database = s["DATABASES"]["default"]
    assert database["ENGINE"] == "web.sqlite"
    assert database["NAME"] == str(var_dir / "agora.sqlite3")
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert s["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert s["CHANNEL_LAYERS"] == {"default": {"BACKEND": "notifications.layers.SweepingInMemoryChannelLayer"}}
    assert s["SEARCH_PATH"] == str(var_dir / "whoosh")
    assert s["HAYSTACK_CONNECTIONS"]["default"]["PATH"] == str(var_dir / "whoosh")
    assert s["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert s["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "[::1]"]
    assert s["ACCOUNT_EMAIL_VERIFICATION"] == "mandatory"
    assert s["ACCOUNT_RATE_LIMITS_ENABLED"] is True
    assert s["MEDIA_ROOT"] == str(var_dir / "media")
    assert Path(s["STATIC_ROOT"]).is_dir(), "WhiteNoise expects the static folder to exist in the demo"


def test_the_demo_database_really_runs_in_wal_mode(var_dir):
    result = run_python(
        """
        import django
        django.setup()
        from django.db import connection
        with connection.cursor() as cursor:
            journal_mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
            synchronous = cursor.execute("PRAGMA synchronous").fetchone()[0]
        print(connection.settings_dict["NAME"], journal_mode, synchronous)
        """,
        var_dir,
        DJANGO_SETTINGS_MODULE="config.settings",
    )

    assert result.returncode == 0, result.stderr
    name, journal_mode, synchronous = result.stdout.split()
    assert name == str(var_dir / "agora.sqlite3")
    assert journal_mode == "wal"
    assert synchronous == "1"  # NORMAL
    assert (var_dir / "agora.sqlite3").exists()


def test_search_path_and_media_root_can_be_moved(var_dir, tmp_path):
    s = load_settings(
        var_dir,
        "SEARCH_PATH",
        "HAYSTACK_CONNECTIONS",
        "MEDIA_ROOT",
        SEARCH_PATH=str(tmp_path / "index"),
        MEDIA_ROOT=str(tmp_path / "uploads"),
    )

    assert s["SEARCH_PATH"] == str(tmp_path / "index")
    assert s["HAYSTACK_CONNECTIONS"]["default"]["PATH"] == str(tmp_path / "index")
    assert s["MEDIA_ROOT"] == str(tmp_path / "uploads")


def test_search_uses_the_whoosh_index_unless_search_engine_says_postgres(var_dir):
    default = load_settings(var_dir, "HAYSTACK_CONNECTIONS")
    postgres = load_settings(
        var_dir, "HAYSTACK_CONNECTIONS", SEARCH_ENGINE="postgres", DATABASE_URL="postgres://agora@db.internal/agora"
    )

    assert default["HAYSTACK_CONNECTIONS"]["default"]["ENGINE"] == "search.backend.BilingualWhooshEngine"
    assert postgres["HAYSTACK_CONNECTIONS"]["default"]["ENGINE"] == "search.postgres.PostgresEngine"


def test_postgres_search_on_sqlite_is_refused_with_what_to_do(var_dir):
    said = settings_error(var_dir, SEARCH_ENGINE="postgres")

    assert "SEARCH_ENGINE=postgres searches with PostgreSQL's full-text search" in said
    assert "set DATABASE_URL to a PostgreSQL database" in said


def test_an_unknown_search_engine_is_refused_with_the_choices(var_dir):
    assert "SEARCH_ENGINE must be whoosh or postgres, not 'solr'" in settings_error(var_dir, SEARCH_ENGINE="solr")


def test_database_url_replaces_the_sqlite_default(var_dir):
    s = load_settings(var_dir, "DATABASES", DATABASE_URL="postgres://agora:pw@db.internal:5433/agora")

    database = s["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.internal", 5433, "agora")
    assert "init_command" not in database.get("OPTIONS", {}), "the SQLite pragmas are for SQLite only"


POSTGRES_URL = "postgres://agora:pw@db.internal:5433/agora"


def test_postgresql_connections_are_pooled_per_process_unless_the_pool_is_turned_off(var_dir):
    pooled = load_settings(var_dir, "DATABASES", DATABASE_URL=POSTGRES_URL)["DATABASES"]["default"]
    sized = load_settings(var_dir, "DATABASES", DATABASE_URL=POSTGRES_URL, DB_POOL_SIZE="4")["DATABASES"]["default"]
    kept = load_settings(var_dir, "DATABASES", DATABASE_URL=POSTGRES_URL, DB_POOL_SIZE="0", DB_CONN_MAX_AGE="60")

    assert pooled["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 10, "timeout": 10}
    assert pooled["CONN_MAX_AGE"] == 0, "Django refuses a pool with persistent connections"
    assert sized["OPTIONS"]["pool"]["max_size"] == 4
    assert "pool" not in kept["DATABASES"]["default"].get("OPTIONS", {})
    assert kept["DATABASES"]["default"]["CONN_MAX_AGE"] == 60


def test_a_pool_with_persistent_connections_is_refused_with_what_to_do(var_dir):
    said = settings_error(var_dir, DATABASE_URL=POSTGRES_URL, DB_CONN_MAX_AGE="60")

    assert "set DB_POOL_SIZE=0 to use it" in said


def test_a_negative_pool_size_is_refused(var_dir):
    assert "DB_POOL_SIZE must be 0 (no pool) or more" in settings_error(
        var_dir, DATABASE_URL=POSTGRES_URL, DB_POOL_SIZE="-1"
    )


def test_list_variables_are_split_on_commas(var_dir):
    s = load_settings(
        var_dir,
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        ALLOWED_HOSTS=" forum.example.com, .example.org ,",
        CSRF_TRUSTED_ORIGINS="https://forum.example.com",
    )

    assert s["ALLOWED_HOSTS"] == ["forum.example.com", ".example.org"]
    assert s["CSRF_TRUSTED_ORIGINS"] == ["https://forum.example.com"]


def test_rate_limits_can_be_turned_off(var_dir):
    s = load_settings(var_dir, "ACCOUNT_RATE_LIMITS_ENABLED", "ACCOUNT_RATE_LIMITS", RATE_LIMITS="off")

    assert s["ACCOUNT_RATE_LIMITS_ENABLED"] is False
    assert s["ACCOUNT_RATE_LIMITS"] is False


# Redis -------------------------------------------------------------------------------------


def test_redis_url_switches_the_cache_and_the_channel_layer_to_redis(var_dir):
    url = "redis://cache.internal:6379/2"

    s = load_settings(var_dir, "CACHES", "CHANNEL_LAYERS", REDIS_URL=url)

    cache = s["CACHES"]["default"]
    # Redis, with this process's memory while Redis does not answer (tests/web/test_cache.py).
    assert cache["BACKEND"] == "web.cache.FallbackRedisCache"
    assert cache["LOCATION"] == url
    assert cache["KEY_PREFIX"] == "agora"
    layer = s["CHANNEL_LAYERS"]["default"]
    # Pub/sub: one PUBLISH per group and pushed delivery (see the comment in settings.py).
    assert layer["BACKEND"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    [host] = layer["CONFIG"]["hosts"]
    assert host["address"] == url
    # redis-py's own timeout would cut an idle subscriber's connection: it must be off.
    assert "socket_timeout" in host
    assert host["socket_timeout"] is None
    # ...but connecting to an unreachable Redis gives up: a push never waits for TCP's timeout.
    assert host["socket_connect_timeout"] == 2
    # Pub/sub names span the server's databases: the database number keeps sites apart.
    assert layer["CONFIG"]["prefix"] == "agora-db2"


def test_the_channel_prefix_follows_the_database_number_unless_channel_prefix_is_set(var_dir):
    def prefix(**variables):
        return load_settings(var_dir, "CHANNEL_LAYERS", **variables)["CHANNEL_LAYERS"]["default"]["CONFIG"]["prefix"]

    assert prefix(REDIS_URL="redis://127.0.0.1:6379/13") == "agora-db13"
    assert prefix(REDIS_URL="redis://127.0.0.1:6379/14") == "agora-db14"
    assert prefix(REDIS_URL="redis://127.0.0.1:6379") == "agora-db0"
    assert prefix(REDIS_URL="redis://127.0.0.1:6379/13", CHANNEL_PREFIX="staging") == "staging"


def test_the_redis_cache_draws_on_one_bounded_pool_per_process(var_dir):
    s = load_settings(var_dir, "CACHES", REDIS_URL="redis://127.0.0.1:6379/13")

    options = s["CACHES"]["default"]["OPTIONS"]
    assert options["pool_class"] == "config.shared_redis.SharedConnectionPool"
    assert options["max_connections"] == 20


def test_with_redis_sessions_stay_in_the_database_and_cache_calls_give_up_quickly(var_dir):
    s = load_settings(var_dir, "CACHES", "SESSION_ENGINE", REDIS_URL="redis://127.0.0.1:6379/13")

    # A session never depends on the cache being up (web/cache.py, README "Scaling out").
    assert s["SESSION_ENGINE"] == "web.sessions"  # Django's database engine, its read prepared
    options = s["CACHES"]["default"]["OPTIONS"]
    assert options["socket_connect_timeout"] <= 1
    assert options["socket_timeout"] <= 1


def test_redis_prefixes_can_be_set_so_two_sites_share_one_redis(var_dir):
    s = load_settings(
        var_dir,
        "CACHES",
        "CHANNEL_LAYERS",
        REDIS_URL="redis://127.0.0.1:6379/0",
        CACHE_PREFIX="site2",
        CHANNEL_PREFIX="site2",
    )

    assert s["CACHES"]["default"]["KEY_PREFIX"] == "site2"
    assert s["CHANNEL_LAYERS"]["default"]["CONFIG"]["prefix"] == "site2"


def test_the_redis_channel_layer_config_is_accepted_by_channels_redis(var_dir):
    """The settings are not just well-formed JSON: channels_redis builds a layer from them."""
    result = run_python(
        """
        import asyncio
        import django
        django.setup()
        from channels.layers import get_channel_layer

        async def built():
            layer = get_channel_layer()
            # The pub/sub layer builds its per-loop layer, with the pool config, on first use.
            loop_layer = layer._get_layer()
            [shard] = loop_layer._shards
            print(type(layer).__name__, loop_layer.prefix, shard.host["socket_timeout"])

        asyncio.run(built())
        """,
        var_dir,
        DJANGO_SETTINGS_MODULE="config.settings",
        REDIS_URL="redis://127.0.0.1:6379/3",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["RedisPubSubChannelLayer", "agora-db3", "None"]


# Email -------------------------------------------------------------------------------------

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def test_email_url_console_prints_mail(tmp_path):
    assert email_settings("console://", tmp_path) == {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}


def test_an_empty_email_url_means_console(tmp_path):
    assert email_settings("", tmp_path)["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_email_url_memory_keeps_mail_in_memory(tmp_path):
    assert email_settings("memory://", tmp_path) == {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}


def test_email_url_file_writes_mail_to_the_given_folder(tmp_path):
    assert email_settings("file:///srv/agora/mail%20box", tmp_path) == {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": "/srv/agora/mail box",
    }


def test_email_url_file_without_a_path_writes_under_var(tmp_path):
    assert email_settings("file://", tmp_path)["EMAIL_FILE_PATH"] == str(tmp_path / "mail")


def test_email_url_smtp_is_plain_smtp_on_port_25(tmp_path):
    assert email_settings("smtp://mail.internal", tmp_path) == {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": "mail.internal",
        "EMAIL_PORT": 25,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 10,
    }


def test_email_url_smtp_tls_uses_starttls_on_port_587_with_decoded_credentials(tmp_path):
    settings = email_settings("smtp+tls://forum%40example.com:p%40ss%3Aword@smtp.example.com?timeout=30", tmp_path)

    assert settings["EMAIL_BACKEND"] == SMTP
    assert settings["EMAIL_HOST"] == "smtp.example.com"
    assert settings["EMAIL_PORT"] == 587
    assert settings["EMAIL_HOST_USER"] == "forum@example.com"
    assert settings["EMAIL_HOST_PASSWORD"] == "p@ss:word"
    assert settings["EMAIL_USE_TLS"] is True
    assert settings["EMAIL_USE_SSL"] is False
    assert settings["EMAIL_TIMEOUT"] == 30


def test_email_url_smtps_uses_implicit_tls_on_port_465(tmp_path):
    settings = email_settings("smtps://user:secret@smtp.example.com", tmp_path)

    assert settings["EMAIL_PORT"] == 465
    assert settings["EMAIL_USE_SSL"] is True
    assert settings["EMAIL_USE_TLS"] is False
    assert (settings["EMAIL_HOST_USER"], settings["EMAIL_HOST_PASSWORD"]) == ("user", "secret")


def test_email_url_keeps_an_explicit_port(tmp_path):
    assert email_settings("smtp+tls://smtp.example.com:2525", tmp_path)["EMAIL_PORT"] == 2525


def test_email_url_scheme_is_case_insensitive(tmp_path):
    assert email_settings("SMTPS://smtp.example.com", tmp_path)["EMAIL_USE_SSL"] is True


@pytest.mark.parametrize("url", ["http://mail.example.com", "sendmail://", "smtp-tls://smtp.example.com"])
def test_email_url_with_an_unknown_scheme_is_refused(tmp_path, url):
    with pytest.raises(SettingError, match="EMAIL_URL scheme"):
        email_settings(url, tmp_path)


def test_email_url_with_a_timeout_that_is_not_a_number_is_refused_clearly(tmp_path):
    with pytest.raises(SettingError, match="EMAIL_URL timeout must be a whole number"):
        email_settings("smtp://smtp.example.com?timeout=soon", tmp_path)


def test_email_url_reaches_the_settings(var_dir):
    s = load_settings(
        var_dir,
        "EMAIL_BACKEND",
        "EMAIL_HOST",
        "EMAIL_PORT",
        "EMAIL_USE_TLS",
        "DEFAULT_FROM_EMAIL",
        "SERVER_EMAIL",
        EMAIL_URL="smtp+tls://u:p@smtp.example.com",
        DEFAULT_FROM_EMAIL="Acme Forum <forum@example.com>",
    )

    assert s["EMAIL_BACKEND"] == SMTP
    assert (s["EMAIL_HOST"], s["EMAIL_PORT"], s["EMAIL_USE_TLS"]) == ("smtp.example.com", 587, True)
    assert s["DEFAULT_FROM_EMAIL"] == s["SERVER_EMAIL"] == "Acme Forum <forum@example.com>"


def test_a_bad_email_url_stops_the_settings_with_its_name(var_dir):
    assert "EMAIL_URL scheme 'pigeon'" in settings_error(var_dir, EMAIL_URL="pigeon://coop")


# The site's address -------------------------------------------------------------------------


def test_site_url_defaults_to_the_demos_address_on_the_port_it_serves_on(var_dir):
    assert load_settings(var_dir, "SITE_URL") == {"SITE_URL": "http://127.0.0.1:8000"}
    assert load_settings(var_dir, "SITE_URL", PORT="8080") == {"SITE_URL": "http://127.0.0.1:8080"}


def test_site_url_when_set_wins_over_the_port_without_its_trailing_slash(var_dir):
    s = load_settings(var_dir, "SITE_URL", SITE_URL="https://forum.example.com/", PORT="8080")

    assert s["SITE_URL"] == "https://forum.example.com"


@pytest.mark.parametrize("url", ["forum.example.com", "ftp://forum.example.com", "https://", "https://x.example/?a=1"])
def test_a_site_url_that_is_not_an_http_address_stops_the_settings(var_dir, url):
    assert "SITE_URL must be an http:// or https:// address" in settings_error(var_dir, SITE_URL=url)


def test_a_port_that_is_not_a_number_stops_the_settings(var_dir):
    assert "PORT must be a whole number" in settings_error(var_dir, PORT="eighty")


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize(("given", "port"), [({}, "8000"), ({"PORT": "8123"}, "8123")])
def test_make_passes_port_to_the_processes_it_starts(var_dir, given, port):
    """`PORT=8123 make demo`: daphne serves on 8123, and every process it starts (the server, the
    email loop) builds its links on http://127.0.0.1:8123."""
    print_port = "print-port:\n\t@echo $$PORT"  # a target of our own, beside the Makefile's
    result = run(["make", "--no-print-directory", "--eval", print_port, "print-port"], var_dir, **given)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == port
    assert load_settings(var_dir, "SITE_URL", PORT=port) == {"SITE_URL": f"http://127.0.0.1:{port}"}


# Booleans, numbers and lists ---------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("True", True), (" yes ", True), ("on", True)])
def test_env_bool_reads_true_words(monkeypatch, raw, expected):
    monkeypatch.setenv("AGORA_TEST_FLAG", raw)

    assert env_bool("AGORA_TEST_FLAG") is expected


@pytest.mark.parametrize("raw", ["0", "false", "NO", "off", ""])
def test_env_bool_reads_false_words(monkeypatch, raw):
    monkeypatch.setenv("AGORA_TEST_FLAG", raw)

    assert env_bool("AGORA_TEST_FLAG", default=True) is False


def test_env_bool_falls_back_to_the_default_when_unset(monkeypatch):
    monkeypatch.delenv("AGORA_TEST_FLAG", raising=False)

    assert env_bool("AGORA_TEST_FLAG", default=True) is True


@pytest.mark.parametrize("raw", ["maybe", "2", "enabled"])
def test_env_bool_refuses_anything_else(monkeypatch, raw):
    monkeypatch.setenv("AGORA_TEST_FLAG", raw)

    with pytest.raises(SettingError, match="AGORA_TEST_FLAG must be true or false"):
        env_bool("AGORA_TEST_FLAG")


def test_a_bad_boolean_stops_the_settings_with_the_variable_named(var_dir):
    assert "DEBUG must be true or false, not 'maybe'" in settings_error(var_dir, DEBUG="maybe")


def test_env_int_reads_numbers_and_refuses_words(monkeypatch):
    monkeypatch.setenv("AGORA_TEST_NUMBER", " 42 ")
    assert env_int("AGORA_TEST_NUMBER", 0) == 42

    monkeypatch.setenv("AGORA_TEST_NUMBER", "")
    assert env_int("AGORA_TEST_NUMBER", 7) == 7

    monkeypatch.setenv("AGORA_TEST_NUMBER", "a year")
    with pytest.raises(SettingError, match="AGORA_TEST_NUMBER must be a whole number"):
        env_int("AGORA_TEST_NUMBER", 0)


def test_env_ints_reads_a_fixed_number_of_positive_numbers(monkeypatch):
    monkeypatch.delenv("AGORA_TEST_NUMBERS", raising=False)
    assert env_ints("AGORA_TEST_NUMBERS", (1, 2, 3)) == (1, 2, 3)
    monkeypatch.setenv("AGORA_TEST_NUMBERS", "10, 20,30")
    assert env_ints("AGORA_TEST_NUMBERS", (1, 2, 3)) == (10, 20, 30)

    for raw in ["10,20", "10,20,30,40", "10,x,30", "10,0,30", "-1,2,3"]:
        monkeypatch.setenv("AGORA_TEST_NUMBERS", raw)
        with pytest.raises(SettingError, match="AGORA_TEST_NUMBERS must be 3"):
            env_ints("AGORA_TEST_NUMBERS", (1, 2, 3))


def test_the_asgi_server_freezes_what_it_loaded_and_collects_less_often(var_dir):
    result = run_python(
        """
        import gc
        import config.asgi
        print(gc.get_threshold(), gc.get_freeze_count() > 10_000)
        """,
        var_dir,
        DJANGO_SETTINGS_MODULE="config.settings",
        GC_THRESHOLD="30000,15,50",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(30000, 15, 50) True"


def test_http_concurrency_defaults_to_four_and_refuses_a_negative_limit(var_dir):
    assert load_settings(var_dir, "HTTP_CONCURRENCY")["HTTP_CONCURRENCY"] == 4
    assert load_settings(var_dir, "HTTP_CONCURRENCY", HTTP_CONCURRENCY="0")["HTTP_CONCURRENCY"] == 0
    assert "HTTP_CONCURRENCY must be 0 (no limit) or more" in settings_error(var_dir, HTTP_CONCURRENCY="-2")


def test_the_default_collector_thresholds_and_a_bad_one(var_dir):
    assert load_settings(var_dir, "GC_THRESHOLD")["GC_THRESHOLD"] == [50_000, 20, 100]
    assert "GC_THRESHOLD must be 3 whole numbers" in settings_error(var_dir, GC_THRESHOLD="many")


def test_env_list_and_env_str(monkeypatch):
    monkeypatch.delenv("AGORA_TEST_LIST", raising=False)
    assert env_list("AGORA_TEST_LIST", ["a"]) == ["a"]
    monkeypatch.setenv("AGORA_TEST_LIST", "")
    assert env_list("AGORA_TEST_LIST", ["a"]) == [], "set but empty means an empty list, not the default"
    monkeypatch.setenv("AGORA_TEST_LIST", "  padded  ")
    assert env_str("AGORA_TEST_LIST") == "padded"


def test_a_bad_number_stops_the_settings(var_dir):
    assert "HSTS_SECONDS must be a whole number" in settings_error(
        var_dir,
        ENVIRONMENT="production",
        SECRET_KEY=production_secret_key(),
        ALLOWED_HOSTS="forum.example.com",
        HSTS_SECONDS="forever",
    )


# Environment and secret key ----------------------------------------------------------------


def test_production_without_a_secret_key_fails_with_a_clear_error(var_dir):
    error = settings_error(var_dir, ENVIRONMENT="production")

    assert "SECRET_KEY is required when ENVIRONMENT=production" in error
    assert not (var_dir / "secret_key").exists(), "production never falls back to a generated key"


def test_an_unknown_environment_is_refused(var_dir):
    assert "ENVIRONMENT must be demo or production" in settings_error(var_dir, ENVIRONMENT="staging")


def test_environment_is_case_insensitive(var_dir):
    s = load_settings(
        var_dir,
        "PRODUCTION",
        ENVIRONMENT="Production",
        SECRET_KEY=production_secret_key(),
        ALLOWED_HOSTS="forum.example.com",
    )

    assert s["PRODUCTION"] is True


def test_production_turns_on_the_secure_defaults(var_dir):
    key = production_secret_key()

    s = load_settings(
        var_dir,
        "SECRET_KEY",
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "SECURE_PROXY_SSL_HEADER",
        "STORAGES",
        "WHITENOISE_USE_FINDERS",
        ENVIRONMENT="production",
        SECRET_KEY=key,
        ALLOWED_HOSTS="forum.example.com",
    )

    assert s["SECRET_KEY"] == key
    assert s["DEBUG"] is False
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SESSION_COOKIE_SECURE"] is True
    assert s["CSRF_COOKIE_SECURE"] is True
    assert s["SECURE_HSTS_SECONDS"] == 31536000
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert s["STORAGES"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert s["WHITENOISE_USE_FINDERS"] is False


COOKIE_SETTINGS = ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "LANGUAGE_COOKIE_SECURE")


def test_production_makes_every_cookie_secure_and_the_demo_over_http_does_not(var_dir, tmp_path):
    production = load_settings(
        var_dir,
        *COOKIE_SETTINGS,
        "LANGUAGE_COOKIE_HTTPONLY",
        "LANGUAGE_COOKIE_SAMESITE",
        ENVIRONMENT="production",
        SECRET_KEY=production_secret_key(),
        ALLOWED_HOSTS="forum.example.com",
    )
    demo = run_python(
        f"""
        import django
        from django.conf import settings
        django.setup()
        print([getattr(settings, name) for name in {COOKIE_SETTINGS!r}])
        """,
        tmp_path / "demo",
        DJANGO_SETTINGS_MODULE="config.settings",
    )

    assert [production[name] for name in COOKIE_SETTINGS] == [True, True, True]
    assert (production["LANGUAGE_COOKIE_HTTPONLY"], production["LANGUAGE_COOKIE_SAMESITE"]) == (True, "Lax")
    assert demo.stdout.strip() == "[False, False, False]", demo.stderr or "the demo serves plain http"


def test_the_content_security_policy_allows_no_inline_script_in_either_environment(var_dir, tmp_path):
    for s in (
        load_settings(tmp_path / "demo", "CONTENT_SECURITY_POLICY", "MIDDLEWARE"),
        load_settings(
            var_dir,
            "CONTENT_SECURITY_POLICY",
            "MIDDLEWARE",
            ENVIRONMENT="production",
            SECRET_KEY=production_secret_key(),
            ALLOWED_HOSTS="forum.example.com",
        ),
    ):
        directives = s["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
        assert directives["script-src"] == ["'self'"]
        assert directives["object-src"] == directives["frame-ancestors"] == ["'none'"]
        assert "web.headers.SecurityHeadersMiddleware" in s["MIDDLEWARE"]


def test_the_demo_secret_key_is_generated_once_and_reused(var_dir):
    first = load_settings(var_dir, "SECRET_KEY")["SECRET_KEY"]
    second = load_settings(var_dir, "SECRET_KEY")["SECRET_KEY"]

    assert first == second
    assert len(first) >= 50
    assert (var_dir / "secret_key").read_text().strip() == first


def test_the_demo_secret_key_file_is_readable_by_its_owner_only(var_dir):
    load_settings(var_dir, "SECRET_KEY")

    mode = stat.S_IMODE((var_dir / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_each_demo_install_gets_its_own_secret_key(tmp_path):
    one = load_settings(tmp_path / "one", "SECRET_KEY")["SECRET_KEY"]
    two = load_settings(tmp_path / "two", "SECRET_KEY")["SECRET_KEY"]

    assert one != two


def test_a_secret_key_from_the_environment_wins_and_writes_no_file(var_dir):
    s = load_settings(var_dir, "SECRET_KEY", SECRET_KEY="from-the-environment")

    assert s["SECRET_KEY"] == "from-the-environment"
    assert not (var_dir / "secret_key").exists()


# Deployment checklist ----------------------------------------------------------------------


def check_deploy(var_dir, **variables) -> subprocess.CompletedProcess:
    """`manage.py check --deploy`, failing on warnings too, with the production variables the
    README documents and these."""
    documented = {
        "ENVIRONMENT": "production",
        "SECRET_KEY": production_secret_key(),
        "ALLOWED_HOSTS": "forum.example.com",
        "SITE_URL": "https://forum.example.com",
    }
    command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    return run(command, var_dir, timeout=120, **{**documented, **variables})


def test_manage_py_check_deploy_passes_with_the_documented_production_variables(var_dir):
    result = check_deploy(var_dir)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr
    assert "?:" not in result.stdout + result.stderr


def test_manage_py_check_deploy_flags_debug_in_production(var_dir):
    result = check_deploy(var_dir, DEBUG="true")

    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr


def test_manage_py_check_deploy_flags_a_site_url_left_at_the_demos_address(var_dir):
    result = check_deploy(var_dir, SITE_URL="")

    assert result.returncode != 0
    assert "web.W100" in result.stdout + result.stderr
    assert "SITE_URL is http://127.0.0.1:8000" in result.stdout + result.stderr


def test_demo_processes_starting_together_agree_on_one_secret_key(tmp_path):
    """The web server, a worker and a management command may all start on a fresh install at once.

    demo_secret_key is called directly, from threads released together: the race is too
    narrow to hit reliably with whole interpreters.
    """
    for attempt in range(20):
        var_dir = tmp_path / f"var{attempt}"
        start = threading.Barrier(8)
        keys, errors = [], []

        def start_up(var_dir=var_dir, start=start, keys=keys, errors=errors):
            start.wait()
            try:
                keys.append(demo_secret_key(var_dir))
            except Exception as error:  # whatever a starting process would crash with
                errors.append(error)

        threads = [threading.Thread(target=start_up) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert errors == []
        assert len(set(keys)) == 1
        assert len(keys[0]) >= 50
        assert (var_dir / "secret_key").read_text() == keys[0]
        assert [path.name for path in var_dir.iterdir()] == ["secret_key"], "no draft left behind"


def test_production_without_allowed_hosts_fails_with_a_clear_error(var_dir):
    error = settings_error(var_dir, ENVIRONMENT="production", SECRET_KEY=production_secret_key())

    assert "ALLOWED_HOSTS is required when ENVIRONMENT=production" in error


def test_an_unknown_email_verification_mode_stops_the_settings(var_dir):
    assert "EMAIL_VERIFICATION must be mandatory, optional or none" in settings_error(
        var_dir, EMAIL_VERIFICATION="sometimes"
    )
