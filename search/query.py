"""Turn what a reader types into a haystack query: words, "phrases", -exclusions and OR.

Everything the reader types goes through haystack's escaping; no search
engine syntax gets through. A query needs every word (build); a question
written in plain words, which no post may hold word for word, can be asked
again needing all of them but one (build_all_but_one), or only some of them
(build_any_word).
"""

import re

from haystack.inputs import Exact
from haystack.query import SQ

from search.analysis import BilingualAnalyzer, composed

TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')
MAX_TERMS = 12
# Words in a query that build_all_but_one asks for: one combination of words per word left out.
MAX_NEAR_TERMS = 4
ANALYZER = BilingualAnalyzer()


def searchable(text: str) -> bool:
    """Whether the text holds a word the index can match: not only stop words, punctuation or "*".

    Whoosh drops a clause with no words from the query, and what is left (the
    filters) would match every post.
    """
    return any(True for _token in ANALYZER(text, mode="query"))


def terms(text: str) -> list[tuple[bool, str, bool]]:
    """(negated, text, is_phrase) for each term; "OR" is returned as (False, "OR", False)."""
    found = []
    for match in TOKEN.finditer(composed(text or "")):
        if match.group(2) is not None:
            phrase = " ".join(match.group(2).split())
            if phrase:
                found.append((match.group(1) == "-", phrase, True))
        else:
            word = match.group(3)
            negated = word.startswith("-") and len(word) > 1
            word = word.lstrip("-") if negated else word
            if word:
                found.append((negated, word, False))
    return found[: MAX_TERMS * 2]


def _sq(text, phrase) -> SQ:
    return SQ(content=Exact(text)) if phrase else SQ(content=text)


def _clauses(text: str) -> tuple[list[SQ], list[SQ]]:
    """The clauses a result must match (OR already joined) and those it must not."""
    clauses: list[SQ] = []
    excluded: list[SQ] = []
    join_next = False
    for negated, value, phrase in terms(text):
        if value.upper() in {"OR", "OU"} and not phrase:
            join_next = bool(clauses)
            continue
        if not searchable(value):
            join_next = False
            continue
        clause = _sq(value, phrase)
        if negated:
            excluded.append(clause)
        elif join_next:
            clauses[-1] = clauses[-1] | clause
        else:
            clauses.append(clause)
        join_next = False
    return clauses[:MAX_TERMS], excluded[:MAX_TERMS]


def _joined(clauses: list[SQ], excluded: list[SQ], *, every: bool) -> SQ:
    query = clauses[0]
    for clause in clauses[1:]:
        query = query & clause if every else query | clause
    for clause in excluded:
        query &= ~clause
    return query


def build(text: str) -> SQ | None:
    """An SQ for the reader's query, every word required, or None when nothing searchable remains."""
    clauses, excluded = _clauses(text)
    return _joined(clauses, excluded, every=True) if clauses else None


def build_any_word(text: str) -> SQ | None:
    """The same query needing any of its words (and still none of the excluded ones), ranked by
    relevance; None when it has fewer than two, where it would ask the same as build()."""
    clauses, excluded = _clauses(text)
    return _joined(clauses, excluded, every=False) if len(clauses) > 1 else None


def build_all_but_one(text: str) -> SQ | None:
    """The same query needing every word but any one (and still none of the excluded ones): the
    near misses of a query no post answers in full. None below three words, where it would ask
    the same as build_any_word(), and above MAX_NEAR_TERMS, where each post may miss several."""
    clauses, excluded = _clauses(text)
    if not 3 <= len(clauses) <= MAX_NEAR_TERMS:
        return None
    query = None
    for left_out in range(len(clauses)):
        near = _joined([clause for n, clause in enumerate(clauses) if n != left_out], [], every=True)
        query = near if query is None else query | near
    for clause in excluded:
        query &= ~clause
    return query


def positive_words(text: str) -> list[str]:
    """The words a result should show highlighted: not excluded, not operators."""
    words = []
    for negated, value, _phrase in terms(text):
        if not negated and value.upper() not in {"OR", "OU"}:
            words += re.findall(r"\w+", value)
    return words


def any_of(words) -> SQ | None:
    """Match any of the words (for "similar threads")."""
    query = None
    for word in [word for word in words if searchable(word)][:MAX_TERMS]:
        query = SQ(content=word) if query is None else query | SQ(content=word)
    return query
