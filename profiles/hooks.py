"""What the profile page asks of the apps above identity, without importing them.

A profile shows parts that only an app above knows (following a member, their followers):
the app provides them here in its AppConfig.ready(), as the forum's hooks do for its pages
(forum/hooks.py), and the page does without when none does.
"""

from web.pagecache import Panels

# render(request, member) -> HTML or "", into the copy that members share; fill(request, fills):
# the reader's own slots of it (web.pagecache.Panels).
_panels = Panels()
provide_profile_panel = _panels.provide
profile_panels = _panels.render
fill_profile_panels = _panels.fill
