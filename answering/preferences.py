"""A member's choices about invitations to answer: on or off, which tags, how many a day.

/answer/preferences/: the form, its reading of the member's choices and its view. Tags are
named as text and must be tags the member can see on a thread they may read; bad input is
answered with the form, its messages and a 400, and nothing is saved.
"""

from django import forms
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import redirect, render
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from taggit.models import Tag
from taggit.utils import edit_string_for_tags, parse_tags

from answering import conf, services
from answering.models import AnsweringPreference
from forum import permissions
from forum.models import Thread

MAX_TAGS = 20


class PreferencesForm(forms.Form):
    invitations = forms.BooleanField(
        label=gettext_lazy("Invite me to answer questions in my areas of expertise"), required=False
    )
    tags = forms.CharField(
        label=gettext_lazy("Only under these tags"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Tag names separated by commas. Empty: every tag you know about."),
    )
    daily_cap = forms.IntegerField(
        label=gettext_lazy("Invitations a day at most"),
        min_value=0,
        max_value=conf.DAILY_CAP_MAX,
        help_text=format_lazy(gettext_lazy("From 0 to {most}."), most=conf.DAILY_CAP_MAX),
    )

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member

    def clean_tags(self) -> list[Tag]:
        names = parse_tags(self.cleaned_data["tags"])
        if len(names) > MAX_TAGS:
            raise forms.ValidationError(_("Choose %(most)d tags at most.") % {"most": MAX_TAGS})
        if not names:
            return []
        by_name = Q()
        for name in names:
            by_name |= Q(name__iexact=name)
        # Only tags the member can see on a thread: a tag used only where they may not read
        # is answered as unknown, so the form tells nothing about it.
        seen = Thread.objects.filter(permissions.readable_threads_q(self.member), tags=OuterRef("pk"))
        found = list(Tag.objects.filter(by_name).filter(Exists(seen)))
        known = {tag.name.lower() for tag in found}
        unknown = [name for name in names if name.lower() not in known]
        if unknown:
            message = ngettext(
                "There is no tag %(names)s. Check the spelling, or leave it out.",
                "There are no tags %(names)s. Check the spelling, or leave them out.",
                len(unknown),
            )
            raise forms.ValidationError(message % {"names": ", ".join(unknown)})
        return found

    def clean_daily_cap(self) -> int | None:
        """None for the site's cap: the member then follows it when it changes."""
        cap = self.cleaned_data["daily_cap"]
        return None if cap == conf.daily_cap() else cap


def preference_of(member) -> AnsweringPreference:
    """The member's choices, or the defaults when they made none (not saved)."""
    found = AnsweringPreference.objects.filter(member=member).prefetch_related("tags").first()
    return found or AnsweringPreference(member=member)


def _initial(preference: AnsweringPreference) -> dict:
    tags = list(preference.tags.all()) if preference.pk else []
    cap = conf.daily_cap() if preference.daily_cap is None else preference.daily_cap
    return {"invitations": preference.invitations, "tags": edit_string_for_tags(tags), "daily_cap": cap}


@login_required
def preferences(request):
    if request.method != "POST":
        form = PreferencesForm(initial=_initial(preference_of(request.user)), member=request.user)
        return render(request, "answering/preferences.html", {"form": form})
    form = PreferencesForm(request.POST, member=request.user)
    if not form.is_valid():
        return render(request, "answering/preferences.html", {"form": form}, status=400)
    services.set_answering_preferences(member=request.user, **form.cleaned_data)
    flash.success(request, _("Your choices about invitations to answer are saved."))
    return redirect("answering:preferences")
