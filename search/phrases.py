"""Phrase queries over a field that indexes several variants of each word.

Whoosh's own phrase query expects one term per position; our analyzer emits
the French and English stems of each word at the same position. A "phrase"
becomes a sequence of alternatives: position by position, any variant.
"""

from collections import defaultdict
from itertools import pairwise

from whoosh import query
from whoosh.qparser.plugins import PhrasePlugin


class VariantPhrasePlugin(PhrasePlugin):
    class PhraseNode(PhrasePlugin.PhraseNode):
        def query(self, parser):
            fieldname = self.fieldname or parser.fieldname
            field = parser.schema[fieldname] if parser.schema and fieldname in parser.schema else None
            if field is None or not field.analyzer:
                return super().query(parser)
            by_position = defaultdict(list)
            for token in field.tokenize(self.text, mode="query", positions=True):
                by_position[token.pos].append(token.text)
            if not by_position:
                return query.NullQuery
            positions = sorted(by_position)
            parts = [
                query.Or([query.Term(fieldname, word) for word in dict.fromkeys(by_position[pos])]) for pos in positions
            ]
            if len(parts) == 1:  # keeps the field's boost (backend.py), as the Sequence does
                return query.Or(parts[0].subqueries, boost=self.boost)
            # Stop words left gaps between positions; allow exactly those.
            slop = max(b - a for a, b in pairwise(positions)) + self.slop - 1
            return query.Sequence(parts, slop=slop, boost=self.boost)

    class PhraseTagger(PhrasePlugin.PhraseTagger):
        def create(self, parser, match):
            slop = int(match.group("slop")) if match.group("slop") else 1
            return VariantPhrasePlugin.PhraseNode(match.group("text"), match.start("text"), slop)

    def taggers(self, parser):
        return [(self.PhraseTagger(self.expr), 0)]
