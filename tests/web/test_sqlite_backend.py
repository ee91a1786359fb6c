"""The SQLite backend (web/sqlite): writers take turns on a lock of the process, connections are kept.

Each test opens its own database file through the backend, one connection per thread as
Django does, and writes in transactions as transaction.atomic() does. What matters from the
outside: writers that overlap all succeed, none meets "database is locked", and no way out of
a transaction (commit, rollback, a failed BEGIN, closing) leaves the lock taken, which would
stop every later writer of the process. A connection closed clean serves the next request;
one closed in a transaction or after an error never does.
"""

import os
import sqlite3
import threading
import time

import pytest
from django.db import OperationalError
from django.db.utils import ConnectionHandler

from web.sqlite import base

WRITERS, TRANSACTIONS = 8, 15


@pytest.fixture(autouse=True)
def _own_databases(django_db_blocker):
    """These tests open databases of their own, never the test database."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def database(tmp_path):
    """A handler for a file database through the backend: handler["default"] is this thread's connection."""
    path = tmp_path / "writers.sqlite3"
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "web.sqlite",
                "NAME": str(path),
                "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20},
            }
        }
    )
    with handler["default"].cursor() as cursor:
        cursor.execute("CREATE TABLE tally (writer INTEGER, n INTEGER)")
    yield handler
    handler.close_all()
    for key in [key for key in base._Idle.connections if str(path) in key]:
        for connection in base._Idle.connections.pop(key):
            connection.close()


def in_transaction(connection, *statements):
    """What transaction.atomic() asks of the connection: BEGIN, the writes, COMMIT (or ROLLBACK)."""
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    try:
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    finally:
        connection.set_autocommit(True)


def test_overlapping_writers_of_one_process_all_commit(database):
    start, errors = threading.Barrier(WRITERS), []

    def write(writer):
        connection = database["default"]
        try:
            start.wait(timeout=30)
            for n in range(TRANSACTIONS):
                in_transaction(
                    connection,
                    ("SELECT COUNT(*) FROM tally", ()),
                    ("INSERT INTO tally VALUES (%s, %s)", (writer, n)),
                )
        except BaseException as error:  # reported to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(writer,)) for writer in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    with database["default"].cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM tally")
        assert cursor.fetchone() == (WRITERS * TRANSACTIONS,)
    assert not base._writer.locked()


def test_a_transaction_holds_the_lock_until_it_commits(database):
    connection = database["default"]
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    assert base._writer.locked()

    connection.commit()
    connection.set_autocommit(True)

    assert not base._writer.locked()


def test_a_failed_transaction_gives_the_lock_back(database):
    with pytest.raises(OperationalError):
        in_transaction(database["default"], ("INSERT INTO no_such_table VALUES (%s)", (1,)))

    assert not base._writer.locked()
    in_transaction(database["default"], ("INSERT INTO tally VALUES (%s, %s)", (1, 1)))  # the next writer goes on


def test_closing_a_connection_inside_a_transaction_gives_the_lock_back(database):
    connection = database["default"]
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)

    connection.close()

    assert not base._writer.locked()


def test_a_begin_that_fails_gives_the_lock_back(database, monkeypatch):
    def refuse(self):
        raise OperationalError("database is locked")

    monkeypatch.setattr(base.base.DatabaseWrapper, "_start_transaction_under_autocommit", refuse)

    with pytest.raises(OperationalError):
        database["default"].set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)

    assert not base._writer.locked()


def test_a_process_checkpoints_every_few_transactions_with_the_lock_given_back(database, monkeypatch):
    """The log's pages reach the database file every CHECKPOINT_EVERY transactions, copied by the
    writer of the last one once it has given the lock back, not by SQLite inside a commit."""
    path = database["default"].settings_dict["NAME"]
    connection = database["default"]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE pages (data BLOB)")
    connection.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    base._Checkpoints.commits.clear()
    lock_held, checkpoint = [], base.DatabaseWrapper._checkpoint

    def watched(self):
        lock_held.append(base._writer.locked())
        checkpoint(self)

    monkeypatch.setattr(base.DatabaseWrapper, "_checkpoint", watched)
    size = os.path.getsize(path)

    for _ in range(base.CHECKPOINT_EVERY - 1):
        in_transaction(connection, ("INSERT INTO pages VALUES (%s)", (bytes(8192),)))
    assert os.path.getsize(path) == size, "the pages are in the log only"
    in_transaction(connection, ("INSERT INTO pages VALUES (%s)", (bytes(8192),)))

    assert lock_held == [False]
    assert os.path.getsize(path) > size + (base.CHECKPOINT_EVERY - 1) * 8192
    assert connection.connection.execute("PRAGMA wal_autocheckpoint").fetchone() == (base.WAL_PAGES_KEPT,)


def test_an_in_memory_database_takes_no_lock():
    """The tests' own database: a test's transaction lasts the whole test."""
    handler = ConnectionHandler({"default": {"ENGINE": "web.sqlite", "NAME": ":memory:"}})
    connection = handler["default"]
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)

    assert not base._writer.locked()

    connection.rollback()
    handler.close_all()


def test_a_bulk_insert_takes_as_many_rows_a_statement_as_sqlite_allows():
    """Django's default assumes 999 parameters; the library says how many it takes."""
    with sqlite3.connect(":memory:") as probe:
        limit = probe.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)

    assert base.DatabaseFeatures.max_query_params == limit > 999


# Connections kept for the next request ----------------------------------------------------


def raw(handler):
    """The SQLite connection under this thread's Django connection, opening it if needed."""
    connection = handler["default"]
    connection.ensure_connection()
    return connection.connection


def test_a_connection_closed_clean_serves_the_next_request(database):
    first = raw(database)
    database["default"].close()

    assert raw(database) is first


def test_a_connection_closed_inside_a_transaction_is_rolled_back_and_not_kept(database):
    connection = database["default"]
    first = raw(database)
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO tally VALUES (%s, %s)", (1, 1))

    connection.close()
    connection.set_autocommit(True)
    connection.close()  # as Django does at the end of the request

    assert raw(database) is not first
    with database["default"].cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM tally")
        assert cursor.fetchone() == (0,)


def test_a_connection_that_met_an_error_is_not_kept(database):
    connection = database["default"]
    first = raw(database)
    with pytest.raises(OperationalError), connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table")

    connection.close()

    assert raw(database) is not first


def test_only_a_few_idle_connections_are_kept(database):
    opened, start = [], threading.Barrier(base.IDLE_CONNECTIONS + 3)

    def use():
        opened.append(raw(database))
        start.wait(timeout=30)  # all open at once
        database["default"].close()

    threads = [threading.Thread(target=use) for _ in range(base.IDLE_CONNECTIONS + 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    kept = [c for cs in base._Idle.connections.values() for c in cs if any(c is o for o in opened)]
    assert len(kept) == base.IDLE_CONNECTIONS


def test_an_in_memory_database_is_never_kept():
    handler = ConnectionHandler({"default": {"ENGINE": "web.sqlite", "NAME": ":memory:"}})
    first = raw(handler)
    handler["default"].close()  # Django keeps an in-memory connection open: closing would lose the data
    handler["default"]._close()

    assert not any(first is c for cs in base._Idle.connections.values() for c in cs)


def test_waiting_writers_get_the_lock_in_the_order_they_came():
    lock, order = base._FairLock(), []
    assert lock.acquire()

    def write(n):
        assert lock.acquire(timeout=10)
        order.append(n)
        lock.release()

    threads = []
    for n in range(6):
        threads.append(threading.Thread(target=write, args=(n,)))
        threads[-1].start()
        while len(lock._waiters) < n + 1:  # queued before the next one comes
            time.sleep(0.001)
    lock.release()
    for thread in threads:
        thread.join(timeout=10)

    assert order == list(range(6))
    assert not lock.locked()


def test_a_writer_that_waits_too_long_gives_up_and_leaves_the_queue():
    lock = base._FairLock()
    lock.acquire()

    assert lock.acquire(timeout=0.01) is False
    assert not lock._waiters
    lock.release()
    assert not lock.locked()
    assert lock.acquire(timeout=0.01)
