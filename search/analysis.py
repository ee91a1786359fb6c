"""Text analysis that understands French and English at once.

Each word is lower-cased, then stemmed with both the French and the English
Snowball stemmers, and every result is folded to unaccented letters. All the
variants are indexed at the word's position, and a query goes through the
same analysis, so "réglages" and "reglage" meet, as do "blinking"
and "blinks", whichever language the post and the query are written in.
Text is first put in Unicode's composed form (NFC): some keyboards and
systems send "é" as "e" followed by a combining accent, which a tokenizer
would otherwise split into "e" and the rest of the word.
"""

import unicodedata
from functools import lru_cache

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StopFilter
from whoosh.lang import stemmer_for_language, stopwords_for_language

# Whoosh's lists, plus French articles and contractions they leave out.
STOP_WORDS = (
    frozenset(stopwords_for_language("en"))
    | frozenset(stopwords_for_language("fr"))
    | frozenset({"les", "des", "du", "au", "aux", "un", "une", "est", "sont", "ce", "cette", "ces"})
)
_stem_fr = stemmer_for_language("fr")
_stem_en = stemmer_for_language("en")


def composed(text: str) -> str:
    """The text in Unicode's composed form (NFC): "e" + U+0301 becomes "é"."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Remove accents: "réglé" -> "regle", "œil" -> "oeil"."""
    text = text.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=100_000)
def variants(word: str) -> tuple[str, ...]:
    """The index terms of one lower-case word, most specific first."""
    folded = fold(word)
    # Stems only: two words with the same spelling have the same stems, so the
    # unstemmed form would add index size and no match.
    forms = [fold(_stem_fr(word)), _stem_en(folded), fold(_stem_fr(folded))]
    if "-" in folded or "." in folded:  # "wi-fi" meets "wifi"
        forms.append(_stem_en(folded.replace("-", "").replace(".", "")))
    return tuple(dict.fromkeys(form for form in forms if form)) or (folded,)


class BilingualStemFilter(Filter):
    """Replace each token by its French and English stems, folded, at the same position.

    In a query, the schema's multitoken_query="or" turns the variants of one
    word into alternatives.
    """

    is_morph = True

    def __call__(self, tokens):
        for token in tokens:
            text = token.text
            for form in variants(text):
                token.text = form
                yield token
            token.text = text


class ComposedTokenizer(RegexTokenizer):
    """Split NFC text into words, so that a combining accent stays inside its word.

    Character offsets refer to the composed text: nothing reads them (snippets are
    built from the database, search/snippets.py).
    """

    def __call__(self, value, **kwargs):
        return super().__call__(composed(value), **kwargs)


# Words as the analyzer sees them: apostrophes split words, so French elisions
# ("l’application") lose their article.
WORD = r"\w+(?:[.-]\w+)*"
MIN_WORD_LENGTH = 2


def indexed(word: str) -> bool:
    """Whether a lower-case word reaches the index: not a stop word, not a lone letter."""
    return len(word) >= MIN_WORD_LENGTH and word not in STOP_WORDS


def BilingualAnalyzer():
    tokenizer = ComposedTokenizer(WORD)
    return (
        tokenizer | LowercaseFilter() | StopFilter(stoplist=STOP_WORDS, minsize=MIN_WORD_LENGTH) | BilingualStemFilter()
    )
