from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from forum.validators import BODY_MAX, TITLE_MAX, clean_body, clean_tags, clean_title


class BodyField(forms.CharField):
    widget = forms.Textarea

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Message"))
        kwargs.setdefault("max_length", BODY_MAX + 1000)  # the exact limit is checked after trimming
        kwargs.setdefault("help_text", _("Markdown: **bold**, *italic*, `code`, lists, tables, > quotes, @name."))
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)

    def clean(self, value):
        return clean_body(super().clean(value))


class ReplyForm(forms.Form):
    body = BodyField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 8}))


class ThreadForm(forms.Form):
    category = forms.ModelChoiceField(queryset=None, label=_("Category"), empty_label=_("Choose a category"))
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX * 2,
        help_text=_("A clear question or topic, 5 to 150 characters."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    body = BodyField(widget=forms.Textarea(attrs={"rows": 12}))
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Up to 5 tags, separated by commas."),
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories

    def clean_title(self):
        return clean_title(self.cleaned_data["title"])

    def clean_tags(self):
        return clean_tags(self.cleaned_data.get("tags", ""))


class EditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX * 2, required=False)
    body = BodyField()
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Up to 5 tags, separated by commas."))

    def __init__(self, *args, post, **kwargs):
        super().__init__(*args, **kwargs)
        if not post.is_opening:
            del self.fields["title"]
            del self.fields["tags"]

    def clean_title(self):
        return clean_title(self.cleaned_data["title"])

    def clean_tags(self):
        return clean_tags(self.cleaned_data.get("tags", ""))


def add_service_error(form: forms.Form, error: ValidationError):
    """Show a ValidationError raised by a service on the form it came from."""
    form.add_error(None, error)
