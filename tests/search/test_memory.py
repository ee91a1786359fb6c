"""The index is read from its files, never copied into the process (search/backend.py, _storage)."""

from array import array

import pytest
from haystack import connections
from whoosh.filedb.structfile import BufferFile

pytestmark = pytest.mark.whoosh_only  # Whoosh's files and searcher


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


def test_field_lengths_are_read_from_memory_and_score_as_from_the_files(make_thread, discussion, member, index_now):
    for title, body in [
        ("Kettle descaling", "Vinegar, then rinse twice."),
        ("Kettle lid stuck", "The kettle lid will not open after descaling with vinegar and citric acid."),
        ("Lampe qui clignote", "Ma lampe clignote deux fois puis s'arrête."),
    ]:
        make_thread(category=discussion, author=member, title=title, body=body)
    index_now()
    backend = connections["default"].get_backend()
    searcher = backend.searcher()
    # The shared searcher answers BM25's length lookups from arrays ...
    [leaf] = [leaf for leaf, _offset in searcher.reader().leaf_readers()]
    assert leaf._perdoc._readers and all(isinstance(r, array) for r in leaf._perdoc._readers.values())

    # ... and scores exactly as a searcher reading the lengths from the files.
    plain = backend.index.refresh().searcher()
    query = backend.parser.parse("kettle vinegar")
    shared_hits = [(hit.docnum, hit.score) for hit in searcher.search(query)]
    plain_hits = [(hit.docnum, hit.score) for hit in plain.search(query)]
    assert len(shared_hits) == 2
    assert shared_hits == plain_hits
    plain.close()
