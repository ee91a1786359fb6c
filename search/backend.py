"""A small subclass of haystack's Whoosh backend for a bilingual forum.

What it changes, and why (see PERFORMANCE.md):
- text fields use the French + English analyzer (search/analysis.py), are not
  stored (snippets come from the database) and OR the variants of a word;
- one searcher is kept per process and reused until the index changes,
  instead of opening one per query;
- incremental writes take the lock without waiting (the queue keeps what
  could not be written), and rebuilds write a fresh index with plain
  additions in one writer, then swap it in.
"""

import os
import shutil
import threading

from django.utils.encoding import force_str
from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend, WhooshSearchQuery
from haystack.constants import ID
from whoosh.fields import TEXT
from whoosh.filedb.filestore import FileStorage
from whoosh.qparser import PhrasePlugin, QueryParser

from search.analysis import BilingualAnalyzer
from search.phrases import VariantPhrasePlugin

# A rebuild commits a segment every REBUILD_SEGMENT_DOCS documents, each sorted in
# memory (Whoosh pickles every posting to disk once its pool outgrows the limit,
# which is what made rebuilds crawl), and leaves a few segments rather than
# rewriting everything into one.
WRITER_MEMORY_MB = 384
REBUILD_SEGMENT_DOCS = 20_000


class BilingualWhooshBackend(WhooshSearchBackend):
    def __init__(self, connection_alias, **options):
        super().__init__(connection_alias, **options)
        self._searcher = None
        self._searcher_key = None
        self._lock = threading.Lock()

    def build_schema(self, fields):
        content_field_name, schema = super().build_schema(fields)
        for name in list(schema.names()):
            if isinstance(schema[name], TEXT):
                field = TEXT(analyzer=BilingualAnalyzer(), stored=False, field_boost=schema[name].format.field_boost)
                field.multitoken_query = "or"
                schema.remove(name)
                schema.add(name, field)
        return content_field_name, schema

    def setup(self):
        super().setup()
        # The parser must see the schema with the bilingual fields, and read
        # "phrases" as sequences of alternatives (search/phrases.py).
        self.parser = QueryParser(self.content_field_name, schema=self.schema)
        self.parser.remove_plugin_class(PhrasePlugin)
        self.parser.add_plugin(VariantPhrasePlugin())

    # Reading ------------------------------------------------------------------

    def _index_key(self):
        """Changes whenever the index is written or rebuilt: the latest table of contents, which names the segments.

        Neither the folder's inode nor the generation is enough: a rebuilt folder may get
        the inode of one swapped out earlier, and starts again at generation 1.
        """
        if not self.setup_complete:
            self.setup()
        generation = self.index.latest_generation()
        try:
            with open(os.path.join(self.path, f"_{self.index.indexname}_{generation}.toc"), "rb") as toc:
                return generation, toc.read()
        except FileNotFoundError:  # replaced by a commit or a rebuild just now: open afresh
            return object()

    def searcher(self):
        """A searcher shared by this process's queries until the index changes."""
        key = self._index_key()
        with self._lock:
            if self._searcher is None or key != self._searcher_key:
                old = self._searcher
                self.storage = FileStorage(self.path)
                self.index = self.storage.open_index(schema=self.schema)
                self._searcher, self._searcher_key = self.index.searcher(), key
                if old is not None:
                    old.close()
            return self._searcher

    def _docs(self, searcher, query_string: str) -> frozenset:
        """Document numbers matching a narrowing query, cached for as long as the searcher lives."""
        cache = searcher.__dict__.setdefault("_agora_narrow", {})
        if query_string not in cache:
            cache[query_string] = frozenset(searcher.docs_for_query(self.parser.parse(query_string)))
        return cache[query_string]

    def search(
        self,
        query_string,
        sort_by=None,
        start_offset=0,
        end_offset=None,
        result_class=None,
        narrow_queries=None,
        **kwargs,
    ):
        """Search with a reused searcher. Narrowing queries ("field:value", or "NOT field:value"
        to leave documents out) become cached document sets, not terms of the query: a term
        that matches nearly every document is the slowest thing a Whoosh query can hold."""
        if not query_string or (len(query_string) <= 1 and query_string != "*"):
            return {"results": [], "hits": 0}
        searcher = self.searcher()
        if not searcher.doc_count():
            return {"results": [], "hits": 0}
        parsed = self.parser.parse(force_str(query_string))
        if parsed is None:
            return {"results": [], "hits": 0}
        reverse = bool(sort_by) and sort_by[0].startswith("-")
        sort_fields = [field.lstrip("-") for field in sort_by] if sort_by else None
        page_num, page_length = self.calculate_page(start_offset, end_offset)
        try:
            raw_page = searcher.search_page(
                parsed, page_num, pagelen=page_length, sortedby=sort_fields, reverse=reverse
            )
        except ValueError:
            return {"results": [], "hits": 0}
        if raw_page.pagenum < page_num:
            return {"results": [], "hits": 0}
        return self._process_results(raw_page, query_string=query_string, result_class=result_class)

    # Writing ------------------------------------------------------------------

    def write(self, documents: list[dict], removed: list[str], *, wait: float = 0) -> None:
        """Replace documents (by their haystack id) and remove others, in one commit.

        Raises whoosh.index.LockError if another writer holds the index for longer than `wait`.
        """
        if not self.setup_complete:
            self.setup()
        self.index = self.index.refresh()
        writer = self.index.writer(timeout=wait, limitmb=32)
        try:
            for identifier in removed:
                writer.delete_by_term(ID, identifier)
            for document in documents:
                writer.update_document(**{key: self._from_python(value) for key, value in document.items()})
        except Exception:
            writer.cancel()
            raise
        writer.commit()

    def rebuild(self, documents, *, progress=None) -> int:
        """Write every document into a fresh index beside the current one, then swap it in."""
        if not self.setup_complete:
            self.setup()
        fresh = f"{self.path.rstrip('/')}.rebuild"
        shutil.rmtree(fresh, ignore_errors=True)
        os.makedirs(fresh)
        index = FileStorage(fresh).create_index(self.schema, indexname="MAIN")
        writer = index.writer(limitmb=WRITER_MEMORY_MB, procs=1)
        count = 0
        try:
            for document in documents:
                writer.add_document(**{key: self._from_python(value) for key, value in document.items()})
                count += 1
                if progress is not None:
                    progress(count)
                if count % REBUILD_SEGMENT_DOCS == 0:
                    writer.commit(merge=False)
                    writer = index.writer(limitmb=WRITER_MEMORY_MB, procs=1)
        except BaseException:
            writer.cancel()
            shutil.rmtree(fresh, ignore_errors=True)
            raise
        writer.commit(merge=False)
        old = f"{self.path.rstrip('/')}.old"
        shutil.rmtree(old, ignore_errors=True)
        if os.path.exists(self.path):
            os.rename(self.path, old)
        os.rename(fresh, self.path)
        shutil.rmtree(old, ignore_errors=True)
        self.setup()
        return count


class BilingualWhooshEngine(WhooshEngine):
    backend = BilingualWhooshBackend
    query = WhooshSearchQuery
