from django.conf import settings
from django.db import models
from django_countries.fields import CountryField

from shop.models import country_label, postal_address_lines


class Profile(models.Model):
    """A buyer's name and default shipping address, prefilled at checkout."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    full_name = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address_line1 = models.CharField("address line 1", max_length=200, blank=True)
    address_line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField("town or city", max_length=100, blank=True)
    postal_code = models.CharField("postcode", max_length=20, blank=True)
    state = models.CharField("county, region or state", max_length=100, blank=True)
    country = CountryField(blank=True)
    # The Stripe Customer that carries this address into Checkout.
    stripe_customer_id = models.CharField(max_length=255, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # The table kept its name when the app was renamed from `accounts`:
        # existing databases keep their rows (see migrations/0001_initial.py).
        db_table = "accounts_profile"

    def __str__(self):
        return self.full_name or str(self.user)

    @property
    def has_address(self):
        """Enough of an address for a parcel (and for Stripe to prefill)."""
        return bool(self.full_name and self.address_line1 and self.city and self.country)

    @property
    def address_lines(self):
        return postal_address_lines(self, country_label(self.country))

    def stripe_address(self):
        """The address in Stripe's shape (empty values left out)."""
        address = {
            "line1": self.address_line1,
            "line2": self.address_line2,
            "city": self.city,
            "postal_code": self.postal_code,
            "state": self.state,
            "country": self.country.code,
        }
        return {key: value for key, value in address.items() if value}


def saved_country(user):
    """The country code of the buyer's saved address, or "" (SHOP_BUYER_COUNTRY)."""
    country = Profile.objects.filter(user=user).values_list("country", flat=True).first()
    return country or ""
