from allauth.account import forms as allauth_forms
from django import forms
from django_countries.fields import Country
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from shop.models import country_label

from .lockout import ADMIN_LOGIN_FAILED_MESSAGE
from .models import Profile

ADDRESS_FIELDS = ["address_line1", "address_line2", "city", "postal_code", "state", "country"]
ADDRESS_REQUIRED = {
    "full_name": "Enter the name the parcel should be addressed to.",
    "address_line1": "Enter the first line of the address.",
    "city": "Enter the town or city.",
    "country": "Choose the country.",
}


class ProfileForm(forms.ModelForm):
    """Name and default shipping address; countries limited to where the shop ships."""

    country = forms.ChoiceField(required=False)

    class Meta:
        model = Profile
        fields = [
            "full_name",
            "phone",
            "address_line1",
            "address_line2",
            "city",
            "postal_code",
            "state",
            "country",
        ]
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "address_line1": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "address_line2": forms.TextInput(attrs={"autocomplete": "address-line2"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "state": forms.TextInput(attrs={"autocomplete": "address-level1"}),
        }

    def __init__(self, *args, countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(code, country_label(Country(code))) for code in countries]
        choices.sort(key=lambda choice: choice[1])
        current = self.instance.country
        if current and current.code not in countries:
            # A country the shop stopped shipping to: shown, so the saved
            # value is not silently lost, but the form asks for another.
            choices.append((current.code, f"{country_label(current)} (no longer shipped to)"))
        self.shipping_countries = set(countries)
        self.fields["country"].choices = [("", "Choose a country"), *choices]
        self.fields["country"].widget.attrs["autocomplete"] = "country"
        self.fields["full_name"].label = "Full name"
        self.fields["phone"].help_text = "For the courier, if they need to reach you."

    def clean_country(self):
        country = self.cleaned_data["country"]
        if country and country not in self.shipping_countries:
            raise forms.ValidationError("We don't ship to this country. Please choose another.")
        return country

    def clean(self):
        cleaned = super().clean()
        # Half an address is no use to a courier: once one part is given,
        # ask for the rest.
        started = any(cleaned.get(name) for name in ADDRESS_FIELDS)
        if started:
            for name, message in ADDRESS_REQUIRED.items():
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, message)
        return cleaned


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label="I understand that my account, profile and saved address will be deleted.",
        error_messages={"required": "Tick the box to confirm that you want to delete the account."},
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password


class SiteLabelsMixin:
    """allauth's forms in the site's voice: "E-mail address", labels in sentence case,
    and no placeholders repeating the labels."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            if name in ("login", "email"):
                field.label = "E-mail address"
            elif name == "remember":
                field.label = "Keep me signed in on this device"
            elif field.label:
                field.label = field.label[0] + field.label[1:].lower()


class LoginForm(SiteLabelsMixin, allauth_forms.LoginForm):
    pass


class SignupForm(SiteLabelsMixin, allauth_forms.SignupForm):
    pass


class AddEmailForm(SiteLabelsMixin, allauth_forms.AddEmailForm):
    pass


class ChangePasswordForm(SiteLabelsMixin, allauth_forms.ChangePasswordForm):
    pass


class SetPasswordForm(SiteLabelsMixin, allauth_forms.SetPasswordForm):
    pass


class ResetPasswordForm(SiteLabelsMixin, allauth_forms.ResetPasswordForm):
    pass


class ResetPasswordKeyForm(SiteLabelsMixin, allauth_forms.ResetPasswordKeyForm):
    pass


class AdminLoginForm(WagtailLoginForm):
    """Wagtail's admin login; a wrong password and a lockout read the same."""

    error_messages = {
        **WagtailLoginForm.error_messages,
        "invalid_login": ADMIN_LOGIN_FAILED_MESSAGE,
    }
