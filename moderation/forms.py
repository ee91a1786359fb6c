from django import forms
from django.utils.translation import gettext_lazy as _

from moderation.models import Report


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("What is wrong?"), choices=Report.Reason.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for “Other”. Moderators read this; the author does not."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason (shown to the author)"), required=False, max_length=1000)


class SuspendForm(forms.Form):
    DURATIONS = [
        ("1", _("1 day")),
        ("3", _("3 days")),
        ("7", _("1 week")),
        ("30", _("30 days")),
        ("365", _("1 year")),
    ]
    days = forms.ChoiceField(label=_("Duration"), choices=DURATIONS, initial="7")
    reason = forms.CharField(label=_("Reason (shown to the member)"), max_length=1000)


class WarnForm(forms.Form):
    reason = forms.CharField(
        label=_("Warning (shown to the member)"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
