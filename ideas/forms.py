import re
from urllib.parse import urlsplit

from django import forms
from django.utils.translation import gettext_lazy as _

from forum import permissions as forum_permissions
from forum.models import Thread
from ideas.models import CHOSEN, Status

# A number (#42 or 42), or an address whose path is a thread's: /t/<slug>/<id>/ or /t/<id>/.
NUMBER = re.compile(r"#?(\d{1,18})")
THREAD_PATH = re.compile(r"/t/(?:[^/]+/)?(\d{1,18})(?:/.*)?")


def thread_number(text: str) -> int | None:
    """The thread's number in what a member pasted (a number or an address), or None."""
    text = text.strip()
    match = NUMBER.fullmatch(text)
    if match is None:
        try:
            match = THREAD_PATH.fullmatch(urlsplit(text).path)
        except ValueError:  # not an address at all ("http://[")
            return None
    number = int(match.group(1)) if match else 0
    return number or None


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=[(s.value, s.label) for s in Status if s in CHOSEN])
    note = forms.CharField(
        label=_("Public note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Posted in the thread as an official response: say what this status means for the idea."),
    )


class MergeForm(forms.Form):
    """The idea to merge into, by its number or its address (/t/<slug>/<id>/, with or without
    the site's name): cleaned into that idea's thread, if the viewer may read it."""

    into = forms.CharField(
        label=_("Merge into the idea"),
        max_length=500,
        help_text=_("Its number or its address, such as /t/dark-mode/42/."),
    )

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer

    def clean_into(self):
        number = thread_number(self.cleaned_data["into"])
        thread = Thread.objects.select_related("category").filter(pk=number).first() if number else None
        if thread is None or not forum_permissions.can_read_thread(self.viewer, thread):
            raise forms.ValidationError(_("No idea you can read has this number or address."), code="unknown")
        return thread
