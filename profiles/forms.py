from allauth.account import forms as allauth_forms
from allauth.account.internal.flows import email_verification
from django import forms
from django.contrib.auth.hashers import make_password
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from profiles import avatars
from profiles.models import Member


def _model_field(name):
    return Member._meta.get_field(name)


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=_model_field("display_name").max_length,
        required=False,
        help_text=_("Shown instead of your username. Leave empty to use your username."),
    )
    bio = forms.CharField(
        label=_("About me"),
        max_length=_model_field("bio").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown: **bold**, *italic*, links, lists. 2,000 characters at most."),
    )
    location = forms.CharField(label=_("Location"), max_length=_model_field("location").max_length, required=False)
    website = forms.URLField(
        label=_("Website"),
        max_length=_model_field("website").max_length,
        required=False,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"], message=_("Enter an http:// or https:// address."))],
    )
    language = forms.ChoiceField(
        label=_("Preferred language"),
        required=False,
        choices=[("", _("No preference")), *_model_field("language").choices],
        help_text=_("The site's language, and the language of the emails we send you."),
    )
    avatar = forms.FileField(
        label=_("Avatar"),
        required=False,
        widget=forms.FileInput(attrs={"accept": avatars.ACCEPT}),
        help_text=_("A PNG, JPEG, GIF or WebP picture, 5 MB at most. It is cropped to a square."),
    )
    remove_avatar = forms.BooleanField(label=_("Remove my avatar"), required=False)

    @classmethod
    def for_member(cls, member, data=None, files=None):
        initial = {name: getattr(member, name) for name in ("display_name", "bio", "location", "website", "language")}
        form = cls(data, files, initial=initial)
        if not member.avatar:
            del form.fields["remove_avatar"]
        return form

    def clean_avatar(self):
        upload = self.cleaned_data.get("avatar")
        return avatars.prepare_avatar(upload) if upload else None


class SignupForm(allauth_forms.SignupForm):
    """allauth's sign-up, answering a registered address exactly as a new one (ACCOUNT_FORMS).

    With ACCOUNT_PREVENT_ENUMERATION allauth does not create an account for an address on
    file: it mails the owner instead. Two tells remained, closed here: the new address's
    path hashes the password to create the member (a registered one answered some 0.5 s
    sooner), and when the owner was mailed moments ago allauth skips the mail and with it
    the "Confirmation email sent" message that a new address always gets.
    """

    def try_save(self, request):
        if not self.account_already_exists:
            return super().try_save(request)
        make_password(self.cleaned_data.get("password1") or "")
        email = self.cleaned_data.get("email") or ""
        will_mail = email_verification.consume_email_verification_rate_limit(request, email, dry_run=True)
        user, response = super().try_save(request)
        if not will_mail:
            email_verification.add_email_verification_sent_message(request, email, signup=True)
        return user, response
