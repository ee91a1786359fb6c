from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from forum.forms import BodyField
from forum.validators import TITLE_MAX


class MessageForm(forms.Form):
    body = BodyField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown: **bold**, *italic*, `code`, lists, tables, > quotes."),
    )


class NewConversationForm(MessageForm):
    subject = forms.CharField(
        label=_("Subject"), max_length=TITLE_MAX * 2, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    category = forms.ModelChoiceField(queryset=None, label=_("Topic"), required=False, empty_label=_("Something else"))
    field_order = ["subject", "category", "body"]

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories


class TakePrivateForm(MessageForm):
    subject = forms.CharField(label=_("Subject"), max_length=TITLE_MAX * 2)
    member = forms.ChoiceField(label=_("Write to"))
    public_note = forms.CharField(
        label=_("Public note in the thread"),
        required=False,
        max_length=1000,
        help_text=_("Posted in the thread so that readers know the conversation went on in private; empty for none."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    field_order = ["member", "subject", "body", "public_note"]

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(m.username, m.name) for m in people]


class SavedReplyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=240)
    language = forms.ChoiceField(label=_("Language"))
    body = BodyField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown. {member} becomes the member’s name, {me} yours, {site} the site’s."),
    )

    field_order = ["title", "language", "body"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = settings.LANGUAGES


class MemberConversationForm(MessageForm):
    subject = forms.CharField(
        label=_("Subject"), max_length=TITLE_MAX * 2, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    field_order = ["subject", "body"]
