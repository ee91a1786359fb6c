"""The edit history's diff: one line per line of text, no blank line between them."""

from forum import services
from tests.forum.parsed import parse_html


def test_the_diff_has_nothing_between_its_lines_so_no_blank_gap_appears(client, make_thread, discussion, member):
    thread = make_thread(category=discussion, author=member, body="First line\n\nSecond line\nThird line")
    opening = thread.posts.get(is_opening=True)
    services.edit_post(post=opening, editor=member, body="First line\n\nSecond line, edited\nThird line")

    page = parse_html(client.get(f"/p/{opening.pk}/history/").content)
    [diff] = page.find_all("pre", class_="diff")
    lines = [span for span in diff.children if span.tag == "span"]

    # Each line is a block of its own: any text between them (a newline) would show as an empty line.
    assert diff.text == "".join(span.text for span in lines)
    assert [(span.classes, span.text) for span in lines] == [
        ({"diff-same"}, "  First line"),
        ({"diff-same"}, "  "),
        ({"diff-del"}, "− Second line"),
        ({"diff-add"}, "+ Second line, edited"),
        ({"diff-same"}, "  Third line"),
    ]
