"""Filling a shared page's slots (web/pagecache.py): one pass, each part made once and only when used."""

from web.pagecache import fill_slots, slot


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
