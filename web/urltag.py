"""Django's {% url %} tag, its addresses kept (web/addresses.py): a template builtin
(settings.TEMPLATES), in place of Django's own.

A page's header and footer alone link to a dozen of the site's addresses, and Django's tag
reverses each of them on every rendering (20-40 µs each). Here an address whose arguments are
ints and strings is kept under everything it depends on (the view's name, the arguments, the
current app, the URL configuration and the script prefix); any other (keyword arguments,
objects) is reversed as Django's tag does.
"""

from django.template import Library
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape

from web.addresses import address_in

register = Library()


class KeptURLNode(URLNode):
    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        keepable = isinstance(view_name, str) and (current_app is None or isinstance(current_app, str))
        if self.kwargs or not keepable or not all(_keepable(arg) for arg in args):
            return super().render(context)
        url = ""
        try:
            url = address_in(view_name, tuple(args), current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


def _keepable(value) -> bool:
    # Not a bool: True and 1 are one key to a cache, and not one address.
    return type(value) is int or isinstance(value, str)


@register.tag
def url(parser, token):
    """Django's {% url %}, with the same syntax and output (django.template.defaulttags.url)."""
    node = django_url(parser, token)
    return KeptURLNode(node.view_name, node.args, node.kwargs, node.asvar)
