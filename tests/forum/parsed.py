"""Reading a page the way a browser would: Python's html.parser, no regular expressions over HTML."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass(eq=False)
class Element:
    tag: str
    attrs: list[tuple[str, str | None]]
    parent: "Element | None" = None
    text: str = ""
    children: list["Element"] = field(default_factory=list)

    def get(self, name, default=None):
        return dict(self.attrs).get(name, default)

    @property
    def classes(self) -> set[str]:
        return set((self.get("class") or "").split())

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", [])
        self.stack = [self.root]
        self.elements: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, parent=self.stack[-1])
        self.stack[-1].children.append(element)
        self.elements.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        for element in self.stack:
            element.text += data


@dataclass
class Page:
    root: Element
    elements: list[Element]

    def find_all(self, tag=None, *, class_=None, within=None) -> list[Element]:
        """Elements by tag and class, optionally only those inside an element with the class `within`."""
        return [
            e
            for e in self.elements
            if (tag is None or e.tag == tag)
            and (class_ is None or class_ in e.classes)
            and (within is None or any(within in a.classes for a in e.ancestors()))
        ]

    def find(self, tag=None, **kwargs) -> Element | None:
        found = self.find_all(tag, **kwargs)
        return found[0] if found else None

    def thread_titles(self) -> list[str]:
        """The thread list's titles, in the order shown."""
        return [a.text.strip() for a in self.find_all("a", within="thread-title")]

    def text(self) -> str:
        return " ".join(self.root.text.split())


def parse_html(html: str | bytes) -> Page:
    builder = _Builder()
    builder.feed(html.decode() if isinstance(html, bytes) else html)
    builder.close()
    return Page(builder.root, builder.elements)
