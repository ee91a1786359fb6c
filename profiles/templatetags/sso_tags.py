"""The sign-in buttons' providers, in the order the site lists them."""

from allauth.socialaccount.templatetags.socialaccount import get_providers
from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag(takes_context=True)
def sign_in_providers(context) -> list:
    """allauth's providers for the page, in the order of OIDC_PROVIDERS (allauth sorts them by
    name): a brand lists its own customer accounts first."""
    order = {provider["id"]: place for place, provider in enumerate(settings.OIDC_PROVIDERS)}
    return sorted(get_providers(context), key=lambda provider: order.get(provider.sub_id, len(order)))
