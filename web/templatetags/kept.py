"""{% kept a b ... %}…{% endkept %}: a part of a page rendered once for each value of its key,
and kept in this process (web/pagecache.Renderings, oldest out first).

For the parts of pages that many renderings repeat and no reader's own data changes: the site's
frame (the header's links, the search box, the footer's language switch: about seventy template
nodes, a tenth of a thread page's rendering), a list's page links, the announcement banner, the
invitation to log in under a thread. The key is the values given (resolved in the page's context) and the
active language (and the script prefix and URL configuration the site's addresses follow);
whatever the part shows must follow from them. A part that shows a reader's
own data (a member's menu, a count of theirs) is not one to keep.
"""

from django import template
from django.template.loader_tags import BlockNode
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from web.pagecache import Renderings

CAPACITY = 2000  # parts kept per process: a few megabytes

register = template.Library()
_kept = Renderings(CAPACITY)


class KeptNode(template.Node):
    # A kept part holds no {% block %} (the tag refuses one): a page that extends another looks
    # for the blocks of its parent on every rendering, and need not look through kept parts.
    child_nodelists = ()

    def __init__(self, nodelist, key):
        self.nodelist, self.key = nodelist, key

    def render(self, context):
        # id(self): the node of one parsed template (templates are parsed once, by the cached
        # loader, unless DEBUG reloads them: a reloaded template is a new node, a new key).
        # The language, and what the site's addresses depend on (web/addresses.py).
        key = (id(self), get_language(), get_script_prefix(), get_urlconf())
        key += tuple(value.resolve(context) for value in self.key)
        return _kept.get_or_render(key, lambda: mark_safe(self.nodelist.render(context)))  # noqa: S308 (rendered by the template, escaped there)


@register.tag
def kept(parser, token):
    key = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        # Rendered once, a part would show one page's block to every page that extends its own.
        raise template.TemplateSyntaxError("{% kept %} cannot hold a {% block %}")
    return KeptNode(nodelist, key)
