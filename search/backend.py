"""A small subclass of haystack's Whoosh backend for a bilingual forum.

What it changes, and why (see PERFORMANCE.md):
- text fields use the French + English analyzer (search/analysis.py), are not
  stored (snippets come from the database) and OR the variants of a word;
- a word typed without a field is looked for in every text field (the post's
  text, and the thread's title on its opening post), each weighted at query
  time by the boost its SearchIndex field declares, so that titles weigh more;
- one searcher is kept per process and reused until the index changes,
  instead of opening one per query;
- a query of words joined by AND and OR (every word, or the near misses of
  search/query.py) is matched on sets of document numbers read from the
  words' postings, and only its matches are scored (_matching);
- incremental writes take the lock without waiting (the queue keeps what
  could not be written), and rebuilds write a fresh index with plain
  additions in one writer, then swap it in.
"""

import functools
import operator
import os
import shutil
import threading
from bisect import bisect_left, bisect_right

from django.utils.encoding import force_str
from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend, WhooshSearchQuery
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.models import SearchResult
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.fields import TEXT
from whoosh.filedb.filestore import FileStorage
from whoosh.matching import ReadTooFar
from whoosh.matching.wrappers import FilterMatcher
from whoosh.qparser import MultifieldParser, PhrasePlugin
from whoosh.query import And, Or, Term

from search import writer
from search.analysis import BilingualAnalyzer
from search.phrases import VariantPhrasePlugin

# A rebuild commits a segment every REBUILD_SEGMENT_DOCS documents, each sorted in
# memory (Whoosh pickles every posting to disk once its pool outgrows the limit,
# which is what made rebuilds crawl), and leaves a few segments rather than
# rewriting everything into one.
WRITER_MEMORY_MB = 384

_shared_lock = threading.Lock()
# Searches share one searcher; Whoosh does not promise it is safe to read from two
# threads at once, and the GIL would run them one at a time anyway.
_search_lock = threading.Lock()
_shared: dict[str, dict] = {}  # index folder -> schema, searcher and the key it was opened at
REBUILD_SEGMENT_DOCS = 20_000
# A query of words with at most this many matches is scored match by match (_scored); with more,
# by Whoosh's collector, which skips the blocks that cannot reach the best scores.
SET_SCORED_MATCHES = 2000
# Postings of words kept with a searcher (_word), at most: about 100 bytes each.
WORD_POSTINGS_KEPT = 100_000


def _lengths_in_memory(searcher):
    """Keep the field-length columns of every segment in memory, one byte per document and field.

    BM25 reads the length of every matching document: about 4,000 reads for one common
    word at 100,000 posts. Read from the file (see search.writer.storage), each is a seek and
    a read; from an array, an index. Whoosh 2.7 has no public switch for this: its per-document
    reader caches one column reader per length field, and an array answers the same
    calls (item access, min and max).
    """
    for leaf, _offset in searcher.reader().leaf_readers():
        perdoc = getattr(leaf, "_perdoc", None)
        if perdoc is None or not hasattr(perdoc, "_cached_reader"):
            continue
        for name, field in searcher.schema.items():
            if field.scorable:
                column = perdoc._cached_reader(_lenfield(name), LENGTHS_COLUMN)
                if column is not None:
                    perdoc._readers[_lenfield(name)] = column.load()
    return searcher


def _skip_to(self, targetid):
    """W3LeafMatcher.skip_to, finding the target inside a block by bisection.

    Whoosh 2.7 skips whole blocks by their last id, then steps through the block's ids
    one by one (up to 128 of them) to reach the target. A query needing every word
    (an intersection) skips each word's postings to the ids of the others: for three
    common words at 100,000 posts, tens of thousands of those steps, 46 ms of a search
    that finds nothing; by bisection, 26 ms. The ids of a block are sorted, and
    where the matcher stops is unchanged.
    """
    if not self.is_active():
        raise ReadTooFar
    if targetid <= self.id():
        return
    while self.is_active() and targetid > self.block_max_id():
        self._next_block()
    if not self.is_active():
        return
    if self._ids is None:
        self._read_ids()
    self._i = bisect_left(self._ids, targetid, self._i, self._blocklength)


W3LeafMatcher.skip_to = _skip_to


class _Posting:
    """One document's posting of a word, as a scorer reads it from a matcher."""

    __slots__ = ("docnum", "value")

    def __init__(self, docnum: int, value: float):
        self.docnum, self.value = docnum, value

    def id(self) -> int:
        return self.docnum

    def weight(self) -> float:
        return self.value


def _postings(matcher) -> dict[int, float]:
    """{document number: weight} of a word's postings in one segment, read a block at a time.

    Whoosh's own all_ids() steps through them one by one in Python, where a block's
    ids and weights are already decoded into arrays. Deleted documents are left out,
    as the segment reader's FilterMatcher does.
    """
    deleted = frozenset()
    if isinstance(matcher, FilterMatcher) and matcher._exclude:
        matcher, deleted = matcher.child, matcher._ids
    found = {}
    if isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            found.update(zip(matcher._ids, matcher._weights, strict=True))
            if matcher._lastblock:
                break
            matcher._next_block()
    else:
        while matcher.is_active():
            found[matcher.id()] = matcher.weight()
            matcher.next()
    for doc in deleted:
        found.pop(doc, None)
    return found


class BilingualWhooshBackend(WhooshSearchBackend):
    def build_schema(self, fields):
        """haystack's schema with bilingual text fields; the boosts it declares are kept for
        the query parser (self.text_boosts), where a boost scales a field's score as given
        rather than through BM25's term-frequency saturation."""
        content_field_name, schema = super().build_schema(fields)
        self.text_boosts = {}
        for name in list(schema.names()):
            if isinstance(schema[name], TEXT):
                self.text_boosts[name] = schema[name].format.field_boost
                field = TEXT(analyzer=BilingualAnalyzer(), stored=False)
                field.multitoken_query = "or"
                schema.remove(name)
                schema.add(name, field)
        return content_field_name, schema

    def setup(self):
        # haystack makes one backend per thread, and Django under ASGI runs each request's
        # synchronous code in a thread of its own: share the schema and the open index
        # across the process instead of rebuilding them for every request.
        with _shared_lock:
            shared = _shared.get(self.path)
            if shared is None:
                super().setup()
                self.storage = writer.storage(self.path)
                self.index = self.storage.open_index(schema=self.schema)
                _shared[self.path] = {"schema": (self.content_field_name, self.schema, self.text_boosts)}
            else:
                self.content_field_name, self.schema, self.text_boosts = shared["schema"]
                self.storage = writer.storage(self.path)
                self.index = self.storage.open_index(schema=self.schema)
                self.setup_complete = True
        # The parser must see the schema with the bilingual fields, look for a word in every
        # text field with its boost, and read "phrases" as sequences of alternatives
        # (search/phrases.py).
        self.parser = MultifieldParser(list(self.text_boosts), schema=self.schema, fieldboosts=self.text_boosts)
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
        """One searcher for the whole process, kept until the index changes.

        Opening one costs tens of milliseconds on a large index. The one it replaces
        is left to the garbage collector: another thread may still be reading it.
        """
        key = self._index_key()
        with _shared_lock:
            shared = _shared.setdefault(self.path, {})
            if shared.get("key") != key:
                index = writer.storage(self.path).open_index(schema=self.schema)
                shared.update(key=key, searcher=_lengths_in_memory(index.searcher()))
            return shared["searcher"]

    def indexed_votes(self) -> dict[int, int]:
        """{post id: its votes} as the index holds them, for search_check."""
        return {
            int(fields["django_id"]): int(fields.get("votes", 0))
            for fields in self.searcher().all_stored_fields()
            if fields.get("django_ct") == "forum.post"
        }

    def _docs(self, searcher, query_string: str) -> set:
        """Document numbers matching a narrowing query, cached for as long as the searcher lives."""
        cache = searcher.__dict__.setdefault("_agora_narrow", {})
        if query_string not in cache:
            with _search_lock:
                cache[query_string] = set(searcher.docs_for_query(self.parser.parse(query_string)))
        return cache[query_string]

    def _word(self, searcher, field: str, text: str) -> tuple[dict, dict]:
        """A word's postings in a field, {document number: weight}, and its scorers by segment
        offset; kept for as long as the searcher lives.

        Words come back from one search to the next (and within one: the near misses of a
        query read its words again), and reading a common word's postings costs
        milliseconds. At most WORD_POSTINGS_KEPT postings are kept; then the least recently
        used words go.
        """
        kept = searcher.__dict__.setdefault("_agora_words", {})
        key = (field, text)
        if key in kept:
            kept[key] = kept.pop(key)  # the most recently used last
            return kept[key]
        postings = {}
        for subsearcher, offset in searcher.leaf_searchers():
            reader = subsearcher.reader()
            if key in reader:
                found = _postings(reader.postings(field, text))
                postings.update((doc + offset, weight) for doc, weight in found.items())
        kept[key] = word = (postings, {})
        while sum(len(postings) for postings, _scorers in kept.values()) > WORD_POSTINGS_KEPT and len(kept) > 1:
            kept.pop(next(iter(kept)))
        return word

    def _matching(self, searcher, query):
        """The document numbers matching a query of words joined by AND and OR; None for any other query."""
        if type(query) is Term:
            return self._word(searcher, query.fieldname, query.text)[0].keys()
        # A boost or a scale on a part would change the scores that _scored adds up.
        if type(query) not in (And, Or) or not query.subqueries or query.boost != 1 or getattr(query, "scale", None):
            return None
        parts = []
        for subquery in query.subqueries:
            docs = self._matching(searcher, subquery)
            if docs is None:
                return None
            parts.append(docs)
        return functools.reduce(operator.and_ if type(query) is And else operator.or_, parts)

    def _scored(self, searcher, query, docs) -> list[tuple[float, int]]:
        """(score, document number) of these documents, each matching `query` (words joined by
        AND and OR), best first and ties by document number, as Searcher.search ranks them.

        Each word scores as its matcher would in the document; a part of the query adds up the
        scores of its parts that the document matches, as Whoosh's matchers do. Moving the
        query's own matcher to each document instead would make each AND run on to the next
        document holding all of its words: the intersections this path is here to avoid.
        """
        leaves = searcher.leaf_searchers()
        offsets = [offset for _subsearcher, offset in leaves]
        words = {}

        def word_score(term, doc, leaf):
            key = (term.fieldname, term.text)
            if key not in words:
                words[key] = self._word(searcher, *key)
            postings, scorers = words[key]
            if doc not in postings:
                return None
            subsearcher, offset = leaf
            if offset not in scorers:
                text = searcher.schema[term.fieldname].to_bytes(term.text)
                scorers[offset] = searcher.weighting.scorer(subsearcher, term.fieldname, text)
            score = scorers[offset].score(_Posting(doc - offset, postings[doc]))
            return score * term.boost if term.boost != 1.0 else score

        def score(node, doc, leaf):
            if type(node) is Term:
                return word_score(node, doc, leaf)
            parts = [score(subquery, doc, leaf) for subquery in node.subqueries]
            found = [part for part in parts if part is not None]
            if not found or (type(node) is And and len(found) < len(parts)):
                return None
            return sum(found)

        scored = []
        for doc in docs:
            value = score(query, doc, leaves[bisect_right(offsets, doc) - 1])
            if value is not None:
                scored.append((value, doc))
        scored.sort(key=lambda item: (-item[0], item[1]))
        return scored

    def _fewest(self, searcher, query) -> int:
        """How many documents a query of words matches at least, from its words' frequencies."""
        if type(query) is Term:
            return searcher.doc_frequency(query.fieldname, query.text)
        if type(query) is Or:
            return max((self._fewest(searcher, subquery) for subquery in query.subqueries), default=0)
        return 0

    def _set_search(self, searcher, parsed, narrowing: dict, stop: int) -> list[tuple[float, int]] | None:
        """The best `stop` (score, document number) of a query of words, from sets of document
        numbers; None when the query holds anything else, or matches too many to score one by one."""
        if "filter" not in narrowing and (
            self._fewest(searcher, parsed) - len(narrowing.get("mask", ())) > SET_SCORED_MATCHES
        ):
            return None  # a common word: the collector skips what cannot rank, without reading it all
        docs = self._matching(searcher, parsed)
        if docs is None:
            return None
        if "filter" in narrowing:
            docs = docs & narrowing["filter"]
        if "mask" in narrowing:
            docs = docs - narrowing["mask"]
        if len(docs) > SET_SCORED_MATCHES:
            return None
        return self._scored(searcher, parsed, docs)[:stop]

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
        start = start_offset or 0
        stop = end_offset if end_offset is not None else start + 20
        narrowing = {}
        for narrow in narrow_queries or ():
            if narrow.startswith("NOT "):
                narrowing["mask"] = narrowing.get("mask", set()) | self._docs(searcher, narrow[4:])
            else:
                docs = self._docs(searcher, narrow)
                narrowing["filter"] = docs if "filter" not in narrowing else narrowing["filter"] & docs
        # searcher.search rather than search_page: a page asks for the exact number of
        # matches, which Whoosh finds by running the query a second time.
        try:
            with _search_lock:
                top = None if sort_fields else self._set_search(searcher, parsed, narrowing, stop)
                if top is not None:
                    found = [(searcher.stored_fields(doc), score) for score, doc in top[start:stop]]
                    hits = len(top)
                else:
                    results = searcher.search(parsed, limit=stop, sortedby=sort_fields, reverse=reverse, **narrowing)
                    found = [(hit.fields(), hit.score) for hit in results[start:stop]]
                    hits = results.scored_length()
        except ValueError:
            return {"results": [], "hits": 0}
        result_class = result_class or SearchResult
        items = []
        for fields, score in found:
            app_label, model_name = fields[DJANGO_CT].split(".")
            extra = {key: self._to_python(value) for key, value in fields.items() if key not in (DJANGO_CT, DJANGO_ID)}
            items.append(result_class(app_label, model_name, fields[DJANGO_ID], score or 0, **extra))
        return {"results": items, "hits": hits}

    # Writing ------------------------------------------------------------------

    def write(self, documents: list[dict], removed: list[str], *, wait: float = 0, aside: bool = False) -> None:
        """Replace documents (by their haystack id) and remove others, in one commit.

        `aside`: in this process's helper (search/writer.py), not under its interpreter lock: a
        server's inline updates. Raises whoosh.index.LockError if another writer holds the
        index for longer than `wait`, and writer.HelperFailed if the helper could not write.
        """
        if not self.setup_complete:
            self.setup()
        documents = [{key: self._from_python(value) for key, value in document.items()} for document in documents]
        if aside:
            writer.write_aside(self.path, self.index.indexname, documents, removed, key=ID, wait=wait)
        else:
            self.index = self.index.refresh()
            writer.write(self.index, documents, removed, key=ID, wait=wait)

    def clear(self, models=None, commit=True):
        """Empty the index (clear_index) as a rebuild of nothing: haystack's own deletes the folder
        from under every process reading it, whose next search fails. The index holds posts only,
        so `models` changes nothing."""
        self.rebuild(iter(()))

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
