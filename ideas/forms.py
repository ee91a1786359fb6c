from django import forms
from django.utils.translation import gettext_lazy as _

from ideas.models import CHOSEN, Status


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=[(s.value, s.label) for s in Status if s in CHOSEN])
    note = forms.CharField(
        label=_("Public note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Posted in the thread as an official response: say what this status means for the idea."),
    )
