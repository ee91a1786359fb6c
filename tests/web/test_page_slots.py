"""Filling a shared page's slots (web/pagecache.py): one pass, each part made once and only when used."""

from web.pagecache import cut, fill_cut, fill_slots, slot


def test_each_slot_gets_its_part_and_unknown_slots_stay():
    made = []

    def menu():
        made.append("menu")
        return "<nav>alice</nav>"

    page = f"<header>{slot('menu')}</header><p>{slot('actions:post-1')}</p><p>{slot('actions:post-1')}</p>{slot('x')}"
    filled = fill_slots(page, {"menu": menu, "actions:post-1": "<button>Helpful</button>", "unused": lambda: 1 / 0})

    assert filled == (
        "<header><nav>alice</nav></header><p><button>Helpful</button></p><p><button>Helpful</button></p>" + slot("x")
    )
    assert made == ["menu"]  # made once, and the unused part never


def test_a_part_is_not_read_for_slots_of_its_own():
    """A part is the reader's own HTML: it goes in as it is (the member's id and the CSRF token
    are filled after, over the whole page)."""
    assert fill_slots(slot("a"), {"a": slot("b"), "b": "B"}) == slot("b")


def test_a_cut_page_is_filled_with_parts_and_the_slots_they_hold():
    """A member's page is cut at its slots once; filling it gives what filling the whole text
    gave: the view's parts, then the member's id and the token inside the page and its parts."""
    tokens = []

    def csrf():
        tokens.append("t")
        return f"token{len(tokens)}"

    page = (
        f"<form>{slot('csrf')}</form><div data-member='{slot('member')}'>{slot('actions:post-1')}</div>"
        f"{slot('actions:post-2')}{slot('unknown')}"
    )
    parts = {"actions:post-1": f"<form>{slot('csrf')}{slot('menu')}</form>", "actions:post-2": lambda: "<b>2</b>"}
    filled = fill_cut(cut(page.encode()), parts, {"member": "7", "csrf": csrf})

    assert filled.decode() == (
        "<form>token1</form><div data-member='7'><form>token1"
        + slot("menu")
        + "</form></div><b>2</b>"
        + slot("unknown")
    )
    assert tokens == ["t"]  # one token per page, however many forms hold it


def test_a_page_without_slots_is_one_piece():
    assert cut(b"<p>plain</p>") == [b"<p>plain</p>"]
    assert fill_cut(cut(b"<p>plain</p>"), {}, {}) == b"<p>plain</p>"


def test_a_page_is_cut_and_filled_as_the_bytes_it_is_sent_as():
    """Text beyond ASCII on both sides of a slot and in a part comes out as it went in."""
    page = f"<p>Déjà vu ’{slot('actions:post-1')}’ ✓</p>".encode()
    filled = fill_cut(cut(page), {"actions:post-1": "<b>À répondre</b>"}, {})

    assert filled.decode() == "<p>Déjà vu ’<b>À répondre</b>’ ✓</p>"


def test_a_part_holding_a_slot_twice_gets_it_filled_each_time():
    page = f"{slot('actions:post-1')}"
    part = f"<form>{slot('csrf')}</form><form>{slot('csrf')}</form><i>{slot('member')}</i>"
    filled = fill_cut(cut(page.encode()), {"actions:post-1": part}, {"member": "7", "csrf": lambda: "tok"})

    assert filled == b"<form>tok</form><form>tok</form><i>7</i>"
