"""What the profile page asks of the apps above identity, without importing them.

A profile shows parts that only an app above knows (following a member, their followers):
the app provides them here in its AppConfig.ready(), as the forum's hooks do for its pages
(forum/hooks.py), and the page does without when none does.
"""

from collections.abc import Callable

_panels: list[tuple[Callable, Callable]] = []


def provide_profile_panel(render: Callable, fill: Callable):
    """render(request, member) -> HTML or "": rendered with the profile, into the copy that
    members share; fill(request, fills) -> {slot name: part}: the reader's own slots of it, from
    what render recorded in request.shared_page.fills (web/pagecache.py)."""
    _panels.append((render, fill))


def profile_panels(request, member) -> str:
    return "".join(render(request, member) for render, _fill in _panels)


def fill_profile_panels(request, fills: dict) -> dict:
    parts = {}
    for _render, fill in _panels:
        parts.update(fill(request, fills))
    return parts
