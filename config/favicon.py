"""/favicon.ico, which browsers and feed readers ask for whatever the page links to.

It redirects to the SVG icon in static/ (under its hashed name in production), so that a
fresh visit logs no 404. The redirect is temporary but cached for a day: a new icon's
hashed name reaches browsers within a day.
"""

from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe


@require_safe
@cache_control(public=True, max_age=24 * 60 * 60)
def favicon(request):
    return HttpResponseRedirect(static("favicon.svg"))
