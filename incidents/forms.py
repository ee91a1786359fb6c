from django import forms
from django.utils.translation import gettext_lazy as _

from forum import permissions as forum_permissions
from forum.models import Category, Thread
from ideas.forms import thread_number
from incidents.models import Status
from incidents.services import OPEN_STATUSES, STATEMENT_MAX, TITLE_MAX


class ThreadField(forms.CharField):
    """A thread by its number or its address (/t/<slug>/<id>/), cleaned into the thread if the
    form's viewer may read it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault("help_text", _("Its number or its address, such as /t/lamp-blinks/42/."))
        super().__init__(**kwargs)

    def thread(self, text: str, viewer) -> Thread | None:
        if not text:
            return None
        number = thread_number(text)
        thread = Thread.objects.select_related("category").filter(pk=number).first() if number else None
        if thread is None or not forum_permissions.can_read_thread(viewer, thread):
            raise forms.ValidationError(_("No thread you can read has this number or address."), code="unknown")
        return thread


class _ViewerForm(forms.Form):
    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer


class DeclareForm(_ViewerForm):
    title = forms.CharField(label=_("Title in English"), max_length=TITLE_MAX, required=False)
    title_fr = forms.CharField(label=_("Title in French"), max_length=TITLE_MAX, required=False)
    statement = forms.CharField(
        label=_("Public statement in English"),
        max_length=STATEMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Write both languages, or one: each reader sees theirs, or the other when it is missing."),
    )
    statement_fr = forms.CharField(
        label=_("Public statement in French"),
        max_length=STATEMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    status = forms.ChoiceField(label=_("Status"), choices=[(s, Status(s).label) for s in OPEN_STATUSES])
    category = forms.ModelChoiceField(
        queryset=Category.objects.filter(access=Category.Access.PUBLIC),
        label=_("Category of the incident's thread"),
        required=False,
        empty_label=_("Choose a category"),
    )
    thread = ThreadField(label=_("Or adopt an existing thread"), required=False)
    categories = forms.ModelMultipleChoiceField(
        queryset=Category.objects.order_by("position", "name"),
        label=_("Concerned categories"),
        required=False,
        help_text=_("New threads there are pointed to the incident while they are written."),
    )
    tags = forms.CharField(
        label=_("Concerned tags"), required=False, max_length=500, help_text=_("Separated by commas.")
    )

    def clean_thread(self):
        return ThreadField().thread(self.cleaned_data.get("thread", ""), self.viewer)


class UpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    body = forms.CharField(
        label=_("Update in English"), max_length=STATEMENT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    body_fr = forms.CharField(
        label=_("Update in French"), max_length=STATEMENT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class LinkForm(_ViewerForm):
    thread = ThreadField(label=_("Thread about this incident"))
    merge = forms.BooleanField(
        label=_("Merge it: lock the thread and move its followers to the incident"), required=False
    )

    def clean_thread(self):
        return ThreadField().thread(self.cleaned_data.get("thread", ""), self.viewer)
