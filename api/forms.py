from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken
from api.services import NAME_MAX


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX,
        help_text=_("What the token is for, such as “Help desk sync”."),
    )
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
        help_text=_("Read: what you can read on the site. Read and write: also reply, answer and accept in your name."),
    )
