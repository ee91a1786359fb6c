from django import forms
from django.utils.translation import gettext_lazy as _


class BookmarkForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=200, required=False, help_text=_("Why you keep it (only you see it).")
    )
    remind_at = forms.DateTimeField(
        label=_("Remind me on"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Optional: you will get a notification then."),
    )
