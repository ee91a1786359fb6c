"""The index is read from its files, never copied into the process (search/backend.py, _storage)."""

from haystack import connections
from whoosh.filedb.structfile import BufferFile


def _segment_files(reader):
    """One opened file of each segment the reader reads, as its segment storage opens it."""
    opened = []
    for leaf, _offset in reader.leaf_readers():
        files = leaf._storage.a  # an OverlayStorage: the segment's compound file comes first
        opened.append(files.open_file(files.list()[0]))
    return opened


def test_searches_and_writes_read_the_index_files_rather_than_copies(make_thread, discussion, member, index_now):
    # A BufferFile holds a private copy of a mapped part of the index: the whole index per
    # reader, which took the server from 380 MB to 570 MB while replies were written.
    make_thread(category=discussion, author=member, title="Kettle descaling", body="Vinegar, then rinse twice.")
    index_now()
    backend = connections["default"].get_backend()

    for reader in (backend.searcher().reader(), backend.index.refresh().reader()):
        opened = _segment_files(reader)
        assert opened
        assert not any(isinstance(f, BufferFile) for f in opened)
