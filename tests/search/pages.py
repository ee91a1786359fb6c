"""Reading search pages the way a browser would: Python's html.parser builds the tree, no regex over HTML."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass(eq=False)
class Element:
    tag: str
    attrs: list[tuple[str, str | None]]
    parent: "Element | None" = None
    children: list["Element | str"] = field(default_factory=list)

    def get(self, name, default=None):
        return dict(self.attrs).get(name, default)

    @property
    def classes(self) -> set[str]:
        return set((self.get("class") or "").split())

    @property
    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text for child in self.children)

    def elements(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.elements()

    def find_all(self, tag=None, cls=None) -> list["Element"]:
        return [e for e in self.elements() if (tag is None or e.tag == tag) and (cls is None or cls in e.classes)]

    def find(self, tag=None, cls=None) -> "Element | None":
        found = self.find_all(tag, cls)
        return found[0] if found else None


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", [])
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, parent=self.stack[-1])
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        element = Element(tag, attrs, parent=self.stack[-1])
        self.stack[-1].children.append(element)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def squash(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Result:
    element: Element

    @property
    def title(self) -> str:
        return squash(self.element.find("h2").text)

    @property
    def href(self) -> str:
        return self.element.find("h2").find("a").get("href")

    @property
    def category(self) -> str:
        return squash(self.element.find("a", "category-chip").text)

    @property
    def badges(self) -> list[str]:
        return [squash(badge.text) for badge in self.element.find_all("span", "badge")]

    @property
    def snippet(self) -> Element:
        return self.element.find("p", "snippet")

    @property
    def marked(self) -> list[str]:
        return [mark.text for mark in self.snippet.find_all("mark")]

    @property
    def byline(self) -> str:
        return squash(self.element.find("p", "thread-byline").text)


class SearchPage:
    def __init__(self, html: str):
        self.html = html
        self.root = parse(html)

    @property
    def main(self) -> Element:
        return self.root.find("main") or self.root

    @property
    def results(self) -> list[Result]:
        return [Result(li) for li in self.root.find_all("li", "search-result")]

    @property
    def titles(self) -> list[str]:
        return [result.title for result in self.results]

    @property
    def count(self) -> int | None:
        """The number in "N results", or None when no search ran."""
        status = self.root.find("p", "results-count")
        if status is None:
            return None
        return int(re.search(r"\d+", status.text.replace(",", "")).group())

    @property
    def errors(self) -> list[str]:
        box = self.root.find("div", "form-errors")
        return [squash(p.text) for p in box.find_all("p")] if box else []

    @property
    def page_links(self) -> dict[str, str]:
        nav = self.root.find("ul", "pagination")
        if nav is None:
            return {}
        return {squash(a.text): a.get("href") for a in nav.find_all("a")}

    @property
    def current_page(self) -> str | None:
        nav = self.root.find("ul", "pagination")
        current = nav and next((e for e in nav.elements() if e.get("aria-current") == "page"), None)
        return squash(current.text) if current else None
