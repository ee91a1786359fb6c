"""Search on PostgreSQL's full-text search, behind the same haystack interface as Whoosh.

Selected by SEARCH_ENGINE=postgres (config/settings.py), for a community served by
several machines: the index is a table of the database they all share
(search.models.SearchDocument), not a folder on one machine's disk.

- Analysis: each text is read twice, by the agora_french and agora_english text-search
  configurations (unaccent, then the language's stemmer; the migration makes them), as the
  Whoosh analyzer stems every word in both languages (search/analysis.py). A word typed
  matches either language's stem of it.
- Ranking: ts_rank over the generated tsvector, whose title part is weighted A and text
  part B, B counting 1/TITLE_BOOST of A: titles weigh more, as with Whoosh.
- Queries: haystack's SQ tree (search/query.py) is compiled to one SQL filter: words
  and "phrases" become tsqueries, -exclusions NOT, OR an OR; the other fields are
  columns, filtered with the ORM.
- Writes: the index queue (search/queue.py) upserts and deletes rows in the content's
  database; a rebuild replaces every row in one transaction, which readers see all at once.
"""

import re
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import BooleanField, FloatField, Q
from django.db.models.expressions import RawSQL
from haystack.backends import BaseEngine, BaseSearchBackend, BaseSearchQuery, log_query
from haystack.inputs import Exact
from haystack.models import SearchResult
from haystack.utils import get_identifier, get_model_ct

from search.analysis import WORD, composed
from search.models import SearchDocument
from search.search_indexes import TITLE_BOOST

CONFIGURATIONS = ("agora_french", "agora_english")
# ts_rank's weights for D, C, B (a post's text) and A (a thread's title).
WEIGHTS = f"{{0, 0, {round(1 / TITLE_BOOST, 4)}, 1}}"
# Fields holding several values (a JSON list per row): a filter keeps rows holding the value.
LISTS = {"tags", "idea_status"}
LOOKUPS = {"content": "exact", "exact": "exact", "gt": "gt", "gte": "gte", "lt": "lt", "lte": "lte", "in": "in"}
REBUILD_BATCH = 1000
# What a result carries besides its id, as the Whoosh index stores it (search/search_indexes.py).
STORED = ("thread_id", "votes")


def compounds(text: str) -> str:
    """The hyphenated and dotted words of a text, written whole: "wi-fi" as "wifi"."""
    words = (word for word in re.findall(WORD, text) if "-" in word or "." in word)
    return " ".join(dict.fromkeys(word.replace("-", "").replace(".", "") for word in words))


def tsquery(function: str, text: str) -> tuple[str, list]:
    """A word's or a phrase's tsquery: its French and English forms, either matching; a
    hyphenated word also as one word (the documents' compounds)."""
    parts = [(f"{function}('{configuration}'::regconfig, %s)", text) for configuration in CONFIGURATIONS]
    if function == "plainto_tsquery" and (whole := compounds(text)) and whole != text:
        parts.append(("plainto_tsquery('agora_english'::regconfig, %s)", whole))
    return "(" + " || ".join(sql for sql, _text in parts) + ")", [text for _sql, text in parts]


@dataclass
class Compiled:
    """An SQ tree as SQL: the filter, and the tsqueries of the words a result should rank by."""

    where: Q
    ranked: list[tuple[str, list]] = field(default_factory=list)
    everything: bool = False  # no condition at all: haystack's own listing of a model's documents


def _compile(node, ranked: list, *, negated: bool = False) -> Q:
    """Q for one node of haystack's SQ tree; the words it needs (not excluded) go into `ranked`."""
    negated ^= node.negated
    parts = []
    for child in node.children:
        if hasattr(child, "children"):
            parts.append(_compile(child, ranked, negated=negated))
            continue
        expression, value = child
        name, filter_type = node.split_expression(expression)
        if name == "content":
            if isinstance(value, Exact):
                words = tsquery("phraseto_tsquery", composed(value.query_string))
            else:
                words = tsquery("plainto_tsquery", composed(str(value)))
            if not negated:
                ranked.append(words)
            # A word the configurations both drop (a stop word of theirs) makes an empty tsquery,
            # which matches nothing: leave it out, as Whoosh leaves out words it does not index.
            # numnode() of a constant is folded when planning: the GIN index still serves.
            sql, params = words
            found = (
                f"(document @@ {sql} AND numnode({sql}) > 0)"
                if negated
                else f"(document @@ {sql} OR numnode({sql}) = 0)"
            )
            parts.append(Q(RawSQL(found, params * 2, output_field=BooleanField())))  # noqa: S611 (values are parameters)
        elif name in LISTS:
            parts.append(Q(**{f"{name}__contains": [_stored(value)]}))
        else:
            parts.append(Q(**{f"{name}__{LOOKUPS.get(filter_type, filter_type)}": _stored(value)}))
    query = Q()
    for part in parts:
        query = query | part if node.connector == "OR" and query else query & part
    return ~query if node.negated else query


def _narrowing(narrow: str) -> Q:
    """A narrowing query as the selectors write it: "field:value", or "NOT field:value" to leave out."""
    excluded = narrow.startswith("NOT ")
    name, _colon, value = narrow.removeprefix("NOT ").partition(":")
    typed = {"true": True, "false": False}.get(value, int(value) if value.isdigit() else value)
    query = Q(**{f"{name}__contains": [typed]}) if name in LISTS else Q(**{name: typed})
    return ~query if excluded else query


def _ranked_page(documents, sort_by, start: int, stop: int) -> list[dict]:
    """Rows start to stop of the ranked documents, each with how many there are (`hits`): one
    statement. The rank is worked out first, so that the window counting the matches keeps
    narrow rows: over whole rows, each with its tsvector, it spilled to disk past about 10,000
    matches (three common words at 100,000 posts: 52 ms, 29 ms this way)."""
    # The sorts the search page offers ("-created", "-votes") are columns; relevance breaks ties.
    sorts = [(name.lstrip("-"), name.startswith("-")) for name in sort_by]
    columns = list(dict.fromkeys(("django_ct", "django_id", "rank", *STORED, *(name for name, _desc in sorts))))
    inner, params = documents.order_by().values(*columns).query.sql_with_params()
    quote = connection.ops.quote_name
    order = [f"{quote(name)} {'DESC' if descending else 'ASC'}" for name, descending in sorts]
    order += [f"{quote('rank')} DESC", f"{quote('django_id')} ASC"]
    # The names are the model's columns (values() refused any other) and the values parameters.
    # MATERIALIZED: left to itself, the planner folds the subquery in and ranks above the window.
    sql = (
        f"WITH matches AS MATERIALIZED ({inner}) "  # noqa: S608
        f"SELECT {', '.join(map(quote, columns))}, COUNT(*) OVER () FROM matches "
        f"ORDER BY {', '.join(order)} LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, max(stop - start, 0), start))
        return [dict(zip((*columns, "hits"), row, strict=True)) for row in cursor.fetchall()]


class PostgresSearchQuery(BaseSearchQuery):
    def build_query(self):
        ranked: list = []
        return Compiled(_compile(self.query_filter, ranked), ranked, everything=not self.query_filter)

    def build_query_fragment(self, field, filter_type, value):  # pragma: no cover (build_query does it all)
        raise NotImplementedError("PostgresSearchQuery compiles the whole tree in build_query")


class PostgresSearchBackend(BaseSearchBackend):
    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self.setup_complete = True

    def build_schema(self, fields):
        return "text", {}

    # Reading ------------------------------------------------------------------

    @log_query
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
        """One page of posts matching the compiled query, best first (or in `sort_by`'s order), and
        how many match: one SQL query, whose window counts the matches."""
        if isinstance(query_string, Compiled) and query_string.everything and kwargs.get("models"):
            return self._listing(kwargs["models"], narrow_queries, start_offset, end_offset, result_class)
        if not isinstance(query_string, Compiled) or not query_string.ranked:
            return {"results": [], "hits": 0}  # no word to look for
        documents = SearchDocument.objects.filter(query_string.where)
        for narrow in narrow_queries or ():
            documents = documents.filter(_narrowing(narrow))
        sql = " || ".join(sql for sql, _params in query_string.ranked)
        params = [param for _sql, params in query_string.ranked for param in params]
        rank = RawSQL(f"ts_rank('{WEIGHTS}', document, {sql})", params, output_field=FloatField())  # noqa: S611 (values are parameters)
        documents = documents.annotate(rank=rank)
        start = start_offset or 0
        stop = end_offset if end_offset is not None else start + 20
        rows = _ranked_page(documents, sort_by or (), start, stop)
        if not rows:
            # Past the last page the window has no row to count on: count apart.
            hits = documents.count() if start else 0
            return {"results": [], "hits": hits}
        result_class = result_class or SearchResult
        results = []
        for row in rows:
            app_label, model_name = row["django_ct"].split(".")
            extra = {name: row[name] for name in STORED}
            results.append(result_class(app_label, model_name, str(row["django_id"]), row["rank"], **extra))
        return {"results": results, "hits": rows[0]["hits"]}

    def _listing(self, models, narrow_queries, start_offset, end_offset, result_class) -> dict:
        """Every document of these models, by id: what haystack's update_index --remove walks to
        find the stale ones. The search page never asks for it (a search needs a word)."""
        documents = SearchDocument.objects.filter(django_ct__in=[get_model_ct(model) for model in models])
        for narrow in narrow_queries or ():
            documents = documents.filter(_narrowing(narrow))
        start = start_offset or 0
        stop = end_offset if end_offset is not None else start + 20
        rows = documents.order_by("django_id").values("id", "django_ct", "django_id")[start:stop]
        result_class = result_class or SearchResult
        results = [result_class(*row["django_ct"].split("."), str(row["django_id"]), 0, id=row["id"]) for row in rows]
        return {"results": results, "hits": documents.count()}

    def indexed_votes(self) -> dict[int, int]:
        """{post id: its votes} as the index holds them, for search_check."""
        return dict(SearchDocument.objects.filter(django_ct="forum.post").values_list("django_id", "votes"))

    # Writing ------------------------------------------------------------------

    def _rows(self, documents) -> list[SearchDocument]:
        names = {field.attname for field in SearchDocument._meta.concrete_fields}
        rows = []
        for document in documents:
            values = {name: _stored(value) for name, value in document.items() if name in names}
            values.setdefault("title", "")
            values["compounds"] = compounds(values.get("text", ""))
            rows.append(SearchDocument(**values))
        return rows

    def write(self, documents: list[dict], removed: list[str], *, wait: float = 0, aside: bool = False) -> None:
        """Replace documents (by their haystack id) and remove others, in one transaction.

        `wait` and `aside` are the Whoosh index's: rows take their own locks, and two writers of
        the same post apply one after the other; PostgreSQL does the work in its own processes.
        """
        fields = [field.name for field in SearchDocument._meta.concrete_fields if not field.primary_key]
        # Rows in the order of their ids, so that two writers take their locks in the same order.
        documents = sorted(documents, key=lambda document: document["id"])
        with transaction.atomic():
            if removed:
                SearchDocument.objects.filter(id__in=sorted(removed)).delete()
            if documents:
                SearchDocument.objects.bulk_create(
                    self._rows(documents), update_conflicts=True, unique_fields=["id"], update_fields=fields
                )

    # haystack's own commands (update_index, clear_index) write through these three.
    def update(self, index, iterable, commit=True):
        self.write([index.full_prepare(obj) for obj in iterable], [])

    def remove(self, obj_or_string, commit=True):
        self.write([], [get_identifier(obj_or_string)])

    def clear(self, models=None, commit=True):
        documents = SearchDocument.objects.all()
        if models:
            documents = documents.filter(django_ct__in=[get_model_ct(model) for model in models])
        documents.delete()

    def rebuild(self, documents, *, progress=None) -> int:
        """Replace every row in one transaction: readers see the old index until it commits."""
        count = 0
        batch: list[dict] = []
        with transaction.atomic():
            SearchDocument.objects.all().delete()
            for document in documents:
                batch.append(document)
                count += 1
                if progress is not None:
                    progress(count)
                if len(batch) == REBUILD_BATCH:
                    SearchDocument.objects.bulk_create(self._rows(batch))
                    batch = []
            SearchDocument.objects.bulk_create(self._rows(batch))
            with connection.cursor() as cursor:  # the planner's figures for the new rows
                cursor.execute("ANALYZE search_document")
        return count


def _stored(value):
    """A document's value as its column takes it: text in composed form (NFC), as Whoosh analyses it."""
    return composed(value) if isinstance(value, str) else value


def read_index_table() -> None:
    """Read nothing from the index table and its tsvector column; raises if either is missing."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT document FROM search_document LIMIT 0")


class PostgresEngine(BaseEngine):
    backend = PostgresSearchBackend
    query = PostgresSearchQuery
