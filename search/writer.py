"""Whoosh index writes, here or in a helper process beside a server.

Whoosh is pure Python. A server's inline update (search/queue.py) writes a second's replies
at once: tens of posts, and now and then the merge of small segments that the write brings,
50 to 250 ms of the interpreter lock. Written in the server's own process, that lock is taken
from its request threads: under sixteen members replying at once, the replies in progress
during each write waited for it, a third of them, and the 95th percentile of a reply's time
grew by half. So a server reads the posts and prepares their documents (database work, which
its tests and its transactions see) and hands the documents to a helper process of its own,
which writes them on another core: `write_aside`. The helper is started on first need, is
replaced if it ends, and ends when its server does (it reads the end of its pipe). It imports
Whoosh and the schema's analyzers only (search/analysis.py), never Django.

Nothing is lost if the helper fails: write_aside raises, as an in-process write would, and the
caller's queue keeps the tasks for the next write.
"""

import os
import signal
import subprocess
import sys
import threading
import traceback
from multiprocessing.connection import Connection
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError

# Within this, an answer from the helper: a write with a merge of the small segments takes a
# few seconds at most on a large index. Past it, the helper is taken as stuck and replaced.
ANSWER_SECONDS = 120


class HelperFailed(RuntimeError):
    """The helper could not write: it ended, stopped answering, or its write failed."""


def storage(path: str) -> FileStorage:
    """The index folder, read through ordinary file handles.

    Whoosh 2.7 maps each segment file into memory, then copies every part of it
    that a reader opens into a private BytesIO (whoosh.filedb.structfile.BufferFile):
    each open reader holds a copy of the whole index, about 110 MB for 100,000
    posts, on top of the mapped pages, and every index write opens one more reader
    to find the documents it replaces. Read with seek and read instead, the pages
    stay in the operating system's cache, shared and reclaimable.
    """
    return FileStorage(path, supports_mmap=False)


def write(index, documents: list[dict], removed: list[str], *, key: str, wait: float = 0) -> None:
    """Replace documents (by their field `key`, which names each) and remove others, in one
    commit of `index`.

    Raises whoosh.index.LockError if another writer holds the index for longer than `wait`.
    """
    writer = index.writer(timeout=wait, limitmb=32)
    try:
        # Old versions go first, found with one searcher: update_document would open a reader
        # over every segment for each document, most of a write's cost on a large index.
        with writer.searcher() as searcher:
            for identifier in [*removed, *(document[key] for document in documents)]:
                writer.delete_by_term(key, identifier, searcher=searcher)
        for document in documents:
            writer.add_document(**document)
    except Exception:
        writer.cancel()
        raise
    writer.commit()


class _Helper:
    """This process's helper and the two ends of its pipes; one write at a time."""

    lock = threading.Lock()
    process: subprocess.Popen | None = None
    requests: Connection | None = None
    answers: Connection | None = None


def write_aside(path: str, indexname: str, documents: list[dict], removed: list[str], *, key: str, wait: float = 0):
    """write() in the helper process, on the index at `path`; the documents as Whoosh takes them.

    Raises LockError as write() does, and HelperFailed when the helper could not write.
    """
    with _Helper.lock:
        _start_if_needed()
        try:
            _Helper.requests.send((path, indexname, documents, removed, key, wait))
            if not _Helper.answers.poll(ANSWER_SECONDS + wait):
                raise HelperFailed(f"no answer from the index writer in {ANSWER_SECONDS + wait:.0f} s")
            outcome, detail = _Helper.answers.recv()
        except (OSError, EOFError, HelperFailed) as error:
            _stop()  # the next write starts another
            raise HelperFailed(f"the index writer broke off: {error!r}") from error
    if outcome == "locked":
        raise LockError(detail)
    if outcome != "written":
        raise HelperFailed(detail)


def _start_if_needed():
    if _Helper.process is not None and _Helper.process.poll() is None:
        return
    _stop()
    request_read, request_write = os.pipe()
    answer_read, answer_write = os.pipe()
    try:
        _Helper.process = subprocess.Popen(  # noqa: S603 (this interpreter, this module, two descriptors)
            [sys.executable, "-m", "search.writer", str(request_read), str(answer_write)],
            pass_fds=(request_read, answer_write),
            cwd=Path(__file__).resolve().parent.parent,
        )
    except BaseException:
        os.close(request_write)
        os.close(answer_read)
        raise
    finally:
        os.close(request_read)  # the helper has its own copies of its ends
        os.close(answer_write)
    _Helper.requests = Connection(request_write, readable=False)
    _Helper.answers = Connection(answer_read, writable=False)


def _stop():
    """Close the pipes (a helper that reads their end leaves) and make sure it is gone."""
    for end in (_Helper.requests, _Helper.answers):
        if end is not None:
            end.close()
    _Helper.requests = _Helper.answers = None
    process, _Helper.process = _Helper.process, None
    if process is not None and process.poll() is None:
        process.kill()
        process.wait()


def serve(requests: Connection, answers: Connection) -> None:
    """The helper's loop: one write per request, until the server closes its end."""
    while True:
        try:
            path, indexname, documents, removed, key, wait = requests.recv()
        except EOFError:
            return
        try:
            write(storage(path).open_index(indexname), documents, removed, key=key, wait=wait)
        except LockError as error:
            answer = ("locked", str(error))
        except Exception:
            answer = ("failed", traceback.format_exc())
        else:
            answer = ("written", "")
        try:
            answers.send(answer)
        except BrokenPipeError:
            return  # the server ended while this write was made


if __name__ == "__main__":
    # A Ctrl-C in a terminal reaches the whole group: the helper finishes its write and leaves
    # when its server closes the pipe.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    serve(Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False))
